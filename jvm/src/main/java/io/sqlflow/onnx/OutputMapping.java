package io.sqlflow.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.TensorInfo;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which model output tensor fills which OUTPUT column, and the values of the last run.
 *
 * <p>A STRING column named {@code model_version} or {@code version} gets the model's version.
 * Every other column gets the output tensor of its own name; the 'output' option renames the
 * first of them ('name', or 'name[i]' for one value of a wider output); a single such column of
 * a model with a single output gets that output whatever its name. A scalar column takes an
 * output of one value per row ({@code [n]} or {@code [n, 1]}); an ARRAY column takes all the
 * values of the row.
 */
final class OutputMapping {

    private static final Pattern INDEXED = Pattern.compile("^(.+)\\[(\\d+)]$");

    private final String model;
    private final String[] columns;
    private final LogicalType[] types;
    private final String[] tensor; // null: the model version
    private final int[] index; // -1: the whole row (ARRAY) or its only value
    private final Set<String> fetched;
    private final Map<String, double[]> values = new LinkedHashMap<>();
    private final Map<String, Integer> widths = new LinkedHashMap<>();
    private final int capacity;

    private OutputMapping(
            String model,
            String[] columns,
            LogicalType[] types,
            String[] tensor,
            int[] index,
            Set<String> fetched,
            int capacity) {
        this.model = model;
        this.columns = columns;
        this.types = types;
        this.tensor = tensor;
        this.index = index;
        this.fetched = fetched;
        this.capacity = capacity;
    }

    static OutputMapping plan(
            String model,
            ModelSpec spec,
            Columns out,
            Map<String, TensorInfo> outputs,
            int capacity) {
        int n = out.size();
        if (n == 0) {
            throw new ValidationException("model " + model + " needs at least one OUTPUT column");
        }
        String[] tensor = new String[n];
        int[] index = new int[n];
        int scored = 0;
        for (int i = 0; i < n; i++) {
            if (!isVersion(out.names()[i], out.types()[i])) {
                scored++;
            }
        }
        boolean renamed = false;
        Set<String> fetched = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            String col = out.names()[i];
            LogicalType type = out.types()[i];
            index[i] = -1;
            if (isVersion(col, type)) {
                continue;
            }
            String source = col;
            if (spec.output() != null && !renamed) {
                source = spec.output();
                renamed = true;
            }
            Matcher m = INDEXED.matcher(source);
            if (m.matches() && !outputs.containsKey(source)) {
                source = m.group(1);
                index[i] = Integer.parseInt(m.group(2));
            }
            if (!outputs.containsKey(source)) {
                if (scored == 1 && spec.output() == null && outputs.size() == 1) {
                    source = outputs.keySet().iterator().next();
                } else {
                    throw new ValidationException(
                            "model " + model + " has no output '" + source + "' for OUTPUT column '"
                                    + col + "' (outputs: " + OnnxModel.join(outputs.keySet()) + ")"
                                    + OnnxModel.hint(source, outputs.keySet()));
                }
            }
            checkType(model, col, type, source, outputs.get(source), index[i]);
            tensor[i] = source;
            fetched.add(source);
        }
        return new OutputMapping(model, out.names(), out.types(), tensor, index, fetched, capacity);
    }

    static boolean isVersion(String column, LogicalType type) {
        return InputFeed.text(type)
                && (column.equalsIgnoreCase("model_version") || column.equalsIgnoreCase("version"));
    }

    private static void checkType(
            String model, String col, LogicalType type, String source, TensorInfo info, int idx) {
        boolean array = type.getTypeRoot() == LogicalTypeRoot.ARRAY;
        LogicalType t = array ? ((ArrayType) type).getElementType() : type;
        if (!InputFeed.numeric(t)) {
            throw new ValidationException(
                    "model " + model + ": OUTPUT column '" + col + "' " + type.asSummaryString()
                            + " cannot hold a model output (numeric or ARRAY of numbers; a STRING"
                            + " column named model_version gets the model version)");
        }
        OnnxJavaType et = info.type;
        if (et != OnnxJavaType.FLOAT && et != OnnxJavaType.DOUBLE && et != OnnxJavaType.INT64
                && et != OnnxJavaType.INT32 && et != OnnxJavaType.BOOL
                && et != OnnxJavaType.INT8 && et != OnnxJavaType.UINT8) {
            throw new ValidationException(
                    "model " + model + ": output '" + source + "' is a tensor of " + info.onnxType
                            + ", which no SQL column can take");
        }
        long[] shape = info.getShape();
        long perRow = 1;
        boolean known = true;
        for (int d = 1; d < shape.length; d++) {
            if (shape[d] < 0) {
                known = false;
            } else {
                perRow *= shape[d];
            }
        }
        if (known && idx >= 0 && idx >= perRow) {
            throw new ValidationException(
                    "model " + model + ": output '" + source + "' has " + perRow
                            + " values per row, so [" + idx + "] is out of range");
        }
        if (known && !array && idx < 0 && perRow != 1) {
            throw new ValidationException(
                    "model " + model + ": output '" + source + "' has " + perRow + " values per"
                            + " row; pick one with 'output' = '" + source + "[i]' or declare '"
                            + col + "' as an ARRAY");
        }
    }

    Set<String> fetched() {
        return fetched;
    }

    int size() {
        return columns.length;
    }

    /** Copies rows {@code [0, n)} of an output tensor into slots {@code [start, start + n)}. */
    void take(String name, OnnxTensor t, int start, int n) {
        long[] shape = t.getInfo().getShape();
        int perRow = 1;
        for (int d = 1; d < shape.length; d++) {
            perRow *= (int) shape[d];
        }
        Integer known = widths.get(name);
        double[] vals = values.get(name);
        if (known == null || known != perRow) {
            vals = new double[capacity * perRow];
            values.put(name, vals);
            widths.put(name, perRow);
        }
        int off = start * perRow;
        int count = n * perRow;
        switch (t.getInfo().type) {
            case FLOAT:
                FloatBuffer fb = t.getFloatBuffer();
                for (int i = 0; i < count; i++) {
                    vals[off + i] = fb.get(i);
                }
                break;
            case DOUBLE:
                DoubleBuffer db = t.getDoubleBuffer();
                db.get(0, vals, off, count);
                break;
            case INT64:
                LongBuffer lb = t.getLongBuffer();
                for (int i = 0; i < count; i++) {
                    vals[off + i] = lb.get(i);
                }
                break;
            case INT32:
                IntBuffer ib = t.getIntBuffer();
                for (int i = 0; i < count; i++) {
                    vals[off + i] = ib.get(i);
                }
                break;
            case UINT8:
                ByteBuffer ub = t.getByteBuffer();
                for (int i = 0; i < count; i++) {
                    vals[off + i] = ub.get(i) & 0xff;
                }
                break;
            default: // BOOL, INT8
                ByteBuffer bb = t.getByteBuffer();
                for (int i = 0; i < count; i++) {
                    vals[off + i] = bb.get(i);
                }
        }
    }

    /** The OUTPUT columns of slot {@code slot}. */
    GenericRowData row(int slot, StringData version) {
        GenericRowData out = new GenericRowData(columns.length);
        for (int c = 0; c < columns.length; c++) {
            if (tensor[c] == null) {
                out.setField(c, version);
                continue;
            }
            double[] vals = values.get(tensor[c]);
            int perRow = widths.get(tensor[c]);
            LogicalType type = types[c];
            if (type.getTypeRoot() == LogicalTypeRoot.ARRAY) {
                out.setField(c, array(((ArrayType) type).getElementType(), vals, slot * perRow, perRow));
                continue;
            }
            int i = index[c];
            if (i < 0 && perRow != 1) {
                throw new IllegalStateException(
                        "model " + model + ": output '" + tensor[c] + "' gives " + perRow
                                + " values per row for the scalar OUTPUT column '" + columns[c]
                                + "'; pick one with 'output' = '" + tensor[c] + "[i]'");
            }
            if (i >= perRow) {
                throw new IllegalStateException(
                        "model " + model + ": output '" + tensor[c] + "' gives " + perRow
                                + " values per row, so [" + i + "] is out of range");
            }
            out.setField(c, scalar(type, vals[slot * perRow + Math.max(i, 0)]));
        }
        return out;
    }

    /** One value as the column's type (integers truncate, BOOLEAN is {@code > 0.5}, as Python). */
    private static Object scalar(LogicalType type, double v) {
        switch (type.getTypeRoot()) {
            case FLOAT:
                return (float) v;
            case DOUBLE:
                return v;
            case TINYINT:
                return (byte) v;
            case SMALLINT:
                return (short) v;
            case INTEGER:
                return (int) v;
            case BIGINT:
                return (long) v;
            case BOOLEAN:
                return v > 0.5;
            default: // DECIMAL
                DecimalType d = (DecimalType) type;
                return DecimalData.fromBigDecimal(BigDecimal.valueOf(v), d.getPrecision(), d.getScale());
        }
    }

    private static GenericArrayData array(LogicalType elem, double[] vals, int off, int n) {
        switch (elem.getTypeRoot()) {
            case FLOAT:
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) vals[off + i];
                }
                return new GenericArrayData(f);
            case DOUBLE:
                double[] d = new double[n];
                System.arraycopy(vals, off, d, 0, n);
                return new GenericArrayData(d);
            case INTEGER:
                int[] ints = new int[n];
                for (int i = 0; i < n; i++) {
                    ints[i] = (int) vals[off + i];
                }
                return new GenericArrayData(ints);
            case BIGINT:
                long[] longs = new long[n];
                for (int i = 0; i < n; i++) {
                    longs[i] = (long) vals[off + i];
                }
                return new GenericArrayData(longs);
            default:
                Object[] objs = new Object[n];
                for (int i = 0; i < n; i++) {
                    objs[i] = scalar(elem, vals[off + i]);
                }
                return new GenericArrayData(objs);
        }
    }
}
