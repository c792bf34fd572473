"""One broken UDF module costs only its own UDFs."""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project


def test_a_module_that_fails_to_import_leaves_the_others_found(project: Path) -> None:
    (project / "udfs" / "money.py").write_text(
        "from sqlflow.udf import udf\n\n@udf(args=['DOUBLE'], result='DOUBLE')\ndef to_eur(x)\n    return x\n")
    (project / "sql" / "nc_job.sql").write_text(
        "CREATE TEMPORARY FUNCTION to_eur AS 'udfs.money.to_eur' LANGUAGE PYTHON;\n\n"
        "SELECT to_eur(CAST(1.0 AS DOUBLE));\n")
    compiled = compile_project(project)
    assert [(str(d.location), d.rule) for d in compiled.errors] == [("udfs/money.py:4:14", "udf-import")]
    assert {"ctr_score", "ctr_score_wide"} <= {u.name for u in compiled.udfs}
