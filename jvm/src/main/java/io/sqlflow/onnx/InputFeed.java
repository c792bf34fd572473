package io.sqlflow.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One model input tensor and the DESCRIPTOR columns that feed it: several numeric scalar columns
 * stacked side by side into {@code [n, k]}, or one ARRAY column of a fixed length into {@code [n,
 * len]}, written in the input's element type (float32, float64, int64 or int32).
 */
final class InputFeed {

    private final String name;
    private final int[] columns; // indices into the DESCRIPTOR columns
    private final LogicalType[] types;
    private final boolean array;
    private final LogicalType elementType; // of the ARRAY column
    private final int width;
    private final int rank;
    private final int fixedBatch;
    private final OnnxJavaType type;
    private ByteBuffer buffer;

    private InputFeed(
            String name,
            int[] columns,
            LogicalType[] types,
            int width,
            int rank,
            int fixedBatch,
            OnnxJavaType type) {
        this.name = name;
        this.columns = columns;
        this.types = types;
        this.array = types.length == 1 && types[0].getTypeRoot() == LogicalTypeRoot.ARRAY;
        this.elementType = array ? ((ArrayType) types[0]).getElementType() : null;
        this.width = width;
        this.rank = rank;
        this.fixedBatch = fixedBatch;
        this.type = type;
    }

    /**
     * Which columns feed which input. The 'input' option names the one input all columns feed;
     * without it a model of one input gets all of them; a model of several inputs gets each
     * column into the input of the same name.
     */
    static InputFeed[] plan(
            String model, ModelSpec spec, Columns features, Map<String, TensorInfo> inputs) {
        if (features.size() == 0) {
            throw new ValidationException("model " + model + " needs at least one input column");
        }
        String list = OnnxModel.join(inputs.keySet());
        int[] all = new int[features.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        if (spec.input() != null) {
            TensorInfo info = inputs.get(spec.input());
            if (info == null) {
                throw new ValidationException(
                        "model " + model + " has no input '" + spec.input() + "' (inputs: " + list
                                + ")" + OnnxModel.hint(spec.input(), inputs.keySet()));
            }
            if (inputs.size() > 1) {
                throw new ValidationException(
                        "model " + model + " has inputs " + list + ": the DESCRIPTOR columns feed"
                                + " only '" + spec.input() + "'; give the others DESCRIPTOR columns"
                                + " named after them and leave out 'input'");
            }
            return new InputFeed[] {feed(model, spec, spec.input(), info, features, all)};
        }
        if (inputs.size() == 1) {
            Map.Entry<String, TensorInfo> only = inputs.entrySet().iterator().next();
            return new InputFeed[] {feed(model, spec, only.getKey(), only.getValue(), features, all)};
        }
        List<InputFeed> feeds = new ArrayList<>();
        for (Map.Entry<String, TensorInfo> in : inputs.entrySet()) {
            int found = -1;
            for (int i = 0; i < features.size(); i++) {
                if (features.names()[i].equalsIgnoreCase(in.getKey())) {
                    found = i;
                }
            }
            if (found < 0 || features.size() != inputs.size()) {
                throw new ValidationException(
                        "model " + model + " has inputs " + list + ": give one DESCRIPTOR column"
                                + " named after each, or name the one input to feed with 'input'");
            }
            feeds.add(feed(model, spec, in.getKey(), in.getValue(), features, new int[] {found}));
        }
        return feeds.toArray(new InputFeed[0]);
    }

    private static InputFeed feed(
            String model,
            ModelSpec spec,
            String input,
            TensorInfo info,
            Columns features,
            int[] cols) {
        LogicalType[] types = new LogicalType[cols.length];
        for (int i = 0; i < cols.length; i++) {
            types[i] = features.types()[cols[i]];
        }
        boolean array = types.length == 1 && types[0].getTypeRoot() == LogicalTypeRoot.ARRAY;
        for (int i = 0; i < types.length; i++) {
            LogicalType t = array ? ((ArrayType) types[0]).getElementType() : types[i];
            if (!array && types[i].getTypeRoot() == LogicalTypeRoot.ARRAY) {
                throw new ValidationException(
                        "model " + model + ": give either one ARRAY column or scalar columns, not "
                                + types[i].asSummaryString() + " among " + types.length + " inputs");
            }
            if (!numeric(t) && !text(t)) {
                throw new ValidationException(
                        "model " + model + ": input column '" + features.names()[cols[i]] + "' of"
                                + " type " + types[i].asSummaryString() + " cannot feed a model");
            }
        }
        OnnxJavaType type = info.type;
        if (type != OnnxJavaType.FLOAT && type != OnnxJavaType.DOUBLE
                && type != OnnxJavaType.INT64 && type != OnnxJavaType.INT32) {
            throw new ValidationException(
                    "model " + model + ": input '" + input + "' is a tensor of " + info.onnxType
                            + "; only float, double, int64 and int32 inputs are supported");
        }
        long[] shape = info.getShape();
        if (shape.length < 1 || shape.length > 2) {
            throw new ValidationException(
                    "model " + model + ": input '" + input + "' has " + shape.length
                            + " dimensions; a model input must be [batch] or [batch, features]");
        }
        Integer width = null;
        if (shape.length == 1) {
            width = 1;
        } else if (shape[1] > 0) {
            width = (int) shape[1];
        } else if (spec.width() != null) {
            width = spec.width();
        } else if (!array) {
            width = types.length;
        }
        if (width == null) {
            throw new ValidationException(
                    "model " + model + ": the width of the ARRAY input is unknown (the model's"
                            + " feature axis is dynamic), so set 'width'");
        }
        if (!array && width != types.length) {
            throw new ValidationException(
                    "model " + model + " takes " + width + " features per row but "
                            + types.length + " columns are given");
        }
        int fixed = shape[0] > 0 ? (int) shape[0] : 0;
        return new InputFeed(input, cols, types, width, shape.length, fixed, type);
    }

    String name() {
        return name;
    }

    int fixedBatch() {
        return fixedBatch;
    }

    void allocate(int capacity) {
        buffer = OnnxModel.direct((long) capacity * width * OnnxModel.elementSize(type));
    }

    /** Writes one row's features into {@code slot}; returns a {@link Reasons} code. */
    int write(RowData row, int[] positions, int slot) {
        int base = slot * width;
        int pending = Reasons.OK;
        if (array) {
            int pos = positions[columns[0]];
            if (row.isNullAt(pos)) {
                return Reasons.NULL;
            }
            ArrayData values = row.getArray(pos);
            if (values.size() != width) {
                return Reasons.WRONG_LENGTH;
            }
            for (int i = 0; i < width; i++) {
                if (values.isNullAt(i)) {
                    return Reasons.NULL;
                }
                double v;
                try {
                    v = element(values, i, elementType);
                } catch (NumberFormatException e) {
                    return Reasons.WRONG_TYPE;
                }
                int r = put(base + i, v);
                if (r != Reasons.OK && (pending == Reasons.OK || r < pending)) {
                    pending = r;
                }
            }
            return pending;
        }
        for (int j = 0; j < columns.length; j++) {
            int pos = positions[columns[j]];
            if (row.isNullAt(pos)) {
                return Reasons.NULL;
            }
            double v;
            try {
                v = scalar(row, pos, types[j]);
            } catch (NumberFormatException e) {
                return Reasons.WRONG_TYPE;
            }
            int r = put(base + j, v);
            if (r != Reasons.OK && (pending == Reasons.OK || r < pending)) {
                pending = r;
            }
        }
        return pending;
    }

    /** Writes one value in the tensor's type; NaN and infinities are reasons, as in Python. */
    private int put(int index, double v) {
        switch (type) {
            case FLOAT:
                float f = (float) v; // beyond float range becomes inf, counted as such
                buffer.putFloat(index * 4, f);
                return Float.isNaN(f) ? Reasons.NAN : Float.isInfinite(f) ? Reasons.INF : 0;
            case DOUBLE:
                buffer.putDouble(index * 8, v);
                break;
            case INT64:
                buffer.putLong(index * 8, (long) v);
                break;
            default:
                buffer.putInt(index * 4, (int) v);
        }
        return Double.isNaN(v) ? Reasons.NAN : Double.isInfinite(v) ? Reasons.INF : Reasons.OK;
    }

    void zero(int fromSlot, int toSlot) {
        int size = OnnxModel.elementSize(type);
        for (int i = fromSlot * width * size; i < toSlot * width * size; i++) {
            buffer.put(i, (byte) 0);
        }
    }

    /** The input tensor over slots {@code [start, start + rows)}, sharing the buffer's memory. */
    OnnxTensor tensor(OrtEnvironment env, int start, int rows) throws OrtException {
        int size = OnnxModel.elementSize(type);
        ByteBuffer region =
                buffer.duplicate()
                        .position(start * width * size)
                        .limit((start + rows) * width * size)
                        .slice()
                        .order(buffer.order());
        long[] shape = rank == 1 ? new long[] {rows} : new long[] {rows, width};
        switch (type) {
            case FLOAT:
                return OnnxTensor.createTensor(env, region.asFloatBuffer(), shape);
            case DOUBLE:
                return OnnxTensor.createTensor(env, region.asDoubleBuffer(), shape);
            case INT64:
                return OnnxTensor.createTensor(env, region.asLongBuffer(), shape);
            default:
                return OnnxTensor.createTensor(env, region.asIntBuffer(), shape);
        }
    }

    // -- reading SQL values as numbers -----------------------------------------------------

    static boolean numeric(LogicalType t) {
        switch (t.getTypeRoot()) {
            case TINYINT:
            case SMALLINT:
            case INTEGER:
            case BIGINT:
            case FLOAT:
            case DOUBLE:
            case DECIMAL:
            case BOOLEAN:
                return true;
            default:
                return false;
        }
    }

    static boolean text(LogicalType t) {
        return t.getTypeRoot() == LogicalTypeRoot.VARCHAR || t.getTypeRoot() == LogicalTypeRoot.CHAR;
    }

    private static double scalar(RowData row, int pos, LogicalType t) {
        switch (t.getTypeRoot()) {
            case TINYINT:
                return row.getByte(pos);
            case SMALLINT:
                return row.getShort(pos);
            case INTEGER:
                return row.getInt(pos);
            case BIGINT:
                return row.getLong(pos);
            case FLOAT:
                return row.getFloat(pos);
            case DOUBLE:
                return row.getDouble(pos);
            case BOOLEAN:
                return row.getBoolean(pos) ? 1 : 0;
            case DECIMAL:
                DecimalType d = (DecimalType) t;
                return row.getDecimal(pos, d.getPrecision(), d.getScale()).toBigDecimal().doubleValue();
            default: // VARCHAR, CHAR: a number written as text
                return Double.parseDouble(row.getString(pos).toString().trim());
        }
    }

    private static double element(ArrayData a, int i, LogicalType t) {
        switch (t.getTypeRoot()) {
            case TINYINT:
                return a.getByte(i);
            case SMALLINT:
                return a.getShort(i);
            case INTEGER:
                return a.getInt(i);
            case BIGINT:
                return a.getLong(i);
            case FLOAT:
                return a.getFloat(i);
            case DOUBLE:
                return a.getDouble(i);
            case BOOLEAN:
                return a.getBoolean(i) ? 1 : 0;
            case DECIMAL:
                DecimalType d = (DecimalType) t;
                return a.getDecimal(i, d.getPrecision(), d.getScale()).toBigDecimal().doubleValue();
            default:
                return Double.parseDouble(a.getString(i).toString().trim());
        }
    }
}
