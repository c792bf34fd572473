"""``sqlflow init``: the files written, names, and refusing to overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sqlflow.cli.main import cli
from sqlflow.config import load_config
from sqlflow.errors import ConfigError
from sqlflow.scaffold import scaffold
from sqlflow.sqltest import load_test
from sqlflow.sqltest.plan import plan_test
from sqlflow.sqltest.subject import read_job


def test_scaffold_writes_a_consistent_project(tmp_path):
    files = scaffold(tmp_path / "my_proj")
    root = tmp_path / "my_proj"
    assert sorted(str(f.relative_to(root)) for f in files) == [
        ".gitignore", "README.md", "sql/page_views_per_minute.sql", "sql/page_views_per_minute.test.yaml",
        "sqlflow.yaml", "udfs/__init__.py", "udfs/pages.py"]
    config = load_config(root)
    assert (config.name, config.target) == ("my_proj", "embedded")
    test = load_test(root / "sql/page_views_per_minute.test.yaml")
    job = read_job(test.job)
    plan = plan_test(test, job)
    assert (sorted(plan.sources), sorted(plan.sinks)) == (["page_views"], ["page_views_per_minute"])
    assert "WATERMARK FOR ts" in job.text and "TUMBLE(TABLE sectioned_views" in job.text
    assert (root / ".gitignore").read_text().splitlines()[0] == ".sqlflow/"
    assert (root / "README.md").read_text().startswith("# my_proj\n")


def test_udf_is_a_vectorized_pandas_udf(tmp_path, monkeypatch):
    import importlib.util

    import pandas as pd

    scaffold(tmp_path / "p")
    spec = importlib.util.spec_from_file_location("scaffold_pages", tmp_path / "p/udfs/pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fn = module.page_section
    assert (fn.spec.func_type, fn.spec.arg_types, fn.spec.result_type) == ("pandas", ("STRING",), "STRING")
    got = fn._func(pd.Series(["/Home/news", "cart", "/A/"]))
    assert got.tolist() == ["home", "cart", "a"]


def test_refuses_to_overwrite_and_bad_names(tmp_path):
    scaffold(tmp_path / "p")
    with pytest.raises(ConfigError) as err:
        scaffold(tmp_path / "p")
    assert str(err.value).startswith(f"{tmp_path / 'p'} already holds sqlflow.yaml, sql/page_views_per_minute.sql")
    assert scaffold(tmp_path / "p", force=True)
    with pytest.raises(ConfigError, match="project name '9lives' must start with a letter"):
        scaffold(tmp_path / "q", name="9lives")


def test_init_command(tmp_path):
    out = CliRunner().invoke(cli, ["init", str(tmp_path / "demo"), "--name", "demo"])
    assert out.exit_code == 0
    assert out.output.splitlines()[0] == f"created {tmp_path / 'demo' / 'sqlflow.yaml'}"
    assert out.output.splitlines()[-1] == f"next: cd {tmp_path / 'demo'} && sqlflow test"
    assert Path(tmp_path / "demo/udfs/pages.py").exists()


def test_scaffold_is_formatted_and_validates(tmp_path):
    from sqlflow.compiler import compile_project
    from sqlflow.dialect import format_sql

    scaffold(tmp_path / "p")
    text = (tmp_path / "p/sql/page_views_per_minute.sql").read_text()
    assert format_sql(text) == text
    compiled = compile_project(tmp_path / "p")
    assert [d.render() for d in compiled.diagnostics] == []


def test_the_kafka_clauses_the_template_shows_write_exactly_once_and_read_committed(tmp_path):
    """Swapping in the WITH clauses the job's header shows gives a project validate finds no fault in."""
    import re

    from sqlflow.compiler import compile_project

    root = tmp_path / "p"
    scaffold(root)
    job = root / "sql/page_views_per_minute.sql"
    text = job.read_text()
    shown = {m.group(1): re.sub(r"\s*\n--\s*", " ", m.group(2))
             for m in re.finditer(r"^--\s+(source|sink):\s+(WITH \(.*?\))$", text, re.S | re.M)}
    assert sorted(shown) == ["sink", "source"]
    assert "'properties.isolation.level' = 'read_committed'" in shown["source"]
    assert "'sink.delivery-guarantee' = 'exactly-once'" in shown["sink"]
    text = re.sub(r"WITH \(\n    'connector' = 'datagen',.*?\n\);", shown["source"] + ";", text, flags=re.S)
    text = text.replace("WITH (\n    'connector' = 'print'\n);", shown["sink"] + ";")
    job.write_text(text)
    compiled = compile_project(root)
    assert [d.render() for d in compiled.diagnostics] == []
    swapped = job.read_text()
    assert (swapped.count("'topic' = 'page_views_per_minute'"), swapped.count("'topic' = 'page_views'"),
            swapped.count("'connector' = 'datagen'"), swapped.count("'connector' = 'print'")) == (2, 2, 0, 0)
