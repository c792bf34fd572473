package io.sqlflow.onnx;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.table.types.logical.BigIntType;
import org.apache.flink.table.types.logical.DoubleType;
import org.apache.flink.table.types.logical.FloatType;
import org.apache.flink.table.types.logical.VarCharType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The micro-batching operator in Flink's operator test harness: when it flushes, what it emits,
 * and that a checkpoint and restore lose and double no row.
 */
class OnnxPredictOperatorTest {

    private static final File MODEL = TestData.resource("two.onnx");
    // input rows: (id BIGINT, a DOUBLE, b DOUBLE, c DOUBLE); DESCRIPTOR(a, b, c)
    private static final RowType INPUT = RowType.of(
            new LogicalType[] {new BigIntType(), new DoubleType(), new DoubleType(), new DoubleType()},
            new String[] {"id", "a", "b", "c"});
    private static final RowType OUTPUT = RowType.of(
            new LogicalType[] {new BigIntType(), new DoubleType(), new DoubleType(), new DoubleType(),
                new FloatType(), new VarCharType(VarCharType.MAX_LENGTH)},
            new String[] {"id", "a", "b", "c", "probability", "model_version"});

    private static OneInputStreamOperatorTestHarness<RowData, RowData> harness(int batch)
            throws Exception {
        ModelSpec spec = new ModelSpec(MODEL.getAbsolutePath(), null, batch, "cpu", 1, null, null, null, 50);
        OnnxPredictOperator op = new OnnxPredictOperator(
                spec,
                TestData.doubles("f", 3),
                TestData.columns("probability", "FLOAT", "model_version", "STRING"),
                new int[] {1, 2, 3},
                INPUT,
                OUTPUT);
        var h = new OneInputStreamOperatorTestHarness<RowData, RowData>(op);
        h.setup(new RowDataSerializer(OUTPUT));
        return h;
    }

    private static double[] features(long id) {
        return new double[] {0.1 * id, 1 - 0.05 * id, id % 3};
    }

    private static StreamRecord<RowData> record(long id) {
        double[] f = features(id);
        return new StreamRecord<>(GenericRowData.of(id, f[0], f[1], f[2]), 1000 + id);
    }

    /** The scored rows emitted so far, in order, checked against a plain session. */
    private static List<Long> emitted(OneInputStreamOperatorTestHarness<RowData, RowData> h)
            throws Exception {
        List<Long> ids = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (!(o instanceof StreamRecord)) {
                continue;
            }
            @SuppressWarnings("unchecked")
            StreamRecord<RowData> rec = (StreamRecord<RowData>) o;
            RowData row = rec.getValue();
            long id = row.getLong(0);
            assertEquals(6, row.getArity());
            assertEquals(1000 + id, rec.getTimestamp());
            float want = TestData.score(MODEL, new double[][] {features(id)}, "probability")[0];
            assertEquals(want, row.getFloat(4), 0.0, "row " + id);
            assertEquals("two-v1", row.getString(5).toString());
            ids.add(id);
        }
        return ids;
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void fullBatchesFlushAndEndOfInputFlushesTheRest() throws Exception {
        try (var h = harness(4)) {
            h.open();
            for (long i = 0; i < 10; i++) {
                h.processElement(record(i));
            }
            assertEquals(range(0, 8), emitted(h)); // two full batches; two rows wait
            h.endInput();
            assertEquals(range(0, 10), emitted(h));
        }
    }

    @Test
    void aTimerFlushesABatchThatDoesNotFill() throws Exception {
        try (var h = harness(100)) {
            h.setProcessingTime(0);
            h.open();
            h.processElement(record(1));
            h.setProcessingTime(20);
            h.processElement(record(2));
            h.setProcessingTime(49);
            assertEquals(List.of(), emitted(h));
            h.setProcessingTime(50); // the first row has waited flush-interval
            assertEquals(List.of(1L, 2L), emitted(h));
            h.processElement(record(3));
            h.setProcessingTime(99);
            assertEquals(List.of(1L, 2L), emitted(h));
            h.setProcessingTime(100);
            assertEquals(List.of(1L, 2L, 3L), emitted(h));
        }
    }

    @Test
    void aWatermarkFlushesTheRowsBeforeIt() throws Exception {
        try (var h = harness(100)) {
            h.open();
            h.processElement(record(1));
            h.processElement(record(2));
            h.processWatermark(new Watermark(1002));
            h.processElement(record(3));
            List<Object> out = new ArrayList<>(h.getOutput());
            assertEquals(3, out.size()); // row 1, row 2, then the watermark; row 3 waits
            assertEquals(new Watermark(1002), out.get(2));
            assertEquals(List.of(1L, 2L), emitted(h));
        }
    }

    @Test
    void checkpointAndRestoreLoseAndDoubleNothing() throws Exception {
        OperatorSubtaskState snapshot;
        List<Long> before;
        try (var h = harness(4)) {
            h.open();
            for (long i = 0; i < 6; i++) {
                h.processElement(record(i));
            }
            assertEquals(range(0, 4), emitted(h));
            h.prepareSnapshotPreBarrier(1); // the two buffered rows go out before the barrier
            snapshot = h.snapshot(1, 1);
            before = emitted(h);
            assertEquals(range(0, 6), before);
            h.processElement(record(6)); // after the checkpoint: lost with the failure, replayed
        }
        try (var h = harness(4)) {
            h.initializeState(snapshot);
            h.open();
            for (long i = 6; i < 11; i++) { // the source replays from the checkpoint
                h.processElement(record(i));
            }
            h.endInput();
            List<Long> all = new ArrayList<>(before);
            all.addAll(emitted(h));
            assertEquals(range(0, 11), all);
        }
    }

    @Test
    void badRowsGetNullOutputsInTheirPlaceAndAreCounted() throws Exception {
        try (var h = harness(8)) {
            h.open();
            h.processElement(record(1));
            h.processElement(new StreamRecord<>(GenericRowData.of(2L, null, 1.0, 1.0), 1002));
            h.processElement(new StreamRecord<>(GenericRowData.of(3L, Double.NaN, 1.0, 1.0), 1003));
            h.processElement(record(4));
            h.endInput();
            List<RowData> rows = new ArrayList<>();
            for (Object o : h.getOutput()) {
                @SuppressWarnings("unchecked")
                StreamRecord<RowData> rec = (StreamRecord<RowData>) o;
                rows.add(rec.getValue());
            }
            assertEquals(List.of(1L, 2L, 3L, 4L), rows.stream().map(r -> r.getLong(0)).toList());
            for (int i : new int[] {1, 2}) {
                assertTrue(rows.get(i).isNullAt(4));
                assertTrue(rows.get(i).isNullAt(5));
            }
            float want = TestData.score(MODEL, new double[][] {features(4)}, "probability")[0];
            assertEquals(want, rows.get(3).getFloat(4), 0.0);
            OnnxPredictOperator op = (OnnxPredictOperator) h.getOperator();
            assertEquals(4, op.metrics().rows.getCount());
            assertEquals(2, op.metrics().badRows.getCount());
            assertEquals(1, op.metrics().badByReason[Reasons.NULL - 1].getCount());
            assertEquals(1, op.metrics().badByReason[Reasons.NAN - 1].getCount());
            assertEquals(1, op.metrics().batches.getCount());
        }
    }
}
