package io.sqlflow.onnx;

import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The async ML_PREDICT function: full batches run inline, a partial one after flush-interval. */
class OnnxAsyncPredictFunctionTest {

    @Test
    void batchesRowsAndCompletesEveryFuture() throws Exception {
        File model = TestData.resource("two.onnx");
        ModelSpec spec = new ModelSpec(model.getAbsolutePath(), null, 4, "cpu", 1, null, null, null, 200);
        OnnxAsyncPredictFunction fn = new OnnxAsyncPredictFunction(
                spec, TestData.doubles("f", 3), TestData.columns("probability", "FLOAT"), 4);
        fn.open(new FunctionContext(null));
        try {
            List<CompletableFuture<Collection<RowData>>> futures = new ArrayList<>();
            double[][] x = new double[6][];
            for (int i = 0; i < 6; i++) {
                x[i] = new double[] {0.1 * i, -0.2 * i, 1};
                futures.add(fn.asyncPredict(GenericRowData.of(x[i][0], x[i][1], x[i][2])));
            }
            CompletableFuture<Collection<RowData>> bad = fn.asyncPredict(GenericRowData.of(null, 1.0, 1.0));
            for (int i = 0; i < 4; i++) { // the fourth call filled the batch and ran it
                assertTrue(futures.get(i).isDone(), "row " + i);
            }
            assertFalse(futures.get(4).isDone());
            assertTrue(bad.isDone());
            assertTrue(bad.get().iterator().next().isNullAt(0));
            float[] want = TestData.score(model, x, "probability");
            for (int i = 0; i < 6; i++) { // rows 4 and 5: the timer runs their batch
                RowData out = futures.get(i).get(5, TimeUnit.SECONDS).iterator().next();
                assertEquals(want[i], out.getFloat(0), 0.0, "row " + i);
            }
        } finally {
            fn.close();
        }
    }
}
