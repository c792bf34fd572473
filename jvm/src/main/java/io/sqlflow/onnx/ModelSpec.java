package io.sqlflow.onnx;

import java.io.Serializable;

/**
 * Everything the options say about running one model: serializable, no runtime state. The model
 * file is opened from it in each task's {@code open()}.
 *
 * @param path the 'path' option as written
 * @param clientPath the absolute file the planning side found for it, or null
 * @param batchSize rows per model run
 * @param device auto, cpu or cuda
 * @param threads onnxruntime intra-op threads
 * @param input the model input the DESCRIPTOR columns feed, or null
 * @param output the model output of the first OUTPUT column, or null
 * @param width values per row of an ARRAY feature when the model does not say, or null
 * @param flushIntervalMs the longest a row waits for its batch to fill
 */
public record ModelSpec(
        String path,
        String clientPath,
        int batchSize,
        String device,
        int threads,
        String input,
        String output,
        Integer width,
        long flushIntervalMs)
        implements Serializable {}
