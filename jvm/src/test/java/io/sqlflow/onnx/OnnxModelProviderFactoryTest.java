package io.sqlflow.onnx;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.CatalogModel;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ObjectIdentifier;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;
import org.apache.flink.table.runtime.functions.ml.ModelPredictRuntimeProviderContext;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options of CREATE MODEL ... WITH ('provider' = 'onnx', ...), through Flink's factory utilities. */
class OnnxModelProviderFactoryTest {

    private static final File MODEL = TestData.resource("two.onnx");

    private static ResolvedCatalogModel model(Map<String, String> options) {
        ResolvedSchema in = ResolvedSchema.of(
                Column.physical("a", DataTypes.DOUBLE()),
                Column.physical("b", DataTypes.DOUBLE()),
                Column.physical("c", DataTypes.DOUBLE()));
        ResolvedSchema out = ResolvedSchema.of(Column.physical("probability", DataTypes.FLOAT()));
        CatalogModel origin = CatalogModel.of(
                Schema.newBuilder().fromResolvedSchema(in).build(),
                Schema.newBuilder().fromResolvedSchema(out).build(),
                options,
                null);
        return ResolvedCatalogModel.of(origin, in, out);
    }

    private static ModelProvider create(Map<String, String> options, Configuration session) {
        return FactoryUtil.createModelProvider(
                new OnnxModelProviderFactory(),
                ObjectIdentifier.of("cat", "db", "m"),
                model(options),
                session,
                OnnxModelProviderFactoryTest.class.getClassLoader(),
                false);
    }

    /** What the user reads: Flink wraps the factory's error in "Unable to create ...". */
    private static String cause(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    private static Map<String, String> options(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put("provider", "onnx");
        m.put("path", MODEL.getAbsolutePath());
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void offersBothFunctionKindsAndCapsTheAsyncBatchAtTheOperatorsCapacity() {
        ModelProvider provider = create(options("batch-size", "256"), new Configuration());
        assertInstanceOf(PredictRuntimeProvider.class, provider);
        assertInstanceOf(AsyncPredictRuntimeProvider.class, provider);
        ResolvedCatalogModel m = model(options());
        var plain = new ModelPredictRuntimeProviderContext(m, new Configuration());
        var async = (OnnxAsyncPredictFunction)
                ((AsyncPredictRuntimeProvider) provider).createAsyncPredictFunction(plain);
        assertEquals(10, async.batchSize()); // Flink's default of 10 rows in flight
        Configuration wide = new Configuration();
        wide.setString("max-concurrent-operations", "1000");
        async = (OnnxAsyncPredictFunction) ((AsyncPredictRuntimeProvider) provider)
                .createAsyncPredictFunction(new ModelPredictRuntimeProviderContext(m, wide));
        assertEquals(256, async.batchSize());
        assertInstanceOf(OnnxPredictFunction.class,
                ((PredictRuntimeProvider) provider.copy()).createPredictFunction(plain));
    }

    @Test
    void unknownOptionsAreRefusedWithTheKnownOnes() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> create(options("batch_size", "8"), new Configuration()));
        String text = cause(e);
        assertTrue(text.contains("Unsupported options:\n\nbatch_size"), text);
        assertTrue(text.contains("Supported options:\n\nbatch-size\ndevice\nflush-interval\ninput\n"
                + "output\npath\nproperty-version\nprovider\nthreads\nwidth"), text);
        ValidationException same = assertThrows(ValidationException.class,
                () -> OnnxOptions.fromMap(options("batch_size", "8")));
        assertEquals(text, same.getMessage());
    }

    @Test
    void badValuesAreRefused() {
        ValidationException e = assertThrows(ValidationException.class,
                () -> create(options("device", "tpu"), new Configuration()));
        assertEquals("'device' must be one of auto, cpu, cuda, not 'tpu'", cause(e));
        e = assertThrows(ValidationException.class,
                () -> create(options("batch-size", "0"), new Configuration()));
        assertEquals("'batch-size' must be at least 1, not 0", cause(e));
        Map<String, String> noPath = options();
        noPath.remove("path");
        e = assertThrows(ValidationException.class, () -> create(noPath, new Configuration()));
        assertTrue(cause(e).contains("Missing required options are:\n\npath"), cause(e));
        e = assertThrows(ValidationException.class, () -> OnnxOptions.fromMap(noPath));
        assertTrue(e.getMessage().contains("Missing required options are:\n\npath"), e.getMessage());
    }

    @Test
    void theModelIsCheckedAgainstItsColumnsWhilePlanning() {
        Map<String, String> opts = options("output", "logit");
        ValidationException e = assertThrows(ValidationException.class,
                () -> create(opts, new Configuration()));
        assertEquals("model two.onnx has no output 'logit' for OUTPUT column 'probability' (outputs:"
                + " probability, logits) (did you mean 'logits'?)", cause(e));
    }

    @Test
    void relativePathsResolveAgainstTheWorkingDirectory() {
        String rel = "src/test/resources/two.onnx"; // surefire runs in jvm/
        ModelSpec spec = OnnxOptions.fromMap(Map.of("path", rel));
        String abs = new File(rel).getAbsolutePath();
        assertEquals(abs, spec.clientPath());
        assertEquals(abs, ModelFiles.resolveInTask(spec, null).getAbsolutePath());
        ModelSpec missing = OnnxOptions.fromMap(Map.of("path", "models/nope.onnx"));
        ValidationException e = assertThrows(ValidationException.class,
                () -> ModelFiles.resolveInTask(missing, name -> null));
        assertTrue(e.getMessage().startsWith("model file 'models/nope.onnx' not found (looked at "),
                e.getMessage());
    }
}
