"""A test whose job names a broken or missing Python UDF stops before Flink, at the broken line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlflow.errors import UdfError
from sqlflow.sqltest.subject import read_job
from sqlflow.udf.discover import check_udf

JOB = """-- money
CREATE TEMPORARY FUNCTION to_eur AS 'udfs.money.to_eur' LANGUAGE PYTHON;
CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS f
AS 'udfs.other.f'
LANGUAGE PYTHON;
CREATE FUNCTION j AS 'com.acme.J';
"""

GOOD = '''import pandas as pd
from sqlflow.udf import udf


@udf(args=["DOUBLE"], result="DOUBLE")
def to_eur(amount: pd.Series) -> pd.Series:
    return amount * 0.9
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "udfs").mkdir()
    (tmp_path / "udfs" / "__init__.py").write_text("")
    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "job.sql").write_text(JOB)
    return tmp_path


def _check(project: Path, dotted: str = "udfs.money.to_eur") -> UdfError:
    where = dict(read_job(project / "sql" / "job.sql").python_functions())[dotted]
    with pytest.raises(UdfError) as err:
        check_udf(project / "udfs", dotted, where)
    return err.value


def test_python_functions_are_located_at_their_quoted_name(project):
    found = read_job(project / "sql" / "job.sql").python_functions()
    assert [(d, w.line, w.column, w.length) for d, w in found] == [
        ("udfs.money.to_eur", 2, 37, 19), ("udfs.other.f", 4, 4, 14)]


def test_a_syntax_error_in_the_module_points_at_its_line(project):
    (project / "udfs" / "money.py").write_text(GOOD.replace("amount * 0.9", "amount * (0.9"))
    err = _check(project)
    assert err.rule == "udf-import" and err.location.file.endswith("udfs/money.py")
    assert err.location.line == 7 and err.message.startswith("cannot import udfs.money: syntax error")


def test_a_missing_package_points_at_the_import(project):
    (project / "udfs" / "money.py").write_text("import forex_rates_nowhere\n" + GOOD)
    err = _check(project)
    assert (err.location.line, err.message) == (
        1, "cannot import udfs.money: ModuleNotFoundError: No module named 'forex_rates_nowhere'")
    assert err.hint.startswith("install it where sqlflow runs (pip install forex_rates_nowhere)")


def test_a_missing_module_or_name_points_at_the_create_function(project):
    (project / "udfs" / "mony.py").write_text(GOOD)
    err = _check(project)
    assert (err.location.line, err.location.column) == (2, 37)
    assert err.message == "'udfs.money.to_eur' names module udfs.money, but udfs/money.py does not exist"
    assert err.hint == "did you mean 'udfs.mony.to_eur'?"
    (project / "udfs" / "money.py").write_text(GOOD.replace("def to_eur", "def to_euro"))
    err = _check(project)
    assert (err.message, err.hint) == ("udfs/money.py has no 'to_eur'", "did you mean 'udfs.money.to_euro'?")


def test_a_good_module_passes(project):
    (project / "udfs" / "money.py").write_text(GOOD)
    check_udf(project / "udfs", "udfs.money.to_eur")
    check_udf(project / "udfs", "com.acme.J")  # not a module of this project: Flink's to find
