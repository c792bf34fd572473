package io.sqlflow.onnx;

import org.apache.flink.table.api.ValidationException;

import javax.annotation.Nullable;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the model file. An absolute 'path' is taken as it is. A relative one is looked up, in
 * order: under $SQLFLOW_PROJECT_ROOT, where the planning side found it (an absolute path recorded
 * in the {@link ModelSpec}), under the working directory, and among the files shipped with the
 * job under that name ({@code pipeline.cached-files}, for a remote cluster).
 */
final class ModelFiles {

    static final String PROJECT_ROOT_ENV = "SQLFLOW_PROJECT_ROOT";

    private ModelFiles() {}

    /** The absolute file the planning side sees for {@code path}, or null where it sees none. */
    @Nullable
    static String resolveOnClient(String path) {
        for (File f : candidates(path, null)) {
            if (f.isFile()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    /**
     * The model file in a task. {@code cached} looks up a file shipped with the job by name (the
     * function or operator context's distributed cache), or is null.
     */
    static File resolveInTask(ModelSpec spec, @Nullable Function<String, File> cached) {
        List<File> tried = new ArrayList<>(candidates(spec.path(), spec.clientPath()));
        for (File f : tried) {
            if (f.isFile()) {
                return f;
            }
        }
        if (cached != null && !Paths.get(spec.path()).isAbsolute()) {
            try {
                File f = cached.apply(spec.path());
                if (f != null && f.isFile()) {
                    return f;
                }
            } catch (RuntimeException notShipped) {
                // no file of that name was shipped with the job
            }
        }
        StringBuilder where = new StringBuilder();
        for (File f : tried) {
            where.append(where.length() == 0 ? "" : ", ").append(f.getPath());
        }
        throw new ValidationException(
                "model file '" + spec.path() + "' not found (looked at " + where
                        + (Paths.get(spec.path()).isAbsolute()
                                ? ")"
                                : " and the files shipped with the job)"));
    }

    private static List<File> candidates(String path, @Nullable String clientPath) {
        Path p = Paths.get(path);
        Set<File> out = new LinkedHashSet<>();
        if (p.isAbsolute()) {
            out.add(p.toFile());
            return new ArrayList<>(out);
        }
        String root = System.getenv(PROJECT_ROOT_ENV);
        if (root != null && !root.isEmpty()) {
            out.add(Paths.get(root).resolve(p).toFile());
        }
        if (clientPath != null) {
            out.add(new File(clientPath));
        }
        out.add(Paths.get(System.getProperty("user.dir")).resolve(p).toAbsolutePath().toFile());
        return new ArrayList<>(out);
    }
}
