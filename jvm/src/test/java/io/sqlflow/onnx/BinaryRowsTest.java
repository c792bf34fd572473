package io.sqlflow.onnx;

import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryRowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The unboxed binary writer gives the bytes Flink's own serializer gives. */
class BinaryRowsTest {

    @Test
    void writesWhatFlinksSerializerWrites() {
        String[] types = {"BOOLEAN", "TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE",
            "STRING", "DATE", "TIMESTAMP(3)", "TIMESTAMP_LTZ(6)", "DECIMAL(10, 2)", "DECIMAL(30, 4)",
            "ARRAY<FLOAT>", "DOUBLE"};
        LogicalType[] parsed = new LogicalType[types.length];
        for (int i = 0; i < types.length; i++) {
            parsed[i] = LogicalTypeParser.parse(types[i], getClass().getClassLoader());
        }
        RowType type = RowType.of(parsed);
        GenericRowData row = GenericRowData.ofKind(RowKind.UPDATE_AFTER,
                true, (byte) 3, (short) -7, 42, 1L << 40, 0.25f, Math.PI,
                StringData.fromString("a longer string than eight bytes"), 19000,
                TimestampData.fromEpochMillis(1234567L), TimestampData.fromEpochMillis(99L, 123),
                DecimalData.fromBigDecimal(new BigDecimal("12.34"), 10, 2),
                DecimalData.fromBigDecimal(new BigDecimal("123456789012345.6789"), 30, 4),
                new GenericArrayData(new float[] {1f, 2f}), null);
        BinaryRows rows = new BinaryRows(type);
        BinaryRowData want = new RowDataSerializer(type).toBinaryRow(row).copy();
        BinaryRowData got = rows.write(row);
        assertEquals(want, got);
        assertEquals(RowKind.UPDATE_AFTER, got.getRowKind());
        row.setField(7, null);
        row.setField(6, 2.5);
        assertEquals(new RowDataSerializer(type).toBinaryRow(row).copy(), rows.write(row));
    }
}
