package io.sqlflow.onnx;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The runtime's Flink metrics, in the group {@code sqlflow_onnx}: counters {@code rows}, {@code
 * batches}, {@code bad_rows} and {@code bad_rows_<reason>}, a meter {@code rows_per_second}, a
 * histogram {@code batch_latency_us} (one session run) and a gauge {@code device}.
 */
final class ScoringMetrics {

    final Counter rows;
    final Counter batches;
    final Counter badRows;
    final Counter[] badByReason = new Counter[Reasons.NAMES.length];
    final Meter rowsPerSecond;
    final Histogram batchLatencyUs;

    ScoringMetrics(MetricGroup parent, String device, String version) {
        MetricGroup g = parent.addGroup("sqlflow_onnx");
        rows = g.counter("rows");
        batches = g.counter("batches");
        badRows = g.counter("bad_rows");
        for (int i = 0; i < Reasons.NAMES.length; i++) {
            badByReason[i] = g.counter("bad_rows_" + Reasons.NAMES[i]);
        }
        rowsPerSecond = g.meter("rows_per_second", new MeterView(rows));
        batchLatencyUs = g.histogram("batch_latency_us", new DescriptiveStatisticsHistogram(1000));
        g.gauge("device", () -> device);
        g.gauge("model_version", () -> version);
    }

    /** One bad row, by its {@link Reasons} code. */
    void bad(int reason) {
        badRows.inc();
        badByReason[reason - 1].inc();
    }

    /** One session run of {@code nanos}. */
    void run(long nanos) {
        batches.inc();
        batchLatencyUs.update(nanos / 1000);
    }
}
