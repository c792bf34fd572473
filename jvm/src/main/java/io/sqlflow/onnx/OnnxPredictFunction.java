package io.sqlflow.onnx;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;

import java.io.File;
import java.util.Collection;
import java.util.Collections;

/**
 * The synchronous ML_PREDICT function: one {@code session.run} per row. Flink hands it the
 * DESCRIPTOR columns of one row per call and joins the OUTPUT columns it returns to the input
 * row. Simple and exact, but every row pays the run's fixed cost (JNI, tensors): the async
 * function and the spliced operator batch.
 */
public final class OnnxPredictFunction extends PredictFunction {

    private static final long serialVersionUID = 1L;

    private final ModelSpec spec;
    private final Columns features;
    private final Columns outputs;
    private final int[] positions;

    private transient OnnxModel model;
    private transient ScoringMetrics metrics;

    public OnnxPredictFunction(ModelSpec spec, Columns features, Columns outputs) {
        this.spec = spec;
        this.features = features;
        this.outputs = outputs;
        this.positions = identity(features.size());
    }

    static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        File file = ModelFiles.resolveInTask(spec, context::getCachedFile);
        model = OnnxModel.open(spec, features, outputs, file, 1, Gpus.index(context));
        metrics = new ScoringMetrics(context.getMetricGroup(), model.device(), model.version());
    }

    @Override
    public Collection<RowData> predict(RowData row) {
        metrics.rows.inc();
        int reason = model.add(row, positions, 0);
        if (reason != Reasons.OK) {
            metrics.bad(reason);
            return Collections.singletonList(model.nullRow());
        }
        long t0 = System.nanoTime();
        try {
            model.run(1);
        } catch (Exception e) {
            throw new RuntimeException("model " + model.name() + " failed: " + e.getMessage(), e);
        }
        metrics.run(System.nanoTime() - t0);
        return Collections.singletonList(model.outputRow(0));
    }

    @Override
    public void close() throws Exception {
        if (model != null) {
            model.close();
            model = null;
        }
        super.close();
    }
}
