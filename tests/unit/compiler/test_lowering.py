import pytest

from sqlflow.compiler import lowering
from sqlflow.dialect import parse_script
from sqlflow.errors import ValidationError

MODEL = """CREATE MODEL ctr
INPUT (f1 FLOAT, f2 FLOAT)
OUTPUT (probability FLOAT)
WITH ('provider' = 'onnx', 'path' = 'models/ctr.onnx', 'batch-size' = '4096')"""


def decl(sql=MODEL):
    st = parse_script(sql, "m.sql")[0]
    return lowering.model_decl(st.expression, st.location)


def test_model_decl_reads_columns_and_options():
    d = decl()
    assert (d.name, d.inputs, d.outputs, d.is_onnx, d.result_type) == (
        "ctr", (("f1", "FLOAT"), ("f2", "FLOAT")), (("probability", "FLOAT"),), True, "FLOAT")
    assert d.options == {"provider": "onnx", "path": "models/ctr.onnx", "batch-size": "4096"}


def test_python_module_declares_an_onnx_udf():
    assert lowering.python_module([decl()]).splitlines()[-1] == (
        "__ml_ctr = onnx_udf('__ml_ctr', model='models/ctr.onnx', inputs=['FLOAT', 'FLOAT'], "
        "result='FLOAT', output='probability', batch_size=4096)")


def test_ml_predict_becomes_a_subquery_calling_the_udf():
    st = parse_script("SELECT id, probability FROM ML_PREDICT(TABLE t, MODEL ctr, DESCRIPTOR(a, b)) AS p",
                      "q.sql")[0]
    python = decl(MODEL.replace("'provider' = 'onnx',", "'provider' = 'onnx', 'runtime' = 'python',"))
    out = lowering.lower_ml_predict(st.expression, {"ctr": python}, {}, locate=st.locate)
    assert out.sql(dialect="flink") == (
        "SELECT id, probability FROM (SELECT *, __ml_ctr(a, b) AS `probability` FROM t) AS p")


def test_other_providers_are_left_to_flink():
    d = decl(MODEL.replace("'onnx'", "'openai'"))
    st = parse_script("SELECT * FROM ML_PREDICT(TABLE t, MODEL ctr, DESCRIPTOR(a, b))", "q.sql")[0]
    out = lowering.lower_ml_predict(st.expression, {"ctr": d}, {})
    assert out.sql(dialect="flink") == st.expression.sql(dialect="flink")


def test_unknown_model_suggests_the_declared_one():
    st = parse_script("SELECT * FROM ML_PREDICT(TABLE t, MODEL crt, DESCRIPTOR(a, b))", "q.sql")[0]
    with pytest.raises(ValidationError) as err:
        lowering.lower_ml_predict(st.expression, {"ctr": decl()}, {}, locate=st.locate)
    assert (err.value.rule, err.value.message, err.value.hint) == (
        "unknown-model", "unknown model 'crt'", "did you mean 'ctr'?")
    assert (err.value.location.line, err.value.location.column) == (1, 41)


def test_missing_path_and_unknown_option():
    with pytest.raises(ValidationError, match="has no 'path' option"):
        lowering.check_model(decl(MODEL.replace("'path' = 'models/ctr.onnx', ", "")))
    with pytest.raises(ValidationError) as err:
        lowering.check_model(decl(MODEL.replace("'batch-size'", "'batch-sise'")))
    assert err.value.hint == "did you mean 'batch-size'?"


def test_ml_predict_on_the_native_runtime_reads_the_view_a_step_makes():
    st = parse_script("SELECT id, probability FROM ML_PREDICT(TABLE t, MODEL ctr, DESCRIPTOR(a, b)) AS p",
                      "q.sql")[0]
    views: list = []
    out = lowering.lower_native(st.expression, {"ctr": decl()}, views, locate=st.locate)
    assert out.sql(dialect="flink") == "SELECT id, probability FROM `__ml_predict_1` AS p"
    [step] = views
    assert (step.view, step.source, step.features, step.options, step.outputs, step.model) == (
        "__ml_predict_1", "t", ("a", "b"), (("path", "models/ctr.onnx"), ("batch-size", "4096")),
        (("probability", "FLOAT"),), "ctr")
    assert (step.location.line, step.location.column) == (1, 29)


def _reads(sql):
    return lowering.read_columns(parse_script(sql, "q.sql")[0].expression)


def test_a_native_step_knows_the_columns_its_statement_reads():
    st = parse_script("INSERT INTO s SELECT p.id, r.f1, COUNT(*) AS n, window_start FROM TABLE(TUMBLE("
                      "TABLE ML_PREDICT(TABLE t, MODEL ctr, DESCRIPTOR(a, b)), DESCRIPTOR(ts), INTERVAL '1' MINUTE)) "
                      "AS p JOIN x USING (k) WHERE probability > 0.5 GROUP BY p.id, r.f1, window_start", "q.sql")[0]
    views: list = []
    lowering.lower_native(st.expression, {"ctr": decl()}, views, locate=st.locate)
    # every part of a column reference (r may be a ROW column), DESCRIPTOR and USING columns; COUNT(*) reads none
    assert views[0].reads == ("a", "b", "f1", "id", "k", "p", "probability", "r", "ts", "window_start")
    assert views[0].keep(["ID", "a", "b", "c", "ts", "name", "R"]) == ["ID", "a", "b", "ts", "R"]


@pytest.mark.parametrize("sql", [
    "SELECT * FROM ML_PREDICT(TABLE t, MODEL ctr, DESCRIPTOR(a, b))",
    "SELECT p.*, 1 AS one FROM ML_PREDICT(TABLE t, MODEL ctr, DESCRIPTOR(a, b)) AS p",
    "SELECT id FROM ML_PREDICT(TABLE t, MODEL ctr, DESCRIPTOR(a, b)) NATURAL JOIN u",
])
def test_a_statement_that_may_read_unnamed_columns_keeps_them_all(sql):
    assert _reads(sql) is None
    step = lowering.NativePredict("v", "t", ("a", "b"), (), (("probability", "FLOAT"),), "ctr", reads=None)
    assert step.keep(["id", "a", "b", "c"]) == ["id", "a", "b", "c"]


def test_the_features_are_kept_when_the_statement_reads_only_the_outputs():
    assert _reads("SELECT probability FROM ML_PREDICT(TABLE t, MODEL ctr, DESCRIPTOR(a, b))") == (
        "a", "b", "probability")
    step = lowering.NativePredict("v", "t", ("a", "b"), (), (("probability", "FLOAT"),), "ctr",
                                  reads=("probability",))
    assert step.keep(["id", "b", "x", "a"]) == ["b", "a"]


def test_runtime_option_is_checked_and_names_the_other_runtime():
    with pytest.raises(ValidationError) as err:
        lowering.check_model(decl(MODEL.replace("'batch-size' = '4096'", "'runtime' = 'jvm'")))
    assert (err.value.message, err.value.hint) == (
        "model 'ctr' has 'runtime' = 'jvm'",
        "'native' (in Flink's JVM, the default) or 'python' (sqlflow's Python UDF runtime)")
    with pytest.raises(ValidationError) as err:
        lowering.check_model(decl(MODEL.replace("'batch-size' = '4096'", "'fp16' = 'true'")))
    assert (err.value.message, err.value.hint) == (
        "unknown option 'fp16' for ONNX model 'ctr' (it is an option of the python runtime)",
        "set 'runtime' = 'python'")
