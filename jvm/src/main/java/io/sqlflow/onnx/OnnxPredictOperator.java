package io.sqlflow.onnx;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.utils.JoinedRowData;
import org.apache.flink.table.runtime.typeutils.InternalSerializers;
import org.apache.flink.table.types.logical.RowType;

import java.io.File;

/**
 * Scores a stream of table rows with an ONNX model in micro-batches, and emits each input row
 * with the model's OUTPUT columns appended.
 *
 * <p>Rows are buffered until {@code batch-size} of them are there, then scored in one {@code
 * session.run}. The buffer is also flushed when its oldest row has waited {@code flush-interval}
 * (a processing-time timer), before a watermark is forwarded (so no row becomes late), before
 * each checkpoint barrier ({@link #prepareSnapshotPreBarrier}: the snapshot never holds a
 * buffered row, so the operator has no state and restores lose and double nothing), and at end
 * of input. It works alike in streaming and batch runtime mode and chains with its input.
 */
public final class OnnxPredictOperator extends AbstractStreamOperator<RowData>
        implements OneInputStreamOperator<RowData, RowData>, BoundedOneInput, ProcessingTimeCallback {

    private static final long serialVersionUID = 1L;

    private final ModelSpec spec;
    private final Columns features;
    private final Columns outputs;
    private final int[] positions;
    private final RowType inputType;
    private final RowType outputType;

    private transient OnnxModel model;
    private transient ScoringMetrics metrics;
    private transient TypeSerializer<RowData> copier; // set when object reuse is on
    private transient BinaryRows binary; // set when it is off: rows go out as binary rows
    private transient RowData[] rows;
    private transient long[] timestamps;
    private transient boolean[] stamped;
    private transient int[] slots; // >= 0: the row's slot in the batch; < 0: -reason
    private transient int count;
    private transient int valid;
    private transient long firstAt;
    private transient boolean timerSet;
    private transient StreamRecord<RowData> reuse;

    /**
     * @param positions the field of the input row holding each DESCRIPTOR column
     * @param inputType the input rows' type
     * @param outputType the output rows' type: the input's fields, then the OUTPUT columns
     */
    public OnnxPredictOperator(
            ModelSpec spec,
            Columns features,
            Columns outputs,
            int[] positions,
            RowType inputType,
            RowType outputType) {
        this.spec = spec;
        this.features = features;
        this.outputs = outputs;
        this.positions = positions;
        this.inputType = inputType;
        this.outputType = outputType;
    }

    @Override
    public void open() throws Exception {
        super.open();
        File file = ModelFiles.resolveInTask(
                spec, name -> getRuntimeContext().getDistributedCache().getFile(name));
        model = OnnxModel.open(spec, features, outputs, file, spec.batchSize(), gpuIndex());
        metrics = new ScoringMetrics(getMetricGroup(), model.device(), model.version());
        if (getExecutionConfig().isObjectReuseEnabled()) {
            copier = InternalSerializers.create(inputType);
        } else {
            // the next chained operator gets a copy of each row anyway: a binary row is copied
            // with one memcpy, the joined row field by field, boxing each value
            binary = new BinaryRows(outputType);
        }
        int cap = spec.batchSize();
        rows = new RowData[cap];
        timestamps = new long[cap];
        stamped = new boolean[cap];
        slots = new int[cap];
        reuse = new StreamRecord<>(null);
    }

    private int gpuIndex() {
        try {
            return Gpus.index(getRuntimeContext().getExternalResourceInfos("gpu"));
        } catch (RuntimeException noneConfigured) {
            return 0;
        }
    }

    @Override
    public void processElement(StreamRecord<RowData> element) throws Exception {
        RowData row = copier == null ? element.getValue() : copier.copy(element.getValue());
        int reason = model.add(row, positions, valid);
        rows[count] = row;
        stamped[count] = element.hasTimestamp();
        timestamps[count] = element.getTimestamp();
        if (reason == Reasons.OK) {
            slots[count] = valid++;
        } else {
            slots[count] = -reason;
        }
        count++;
        if (count == rows.length) {
            flush();
        } else if (count == 1) {
            firstAt = getProcessingTimeService().getCurrentProcessingTime();
            if (!timerSet) {
                timerSet = true;
                getProcessingTimeService().registerTimer(firstAt + spec.flushIntervalMs(), this);
            }
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        timerSet = false;
        if (count == 0) {
            return;
        }
        long due = firstAt + spec.flushIntervalMs();
        if (time >= due) {
            flush();
        } else { // the batch that set this timer was flushed; wait for the current one's turn
            timerSet = true;
            getProcessingTimeService().registerTimer(due, this);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Scores the buffered rows and emits them in arrival order. */
    private void flush() throws Exception {
        if (count == 0) {
            return;
        }
        if (valid > 0) {
            long t0 = System.nanoTime();
            model.run(valid);
            metrics.run(System.nanoTime() - t0);
        }
        metrics.rows.inc(count);
        for (int i = 0; i < count; i++) {
            RowData in = rows[i];
            RowData out;
            if (slots[i] >= 0) {
                out = model.outputRow(slots[i]);
            } else {
                out = model.nullRow();
                metrics.bad(-slots[i]);
            }
            RowData joined = new JoinedRowData(in.getRowKind(), in, out);
            if (binary != null) {
                joined = binary.write(joined);
            }
            if (stamped[i]) {
                output.collect(reuse.replace(joined, timestamps[i]));
            } else {
                reuse.eraseTimestamp();
                output.collect(reuse.replace(joined));
            }
            rows[i] = null;
        }
        count = 0;
        valid = 0;
    }

    ScoringMetrics metrics() {
        return metrics;
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
