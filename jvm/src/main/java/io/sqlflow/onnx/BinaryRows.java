package io.sqlflow.onnx;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.data.writer.BinaryRowWriter;
import org.apache.flink.table.data.writer.BinaryWriter;
import org.apache.flink.table.runtime.typeutils.InternalSerializers;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * Writes rows as one reused {@link BinaryRowData}, primitives without boxing. Flink's own
 * {@code RowDataSerializer.toBinaryRow} reads every field through a boxing field getter; for
 * the wide numeric rows of a scoring job that boxing was the operator's largest cost.
 */
final class BinaryRows {

    private final LogicalType[] types;
    private final RowData.FieldGetter[] getters;
    private final TypeSerializer<?>[] serializers;
    private final BinaryRowData row;
    private final BinaryRowWriter writer;

    BinaryRows(RowType type) {
        int n = type.getFieldCount();
        types = type.getChildren().toArray(new LogicalType[0]);
        getters = new RowData.FieldGetter[n];
        serializers = new TypeSerializer<?>[n];
        for (int i = 0; i < n; i++) {
            getters[i] = RowData.createFieldGetter(types[i], i);
            serializers[i] = InternalSerializers.create(types[i]);
        }
        row = new BinaryRowData(n);
        writer = new BinaryRowWriter(row);
    }

    /** {@code in} as a binary row; the same object each call, overwritten by the next. */
    BinaryRowData write(RowData in) {
        writer.reset();
        for (int i = 0; i < types.length; i++) {
            if (in.isNullAt(i)) {
                writer.setNullAt(i);
                continue;
            }
            switch (types[i].getTypeRoot()) {
                case BOOLEAN:
                    writer.writeBoolean(i, in.getBoolean(i));
                    break;
                case TINYINT:
                    writer.writeByte(i, in.getByte(i));
                    break;
                case SMALLINT:
                    writer.writeShort(i, in.getShort(i));
                    break;
                case INTEGER:
                case DATE:
                case TIME_WITHOUT_TIME_ZONE:
                case INTERVAL_YEAR_MONTH:
                    writer.writeInt(i, in.getInt(i));
                    break;
                case BIGINT:
                case INTERVAL_DAY_TIME:
                    writer.writeLong(i, in.getLong(i));
                    break;
                case FLOAT:
                    writer.writeFloat(i, in.getFloat(i));
                    break;
                case DOUBLE:
                    writer.writeDouble(i, in.getDouble(i));
                    break;
                case CHAR:
                case VARCHAR:
                    writer.writeString(i, in.getString(i));
                    break;
                default: // timestamps, decimals, arrays, rows, ...: Flink's general path
                    BinaryWriter.write(writer, i, getters[i].getFieldOrNull(in), types[i], serializers[i]);
            }
        }
        writer.complete();
        row.setRowKind(in.getRowKind());
        return row;
    }
}
