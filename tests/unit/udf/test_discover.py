"""discover() over a project's udfs/ folder, and declaration errors with their locations."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from pyflink.table.udf import UserDefinedScalarFunctionWrapper

from sqlflow.errors import UdfError
from sqlflow.udf import UdfSpec, discover


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    udfs = tmp_path / "udfs"
    udfs.mkdir()
    for name, text in files.items():
        (udfs / name).write_text(textwrap.dedent(text).lstrip("\n"))
    return udfs


SCORING = '''
from sqlflow.udf import onnx_udf, udf

ctr_score = onnx_udf("ctr_score", model="models/ctr.onnx", inputs=["ARRAY<FLOAT>"],
                     result="DOUBLE", output="probability", doc="CTR of one candidate")


@udf(args=["STRING"], result="BIGINT")
def text_length(s):
    """Characters in a string."""
    return s.str.len()


@udf(args=["DOUBLE", "DOUBLE"], result="DOUBLE", vectorized=False, name="safe_div")
def divide(a, b):
    return a / b if b else None
'''

HELPERS = '''
from udfs.scoring import ctr_score  # imported, not declared here: not listed twice

THRESHOLD = 0.5
'''


def test_discover_finds_declared_udfs(tmp_path):
    udfs = project(tmp_path, {"scoring.py": SCORING, "helpers.py": HELPERS, "_private.py": "x = 1\n"})
    specs = discover(udfs)
    file = str(udfs / "scoring.py")
    assert specs == [
        UdfSpec(name="ctr_score", module="udfs.scoring", attr="ctr_score",
                arg_types=("ARRAY<FLOAT>",), result_type="DOUBLE", func_type="pandas",
                file=file, line=3, model="models/ctr.onnx", doc="CTR of one candidate"),
        UdfSpec(name="text_length", module="udfs.scoring", attr="text_length",
                arg_types=("STRING",), result_type="BIGINT", func_type="pandas",
                file=file, line=7, doc="Characters in a string."),
        UdfSpec(name="safe_div", module="udfs.scoring", attr="divide",
                arg_types=("DOUBLE", "DOUBLE"), result_type="DOUBLE", func_type="general",
                file=file, line=13),
    ]
    assert specs[0].options["output"] == "probability"
    import udfs.scoring as mod
    assert isinstance(mod.ctr_score, UserDefinedScalarFunctionWrapper)
    assert mod.ctr_score._func_type == "pandas"


def test_bad_type_points_at_the_type_string(tmp_path):
    udfs = project(tmp_path, {"bad.py": '''
        from sqlflow.udf import onnx_udf

        score = onnx_udf("score", model="m.onnx", inputs=["ARRAY<FLOT>"], result="DOUBLE")
    '''})
    with pytest.raises(UdfError) as err:
        discover(udfs)
    e = err.value
    assert (e.rule, e.location.file, e.location.line, e.location.column) == \
        ("udf-type", str(udfs / "bad.py"), 3, 52)
    assert e.render().splitlines() == [
        f"{udfs / 'bad.py'}:3:52: error[udf-type]: bad argument type 'ARRAY<FLOT>': "
        "unknown type 'FLOT' in 'ARRAY<FLOT>'",
        '   3 | score = onnx_udf("score", model="m.onnx", inputs=["ARRAY<FLOT>"], result="DOUBLE")',
        "     | " + " " * 51 + "^" * 11,
    ]


def test_import_error_has_file_and_line(tmp_path):
    udfs = project(tmp_path, {"broken.py": '''
        import math

        value = math.sqrt(-1)
    '''})
    with pytest.raises(UdfError) as err:
        discover(udfs)
    e = err.value
    assert (e.rule, e.location.file, e.location.line) == ("udf-import", str(udfs / "broken.py"), 3)
    assert e.message == "cannot import udfs.broken: ValueError: math domain error"


def test_syntax_error_has_file_line_and_column(tmp_path):
    udfs = project(tmp_path, {"syntax.py": "x = (1,\ny = 2\n"})
    with pytest.raises(UdfError) as err:
        discover(udfs)
    e = err.value
    assert (e.rule, e.location.file, e.location.line) == ("udf-import", str(udfs / "syntax.py"), 1)
    assert e.message.startswith("cannot import udfs.syntax: syntax error: ")


def test_duplicate_names(tmp_path):
    two = '''
        from sqlflow.udf import udf

        @udf(args=["DOUBLE"], result="DOUBLE", name="f")
        def g(x):
            return x
    '''
    udfs = project(tmp_path, {"a.py": two, "b.py": two})
    with pytest.raises(UdfError) as err:
        discover(udfs)
    assert err.value.rule == "udf-duplicate"
    assert err.value.message == f"UDF name 'f' is declared twice (first at {udfs / 'a.py'}:3)"
    assert (err.value.location.file, err.value.location.line) == (str(udfs / "b.py"), 3)


@pytest.mark.parametrize("kwargs, message", [
    ({"inputs": ["DOUBLE", "ARRAY<FLOAT>"], "result": "DOUBLE"},
     "UDF s: give either one ARRAY column or scalar columns, not ARRAY<FLOAT> among 2 inputs"),
    ({"inputs": ["ARRAY<FLOAT>"], "result": "STRING"},
     "UDF s: a model result must be numeric, ARRAY or ROW, not STRING"),
    ({"inputs": ["ARRAY<FLOAT>"], "result": "ROW<p DOUBLE, model_version BIGINT>",
      "fields": {"model_version": "$version"}},
     "UDF s: field model_version carries the model version, so it must be STRING, not BIGINT"),
    ({"inputs": ["ARRAY<FLOAT>"], "result": "ROW<p DOUBLE>", "fields": {"q": "x"}},
     "UDF s: fields names 'q', which the ROW result lacks"),
    ({"inputs": [], "result": "DOUBLE"}, "UDF s: a model UDF needs at least one input column"),
    ({"inputs": ["ARRAY<FLOAT>"], "result": "DOUBLE", "device": "gpu"},
     "UDF s: device must be 'auto', 'cuda' or 'cpu', not 'gpu'"),
])
def test_bad_declarations(kwargs, message):
    from sqlflow.udf import onnx_udf

    with pytest.raises(UdfError) as err:
        onnx_udf("s", model="m.onnx", **kwargs)
    assert err.value.message == message
    assert err.value.location.file == __file__


def test_missing_folder(tmp_path):
    with pytest.raises(UdfError, match="does not exist"):
        discover(tmp_path / "udfs")
