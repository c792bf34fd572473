package io.sqlflow.onnx;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.factories.FactoryUtil;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The options of an ONNX model: the WITH clause of CREATE MODEL, or the map the splice gets. */
public final class OnnxOptions {

    /** The factory identifier: {@code 'provider' = 'onnx'}. */
    public static final String IDENTIFIER = "onnx";

    public static final ConfigOption<String> PATH =
            ConfigOptions.key("path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The .onnx file: absolute, or relative to $SQLFLOW_PROJECT_ROOT, the"
                                    + " working directory, or a file shipped with the job under"
                                    + " that name (pipeline.cached-files).");

    public static final ConfigOption<Integer> BATCH_SIZE =
            ConfigOptions.key("batch-size")
                    .intType()
                    .defaultValue(512)
                    .withDescription("Rows per model run.");

    public static final ConfigOption<String> DEVICE =
            ConfigOptions.key("device")
                    .stringType()
                    .defaultValue("auto")
                    .withDescription(
                            "auto (CUDA where a GPU works, else CPU), cpu, or cuda (fail without"
                                    + " a GPU).");

    public static final ConfigOption<Integer> THREADS =
            ConfigOptions.key("threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription("onnxruntime intra-op threads per task (one per slot).");

    public static final ConfigOption<String> INPUT =
            ConfigOptions.key("input")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The model input fed by the DESCRIPTOR columns.");

    public static final ConfigOption<String> OUTPUT =
            ConfigOptions.key("output")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The model output of the first OUTPUT column, 'name' or 'name[i]'.");

    public static final ConfigOption<Integer> WIDTH =
            ConfigOptions.key("width")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Values per row of an ARRAY feature, where the model's shape does not"
                                    + " say.");

    public static final ConfigOption<Duration> FLUSH_INTERVAL =
            ConfigOptions.key("flush-interval")
                    .durationType()
                    .defaultValue(Duration.ofMillis(10))
                    .withDescription("The longest a row waits for its batch to fill.");

    static final String PROVIDER_KEY = "provider";

    private OnnxOptions() {}

    public static Set<ConfigOption<?>> required() {
        return Set.of(PATH);
    }

    public static Set<ConfigOption<?>> optional() {
        return Set.of(BATCH_SIZE, DEVICE, THREADS, INPUT, OUTPUT, WIDTH, FLUSH_INTERVAL);
    }

    /**
     * Reads a plain option map (the splice's), refusing unknown keys with the list of known ones
     * the way Flink's factory helper does. The key 'provider' is allowed and must say 'onnx'.
     */
    public static ModelSpec fromMap(Map<String, String> options) {
        String provider = options.get(PROVIDER_KEY);
        if (provider != null && !IDENTIFIER.equalsIgnoreCase(provider)) {
            throw new ValidationException(
                    "the native model runtime runs 'provider' = 'onnx' models, not '" + provider
                            + "'");
        }
        Set<String> known = new HashSet<>();
        known.add(PROVIDER_KEY);
        known.add(FactoryUtil.PROPERTY_VERSION.key());
        required().forEach(o -> known.add(o.key()));
        optional().forEach(o -> known.add(o.key()));
        FactoryUtil.validateUnconsumedKeys(IDENTIFIER, options.keySet(), known);
        Configuration config = Configuration.fromMap(options);
        if (config.getOptional(PATH).isEmpty()) {
            throw new ValidationException(
                    "One or more required options are missing.\n\nMissing required options are:\n\n"
                            + PATH.key());
        }
        return fromConfig(config);
    }

    /** Reads validated options into a {@link ModelSpec}. */
    public static ModelSpec fromConfig(ReadableConfig config) {
        String path = config.get(PATH);
        int batchSize = config.get(BATCH_SIZE);
        if (batchSize < 1) {
            throw new ValidationException("'batch-size' must be at least 1, not " + batchSize);
        }
        String device = config.get(DEVICE).trim().toLowerCase();
        List<String> devices = List.of("auto", "cpu", "cuda");
        if (!devices.contains(device)) {
            throw new ValidationException(
                    "'device' must be one of "
                            + devices.stream().collect(Collectors.joining(", "))
                            + ", not '" + config.get(DEVICE) + "'");
        }
        int threads = config.get(THREADS);
        if (threads < 1) {
            throw new ValidationException("'threads' must be at least 1, not " + threads);
        }
        Integer width = config.getOptional(WIDTH).orElse(null);
        if (width != null && width < 1) {
            throw new ValidationException("'width' must be at least 1, not " + width);
        }
        long flushMs = config.get(FLUSH_INTERVAL).toMillis();
        if (flushMs < 1) {
            throw new ValidationException("'flush-interval' must be at least 1 ms");
        }
        return new ModelSpec(
                path,
                ModelFiles.resolveOnClient(path),
                batchSize,
                device,
                threads,
                config.getOptional(INPUT).orElse(null),
                config.getOptional(OUTPUT).orElse(null),
                width,
                flushMs);
    }
}
