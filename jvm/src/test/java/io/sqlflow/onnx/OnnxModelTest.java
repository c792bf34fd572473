package io.sqlflow.onnx;

import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The tensor mapping: rows in, OUTPUT columns out, against Python's and a plain session's. */
class OnnxModelTest {

    private static double[] features(double[] referenceRow) {
        double[] f = new double[referenceRow.length - 1];
        System.arraycopy(referenceRow, 0, f, 0, f.length);
        return f;
    }

    private static GenericRowData doubles(double[] values) {
        GenericRowData row = new GenericRowData(values.length);
        for (int i = 0; i < values.length; i++) {
            row.setField(i, values[i]);
        }
        return row;
    }

    /** Scores reference rows of a committed model as DOUBLE columns, in batches of 64. */
    private static void matchesPython(String name, int width) throws Exception {
        List<double[]> ref = TestData.reference(name);
        File file = TestData.repoModel(name + ".onnx");
        Columns feats = TestData.doubles("f", width);
        Columns outs = TestData.columns("probability", "FLOAT", "model_version", "STRING");
        int[] pos = OnnxPredictFunction.identity(width);
        try (OnnxModel model = OnnxModel.open(TestData.spec(file, 64), feats, outs, file, 64, 0)) {
            assertEquals(name + "-v3", model.version());
            for (int start = 0; start < ref.size(); start += 64) {
                int n = Math.min(64, ref.size() - start);
                for (int i = 0; i < n; i++) {
                    assertEquals(Reasons.OK, model.add(doubles(features(ref.get(start + i))), pos, i));
                }
                model.run(n);
                for (int i = 0; i < n; i++) {
                    RowData out = model.outputRow(i);
                    double want = ref.get(start + i)[width];
                    assertEquals(want, out.getFloat(0), 2e-6, "row " + (start + i));
                    assertEquals(StringData.fromString(name + "-v3"), out.getString(1));
                }
            }
        }
    }

    @Test
    void ctrScoresEqualPythonOnnxruntime() throws Exception {
        matchesPython("ctr", 16);
    }

    @Test
    void replyScoresEqualPythonOnnxruntime() throws Exception {
        matchesPython("reply", 8);
    }

    @Test
    void arrayColumnEqualsScalarColumnsAndAPlainSession() throws Exception {
        File file = TestData.repoModel("ctr.onnx");
        List<double[]> ref = TestData.reference("ctr");
        double[][] x = new double[10][];
        for (int i = 0; i < x.length; i++) {
            x[i] = features(ref.get(i));
        }
        float[] plain = TestData.score(file, x, "probability");
        Columns feats = TestData.columns("v", "ARRAY<FLOAT>");
        Columns outs = TestData.columns("p", "DOUBLE");
        try (OnnxModel model = OnnxModel.open(TestData.spec(file, 16), feats, outs, file, 16, 0)) {
            for (int i = 0; i < x.length; i++) {
                float[] v = new float[16];
                for (int j = 0; j < 16; j++) {
                    v[j] = (float) x[i][j];
                }
                assertEquals(Reasons.OK, model.add(GenericRowData.of(new GenericArrayData(v)), new int[] {0}, i));
            }
            model.run(x.length);
            for (int i = 0; i < x.length; i++) {
                assertEquals(plain[i], model.outputRow(i).getDouble(0), 0.0, "row " + i);
            }
        }
    }

    @Test
    void badRowsAreNotWrittenAndSayWhy() throws Exception {
        File file = TestData.resource("two.onnx");
        Columns feats = TestData.columns("a", "DOUBLE", "b", "STRING", "c", "INT");
        Columns outs = TestData.columns("probability", "FLOAT");
        int[] pos = {0, 1, 2};
        try (OnnxModel model = OnnxModel.open(TestData.spec(file, 8), feats, outs, file, 8, 0)) {
            assertEquals(Reasons.NULL, model.add(GenericRowData.of(null, StringData.fromString("1"), 1), pos, 0));
            assertEquals(Reasons.WRONG_TYPE, model.add(GenericRowData.of(1.0, StringData.fromString("x"), 1), pos, 0));
            assertEquals(Reasons.NAN, model.add(GenericRowData.of(Double.NaN, StringData.fromString("1"), 1), pos, 0));
            assertEquals(Reasons.INF, model.add(GenericRowData.of(1e300, StringData.fromString("1"), 1), pos, 0));
            assertEquals(Reasons.NULL, model.add(GenericRowData.of(Double.NaN, StringData.fromString("1"), null), pos, 0));
            assertEquals(Reasons.OK, model.add(GenericRowData.of(0.5, StringData.fromString(" 2.5 "), 3), pos, 0));
            model.run(1);
            float want = TestData.score(file, new double[][] {{0.5, 2.5, 3}}, "probability")[0];
            assertEquals(want, model.outputRow(0).getFloat(0), 0.0);
            assertNull(model.nullRow().getField(0));
        }
        Columns arr = TestData.columns("v", "ARRAY<DOUBLE>");
        try (OnnxModel model = OnnxModel.open(TestData.spec(file, 8), arr, outs, file, 8, 0)) {
            int[] p = {0};
            assertEquals(Reasons.WRONG_LENGTH, model.add(GenericRowData.of(new GenericArrayData(new double[] {1, 2})), p, 0));
            assertEquals(Reasons.NULL, model.add(GenericRowData.of(new GenericArrayData(new Object[] {1.0, null, 2.0})), p, 0));
            assertEquals(Reasons.NULL, model.add(GenericRowData.of((Object) null), p, 0));
            assertEquals(Reasons.OK, model.add(GenericRowData.of(new GenericArrayData(new double[] {1, 2, 3})), p, 0));
        }
    }

    @Test
    void severalOutputsByNameAndIndex() throws Exception {
        File file = TestData.resource("two.onnx");
        Columns feats = TestData.doubles("f", 3);
        Columns outs = TestData.columns("probability", "DOUBLE", "logits", "ARRAY<FLOAT>", "version", "STRING");
        double[] x = {0.1, -0.4, 2.0};
        try (OnnxModel model = OnnxModel.open(TestData.spec(file, 4), feats, outs, file, 4, 0)) {
            model.add(doubles(x), new int[] {0, 1, 2}, 0);
            model.run(1);
            RowData out = model.outputRow(0);
            float p = TestData.score(file, new double[][] {x}, "probability")[0];
            assertEquals(p, out.getDouble(0), 0.0);
            float z = out.getArray(1).getFloat(0);
            assertArrayEquals(new float[] {z, -z}, out.getArray(1).toFloatArray());
            assertEquals((float) (1 / (1 + Math.exp(-z))), (float) out.getDouble(0), 1e-6);
            assertEquals("two-v1", out.getString(2).toString());
        }
        // 'output' renames the first OUTPUT column, with an index into a wider output
        Columns one = TestData.columns("neg", "FLOAT");
        try (OnnxModel model = OnnxModel.open(TestData.spec(file, 4, null, "logits[1]"), feats, one, file, 4, 0)) {
            model.add(doubles(x), new int[] {0, 1, 2}, 0);
            model.run(1);
            float p = TestData.score(file, new double[][] {x}, "probability")[0];
            assertEquals(-Math.log(1 / p - 1), -model.outputRow(0).getFloat(0), 1e-5);
        }
    }

    @Test
    void fixedBatchAxisRunsInPaddedSteps() throws Exception {
        File file = TestData.resource("fixed1.onnx");
        Columns feats = TestData.doubles("f", 3);
        Columns outs = TestData.columns("probability", "FLOAT", "model_version", "STRING");
        try (OnnxModel model = OnnxModel.open(TestData.spec(file, 5), feats, outs, file, 5, 0)) {
            double[][] x = {{1, 2, 3}, {0, 0, 0}, {-1, 0.5, 2}};
            for (int i = 0; i < x.length; i++) {
                model.add(doubles(x[i]), new int[] {0, 1, 2}, i);
            }
            model.run(3);
            for (int i = 0; i < x.length; i++) {
                float want = TestData.score(file, new double[][] {x[i]}, "probability")[0];
                assertEquals(want, model.outputRow(i).getFloat(0), 0.0);
            }
            assertEquals(12, model.version().length()); // no metadata: a hash of the file
        }
    }

    @Test
    void mismatchesNameTheModelsTensors() {
        File file = TestData.resource("two.onnx");
        Columns three = TestData.doubles("f", 3);
        ValidationException e = assertThrows(ValidationException.class, () -> OnnxModel.check(
                TestData.spec(file, 4), three, TestData.columns("probabilty", "FLOAT", "x", "FLOAT"), file));
        assertEquals("model two.onnx has no output 'probabilty' for OUTPUT column 'probabilty'"
                + " (outputs: probability, logits) (did you mean 'probability'?)", e.getMessage());
        e = assertThrows(ValidationException.class, () -> OnnxModel.check(
                TestData.spec(file, 4), TestData.doubles("f", 2), TestData.columns("p", "FLOAT"), file));
        assertEquals("model two.onnx takes 3 features per row but 2 columns are given", e.getMessage());
        e = assertThrows(ValidationException.class, () -> OnnxModel.check(
                TestData.spec(file, 4), three, TestData.columns("logits", "FLOAT"), file));
        assertEquals("model two.onnx: output 'logits' has 2 values per row; pick one with"
                + " 'output' = 'logits[i]' or declare 'logits' as an ARRAY", e.getMessage());
        e = assertThrows(ValidationException.class, () -> OnnxModel.check(
                TestData.spec(file, 4, "feature", null), three, TestData.columns("p", "FLOAT"), file));
        assertEquals("model two.onnx has no input 'feature' (inputs: features) (did you mean"
                + " 'features'?)", e.getMessage());
    }
}
