package io.sqlflow.onnx;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

import java.io.File;
import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The asynchronous ML_PREDICT function, batched: calls gather rows into one batch and the
 * call that fills it runs the model inline, on the task thread, completing the batch's futures.
 * A batch that does not fill is run by a timer thread once its first row has waited {@code
 * flush-interval}. Flink's async operator lets at most 'max-concurrent-operations' rows be in
 * flight, so the batch is never larger than that (set it to at least 'batch-size' in the
 * ML_PREDICT config map, with 'timeout' = '0'; see jvm/README.md).
 */
public final class OnnxAsyncPredictFunction extends AsyncPredictFunction {

    private static final long serialVersionUID = 1L;

    private final ModelSpec spec;
    private final Columns features;
    private final Columns outputs;
    private final int batchSize;
    private final int[] positions;

    private transient Object lock;
    private transient OnnxModel model;
    private transient ScoringMetrics metrics;
    private transient CompletableFuture<Collection<RowData>>[] futures;
    private transient int valid;
    private transient long generation;
    private transient ScheduledExecutorService timer;

    /** @param batchSize the rows per run: 'batch-size', capped by the operator's capacity */
    public OnnxAsyncPredictFunction(ModelSpec spec, Columns features, Columns outputs, int batchSize) {
        this.spec = spec;
        this.features = features;
        this.outputs = outputs;
        this.batchSize = batchSize;
        this.positions = OnnxPredictFunction.identity(features.size());
    }

    int batchSize() {
        return batchSize;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        File file = ModelFiles.resolveInTask(spec, context::getCachedFile);
        lock = new Object();
        model = OnnxModel.open(spec, features, outputs, file, batchSize, Gpus.index(context));
        metrics = new ScoringMetrics(context.getMetricGroup(), model.device(), model.version());
        futures = new CompletableFuture[model.capacity()];
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sqlflow-onnx-flush-" + model.name());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData row) {
        CompletableFuture<Collection<RowData>> future = new CompletableFuture<>();
        synchronized (lock) {
            metrics.rows.inc();
            int reason = model.add(row, positions, valid);
            if (reason != Reasons.OK) {
                metrics.bad(reason);
                future.complete(Collections.singletonList(model.nullRow()));
                return future;
            }
            futures[valid++] = future;
            if (valid == batchSize) {
                flushLocked();
            } else if (valid == 1) {
                long due = generation;
                timer.schedule(() -> flushIfStill(due), spec.flushIntervalMs(), TimeUnit.MILLISECONDS);
            }
        }
        return future;
    }

    private void flushIfStill(long due) {
        synchronized (lock) {
            if (generation == due && valid > 0) {
                flushLocked();
            }
        }
    }

    private void flushLocked() {
        int n = valid;
        valid = 0;
        generation++;
        long t0 = System.nanoTime();
        try {
            model.run(n);
        } catch (Exception e) {
            for (int i = 0; i < n; i++) {
                futures[i].completeExceptionally(e);
                futures[i] = null;
            }
            return;
        }
        metrics.run(System.nanoTime() - t0);
        for (int i = 0; i < n; i++) {
            futures[i].complete(Collections.singletonList(model.outputRow(i)));
            futures[i] = null;
        }
    }

    @Override
    public void close() throws Exception {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        if (model != null) {
            synchronized (lock) {
                model.close();
                model = null;
            }
        }
        super.close();
    }
}
