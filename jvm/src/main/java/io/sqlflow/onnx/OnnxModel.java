package io.sqlflow.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One onnxruntime session and the mapping between SQL rows and its tensors.
 *
 * <p>Rows are written into a batch one at a time ({@link #add}), straight into direct buffers
 * that become the input tensors without a copy; {@link #run} scores the batch in one
 * {@code session.run}; {@link #outputRow} reads one row's OUTPUT columns back. A row that
 * cannot become a tensor row is not written: {@link #add} returns why (a {@link Reasons} code)
 * and the caller gives it NULL outputs. Not thread-safe; one per task, made in {@code open()}.
 */
final class OnnxModel implements AutoCloseable {

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String device;
    private final String version;
    private final InputFeed[] feeds;
    private final OutputMapping outputs;
    private final int capacity;
    private final int fixedBatch;

    private OnnxModel(
            String name,
            OrtEnvironment env,
            OrtSession session,
            String device,
            String version,
            InputFeed[] feeds,
            OutputMapping outputs,
            int capacity,
            int fixedBatch) {
        this.name = name;
        this.env = env;
        this.session = session;
        this.device = device;
        this.version = version;
        this.feeds = feeds;
        this.outputs = outputs;
        this.capacity = capacity;
        this.fixedBatch = fixedBatch;
    }

    /**
     * Loads the model file and maps the features and OUTPUT columns onto its tensors; a mismatch
     * is a {@link ValidationException} that names the model's inputs or outputs.
     *
     * @param capacity the most rows one {@link #run} takes
     * @param gpu the GPU to use where the device allows one
     */
    static OnnxModel open(
            ModelSpec spec, Columns features, Columns outputCols, File file, int capacity, int gpu) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file.toPath());
        } catch (IOException e) {
            throw new ValidationException(
                    "cannot read model file '" + file + "': " + e.getMessage(), e);
        }
        String name = file.getName();
        OrtEnvironment env = Sessions.environment();
        OrtSession session;
        String device;
        try {
            Sessions.Placed placed = Sessions.create(env, bytes, spec, gpu, name);
            session = placed.session();
            device = placed.device();
        } catch (OrtException e) {
            throw new ValidationException(
                    "cannot load ONNX model '" + file + "': " + e.getMessage(), e);
        }
        try {
            String version = version(session, bytes);
            Map<String, TensorInfo> inputs = tensors(session.getInputInfo(), "input", name);
            Map<String, TensorInfo> outs = tensors(session.getOutputInfo(), "output", name);
            int fixed = 0;
            InputFeed[] feeds = InputFeed.plan(name, spec, features, inputs);
            for (InputFeed f : feeds) {
                fixed = Math.max(fixed, f.fixedBatch());
            }
            int cap = fixed > 0 ? ((capacity + fixed - 1) / fixed) * fixed : capacity;
            for (InputFeed f : feeds) {
                f.allocate(cap);
            }
            OutputMapping mapping = OutputMapping.plan(name, spec, outputCols, outs, cap);
            return new OnnxModel(name, env, session, device, version, feeds, mapping, cap, fixed);
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // the first error is the one to report
            }
            if (e instanceof ValidationException) {
                throw (ValidationException) e;
            }
            throw new ValidationException("ONNX model '" + file + "': " + e.getMessage(), e);
        }
    }

    /** Checks a model against its declared columns, on the planning side, then closes it. */
    static void check(ModelSpec spec, Columns features, Columns outputCols, File file) {
        ModelSpec cpu =
                new ModelSpec(
                        spec.path(), spec.clientPath(), 1, "cpu", 1, spec.input(), spec.output(),
                        spec.width(), spec.flushIntervalMs());
        open(cpu, features, outputCols, file, 1, 0).close();
    }

    String name() {
        return name;
    }

    String device() {
        return device;
    }

    String version() {
        return version;
    }

    int capacity() {
        return capacity;
    }

    /**
     * Writes the features of {@code row} into batch slot {@code slot}; returns {@link
     * Reasons#OK} or why the row cannot be scored (then the slot holds nothing useful).
     *
     * @param positions the field of {@code row} holding each DESCRIPTOR column
     */
    int add(RowData row, int[] positions, int slot) {
        int pending = Reasons.OK;
        for (InputFeed feed : feeds) {
            int r = feed.write(row, positions, slot);
            if (r == Reasons.NULL || r == Reasons.WRONG_TYPE || r == Reasons.WRONG_LENGTH) {
                return r;
            }
            if (r != Reasons.OK && (pending == Reasons.OK || r < pending)) {
                pending = r;
            }
        }
        return pending;
    }

    /** Scores slots {@code [0, rows)} in one session run (in runs of a fixed batch axis). */
    void run(int rows) throws OrtException {
        if (rows == 0) {
            return;
        }
        int step = fixedBatch > 0 ? fixedBatch : rows;
        for (int start = 0; start < rows; start += step) {
            int n = Math.min(step, rows - start);
            int shaped = fixedBatch > 0 ? fixedBatch : n;
            if (shaped > n) {
                for (InputFeed f : feeds) {
                    f.zero(start + n, start + shaped);
                }
            }
            Map<String, OnnxTensor> in = new HashMap<>();
            try {
                for (InputFeed f : feeds) {
                    in.put(f.name(), f.tensor(env, start, shaped));
                }
                try (OrtSession.Result result = session.run(in, outputs.fetched())) {
                    for (String out : outputs.fetched()) {
                        OnnxValue v = result.get(out).orElseThrow();
                        outputs.take(out, (OnnxTensor) v, start, n);
                    }
                }
            } finally {
                for (OnnxTensor t : in.values()) {
                    t.close();
                }
            }
        }
    }

    /** The OUTPUT columns of the row scored in slot {@code slot} by the last {@link #run}. */
    GenericRowData outputRow(int slot) {
        return outputs.row(slot, StringData.fromString(version));
    }

    /** NULL in every OUTPUT column: the result of a row that could not be scored. */
    GenericRowData nullRow() {
        return new GenericRowData(outputs.size());
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing twice or after a failed run: nothing left to free
        }
    }

    // -- helpers ---------------------------------------------------------------------------

    /** ONNX metadata 'version', else the first 12 hex digits of the file's sha256 (as Python). */
    private static String version(OrtSession session, byte[] bytes) throws OrtException {
        String v = session.getMetadata().getCustomMetadata().get("version");
        if (v != null && !v.isEmpty()) {
            return v;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, TensorInfo> tensors(
            Map<String, NodeInfo> nodes, String what, String model) {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> e : nodes.entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo)) {
                throw new ValidationException(
                        "model " + model + ": " + what + " '" + e.getKey()
                                + "' is not a tensor; only tensor inputs and outputs are supported");
            }
            out.put(e.getKey(), (TensorInfo) e.getValue().getInfo());
        }
        return out;
    }

    static String join(Set<String> names) {
        return String.join(", ", names);
    }

    /** The closest name in {@code candidates}, ignoring case, for "did you mean" hints. */
    static String closest(String name, Set<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, name.length() / 3) ? best : null;
    }

    static String hint(String name, Set<String> candidates) {
        String c = closest(name, candidates);
        return c == null ? "" : " (did you mean '" + c + "'?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static ByteBuffer direct(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new ValidationException("a batch of this model needs " + bytes
                    + " bytes, more than one buffer holds: lower 'batch-size'");
        }
        return ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    }

    static int elementSize(OnnxJavaType type) {
        switch (type) {
            case FLOAT:
            case INT32:
                return 4;
            case DOUBLE:
            case INT64:
                return 8;
            default:
                throw new IllegalArgumentException(type.toString());
        }
    }

    static Set<String> keys(Map<String, ?> map) {
        return new LinkedHashSet<>(map.keySet());
    }
}
