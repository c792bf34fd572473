package io.sqlflow.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.utils.LogicalTypeParser;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Models, option specs, reference rows and an independent reference scorer for the tests. */
final class TestData {

    private TestData() {}

    /** A model committed in the repository's models/ folder. */
    static File repoModel(String name) {
        Path jvm = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
        return jvm.getParent().resolve("models").resolve(name).toFile();
    }

    /** A model in the test resources (written by make_models.py). */
    static File resource(String name) {
        try {
            return new File(TestData.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ModelSpec spec(File model, int batch) {
        return spec(model, batch, null, null);
    }

    static ModelSpec spec(File model, int batch, String input, String output) {
        return new ModelSpec(model.getAbsolutePath(), null, batch, "cpu", 1, input, output, null, 10);
    }

    static Columns columns(String... nameTypePairs) {
        String[] names = new String[nameTypePairs.length / 2];
        LogicalType[] types = new LogicalType[names.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = nameTypePairs[2 * i];
            types[i] = LogicalTypeParser.parse(nameTypePairs[2 * i + 1], TestData.class.getClassLoader());
        }
        return new Columns(names, types);
    }

    static Columns doubles(String prefix, int n) {
        String[] pairs = new String[2 * n];
        for (int i = 0; i < n; i++) {
            pairs[2 * i] = prefix + i;
            pairs[2 * i + 1] = "DOUBLE";
        }
        return columns(pairs);
    }

    /** Rows of a reference CSV: the features, then Python onnxruntime's score. */
    static List<double[]> reference(String model) throws IOException {
        List<double[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(resource(model + "_reference.csv").toPath())) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(",");
            double[] row = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                row[i] = Double.parseDouble(parts[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** Scores rows with a plain onnxruntime session (float32 [n, k] in, first value of 'output'). */
    static float[] score(File model, double[][] x, String output) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][] f = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            f[i] = new float[x[i].length];
            for (int j = 0; j < x[i].length; j++) {
                f[i][j] = (float) x[i][j];
            }
        }
        try (OrtSession s = env.createSession(model.getAbsolutePath(), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, f);
                OrtSession.Result r = s.run(Map.of("features", t))) {
            float[][] out = (float[][]) r.get(output).orElseThrow().getValue();
            float[] first = new float[out.length];
            for (int i = 0; i < out.length; i++) {
                first[i] = out[i][0];
            }
            return first;
        }
    }
}
