package io.sqlflow.onnx;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.api.config.MLPredictRuntimeConfigOptions;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

import java.io.File;
import java.util.Set;

/**
 * The model provider {@code 'provider' = 'onnx'} of {@code CREATE MODEL}: ML_PREDICT runs the
 * ONNX file in the TaskManager's JVM, synchronously (a run per row) or asynchronously (batched),
 * as the ML_PREDICT config map's 'async' says (async by default).
 */
public final class OnnxModelProviderFactory implements ModelProviderFactory {

    @Override
    public String factoryIdentifier() {
        return OnnxOptions.IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return OnnxOptions.required();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return OnnxOptions.optional();
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper =
                FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        ModelSpec spec = OnnxOptions.fromConfig(helper.getOptions());
        ResolvedCatalogModel model = context.getCatalogModel();
        Columns features = Columns.of(model.getResolvedInputSchema());
        Columns outputs = Columns.of(model.getResolvedOutputSchema());
        if (spec.clientPath() != null) { // check the model against its columns while planning
            OnnxModel.check(spec, features, outputs, new File(spec.clientPath()));
        }
        int capacity = context.getConfiguration()
                .get(ExecutionConfigOptions.TABLE_EXEC_ASYNC_ML_PREDICT_MAX_CONCURRENT_OPERATIONS);
        return new Provider(spec, features, outputs, capacity);
    }

    /** Offers both function kinds; the planner picks one. */
    static final class Provider implements PredictRuntimeProvider, AsyncPredictRuntimeProvider {
        private final ModelSpec spec;
        private final Columns features;
        private final Columns outputs;
        private final int defaultCapacity;

        Provider(ModelSpec spec, Columns features, Columns outputs, int defaultCapacity) {
            this.spec = spec;
            this.features = features;
            this.outputs = outputs;
            this.defaultCapacity = defaultCapacity;
        }

        @Override
        public PredictFunction createPredictFunction(ModelProvider.Context context) {
            return new OnnxPredictFunction(spec, features, outputs);
        }

        @Override
        public AsyncPredictFunction createAsyncPredictFunction(ModelProvider.Context context) {
            ReadableConfig runtime = context.runtimeConfig();
            int capacity = runtime.getOptional(
                            MLPredictRuntimeConfigOptions.ASYNC_MAX_CONCURRENT_OPERATIONS)
                    .orElse(defaultCapacity);
            int batch = Math.max(1, Math.min(spec.batchSize(), capacity));
            return new OnnxAsyncPredictFunction(spec, features, outputs, batch);
        }

        @Override
        public ModelProvider copy() {
            return new Provider(spec, features, outputs, defaultCapacity);
        }
    }
}
