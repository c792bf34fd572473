"""The fuzzing properties: what each draws, the check it makes, and how many cases each tier runs; and
the inputs fuzzing found that broke a property, kept to be replayed (:func:`replay_found`).

Each property's check takes a :class:`~fuzz_checks.Workspace` (copies of the shipped project and the
fixture projects) and one drawn case, puts the case's files in place, checks, and restores the files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from hypothesis import strategies as st
from sqlflow.dialect import format_sql
from sqlflow.sqltest.runner import SqlTestRunner

from fuzz_checks import (
    CASES,
    PropertyFailed,
    Workspace,
    check_cli,
    check_compile,
    check_config,
    check_dialect,
    check_test_spec,
    compile_checked,
    fail,
)
from fuzz_files import config_files, test_files
from fuzz_jobs import clean_scripts
from fuzz_mutations import SHIPPED_SQL, mutated_files, sql_texts
from fuzz_sql import sql_scripts


@dataclass(frozen=True)
class Property:
    """One property: what it draws and the check it makes of each drawn case in a workspace."""

    name: str
    strategy: st.SearchStrategy
    check: Callable[[Workspace, Any], str]
    fast_examples: int  # cases in `make test` (derandomized)
    soak_examples: int  # cases in bench/bench_fuzz.py at --scale 1
    about: str


def _grammar_project(ws: Workspace, text: str) -> str:
    project = ws.project("grammar")
    ws.put(project / "sql" / "job.sql", text)
    try:
        return check_compile(project)
    finally:
        ws.restore()


def _diagnosed(ws: Workspace, text: str) -> tuple[str, Counter[str]]:
    project = ws.project("grammar")
    ws.put(project / "sql" / "job.sql", text)
    try:
        compiled = compile_checked(project)
        assert compiled is not None  # the grammar project's sqlflow.yaml is not fuzzed
        return "errors" if compiled.errors else "ok", Counter(d.rule for d in compiled.diagnostics)
    finally:
        ws.restore()


def _near_valid(ws: Workspace, text: str) -> str:
    """Compile a near-valid job; format it; the formatted job compiles to the same diagnostics (by rule)."""
    how, rules = _diagnosed(ws, text)
    if check_dialect(text) == "formatted":
        formatted = format_sql(text, "sql/job.sql")
        _, again = _diagnosed(ws, formatted)
        if again != rules:
            fail(f"formatting changed what the compiler finds: {dict(rules)} -> {dict(again)}\n--- formatted:\n"
                 f"{formatted}")
    return how


def _mutated_project(ws: Workspace, case: tuple[str, str, list[str]]) -> str:
    name, text, _ = case
    if name in SHIPPED_SQL:
        project, rel = ws.project("shipped"), name
    else:  # a fixture file: in the grammar project (beside the UDFs and model it may call)
        project, rel = ws.project("grammar"), "sql/" + Path(name).name
    ws.put(project / rel, text)
    try:
        return check_compile(project)
    finally:
        ws.restore()


def _cli_sql(ws: Workspace, case: tuple[str, str, list[str]]) -> str:
    """The four commands on a project with one mutated file."""
    name, text, _ = case
    project = ws.project("good")
    rel = "sql/" + Path(name).name if name not in SHIPPED_SQL else name
    ws.put(project / rel, text)
    try:
        inputs = {rel: text}
        codes = [check_cli(["validate", "sql"], project, inputs),
                 check_cli(["lineage", "sql"], project, inputs),
                 check_cli(["plan", "--target", "local", "--project", "."], project, inputs)]
        fmt = check_cli(["fmt", rel], project, inputs)
        if fmt == 0:  # formatted in place: formatting again changes nothing, and it still validates alike
            again = check_cli(["fmt", "--check", rel], project)
            if again != 0:
                fail(f"sqlflow fmt is not idempotent on {rel}:\n{(project / rel).read_text()}")
        return f"exits {codes + [fmt]}"
    finally:
        ws.restore()


def _cli_config(ws: Workspace, case: tuple[str, str]) -> str:
    """A mutated sqlflow.yaml: the config's own check, then the commands that read it."""
    _, text = case
    project = ws.project("good")
    ws.put(project / "sqlflow.yaml", text)
    try:
        how = check_config(project, text)
        inputs = {"sqlflow.yaml": text}
        codes = [check_cli(["validate"], project, inputs),
                 check_cli(["plan", "--target", "local", "--project", "."], project, inputs)]
        return f"{how}, exits {codes}"
    finally:
        ws.restore()


_RUNNERS: dict[Path, SqlTestRunner] = {}


def _test_spec(ws: Workspace, case: tuple[str, str]) -> str:
    name, text = case
    if name.startswith("sql/"):
        path = ws.project("shipped") / name
    else:
        path = ws.project("sqltest") / Path(name).relative_to("tests/fixtures/sqltest")
    runner = _RUNNERS.get(ws.root)
    if runner is None:
        runner = _RUNNERS[ws.root] = SqlTestRunner(workdir=ws.root / "runner")
        (ws.root / "runner").mkdir(exist_ok=True)
    jobs = {str(p): p.read_bytes().decode("utf-8", errors="replace") for p in path.parent.rglob("*.sql")}
    ws.put(path, text)
    try:
        return check_test_spec(runner, path, text, jobs)
    finally:
        ws.restore()


PROPERTIES: tuple[Property, ...] = (
    Property("dialect: grammar scripts", sql_scripts(), lambda ws, text: check_dialect(text), 150, 4000,
             "SQL built from Flink grammar pieces: parse, format, re-parse to the same trees, format again alike"),
    Property("dialect: mutated files", mutated_files().map(lambda c: c[1]), lambda ws, text: check_dialect(text),
             200, 4000, "token-level mutations of the shipped SQL and the SQL fixtures, same checks"),
    Property("dialect: any text", st.text(max_size=200), lambda ws, text: check_dialect(text), 300, 5000,
             "arbitrary unicode text, same checks"),
    Property("compiler: grammar projects", sql_scripts(), _grammar_project, 50, 3000,
             "a grammar script as a job of a project with UDFs and a model: compile, every diagnostic located"),
    Property("compiler: near-valid jobs", clean_scripts(), _near_valid, 40, 1500,
             "jobs that are valid or one edit away (sources, sinks, views, aggregates, windows, joins, Top-N, "
             "UDF calls): compile, every diagnostic located; formatted, the same diagnostics (by rule)"),
    Property("compiler: mutated projects", mutated_files(), _mutated_project, 30, 3000,
             "one file of the shipped project (or a fixture beside the UDFs) mutated: compile, diagnostics located"),
    Property("cli: mutated SQL", st.one_of(mutated_files(), sql_texts().map(lambda t: ("sql/fuzz.sql", t, []))),
             _cli_sql, 20, 800, "validate, lineage, plan --target local, fmt then fmt --check on a project with "
                                "one mutated file: exit 0/1, no traceback, located"),
    Property("config: mutated sqlflow.yaml", config_files(), _cli_config, 50, 1500,
             "load_config, validate and plan --target local with a mutated sqlflow.yaml"),
    Property("sqltest: mutated *.test.yaml", test_files(), _test_spec, 150, 3000,
             "read a mutated test file and prepare it against its job (no Flink): located errors only"),
)
BY_NAME = {p.name: p for p in PROPERTIES}


@dataclass(frozen=True)
class Found:
    """An input fuzzing found that broke a property (hypothesis' shrunk case, or cut down by hand), what
    it did, where it was fixed, and the regression test beside the fix."""

    property: str
    case: Any
    symptom: str
    fix: str
    test: str


_USER_TOTALS = ("inputs:\n  orders:\n  - {order_id: 2, user_id: 7, amount: 150, ts: 2.211491427572319e+82}\n"
                "expect:\n  user_totals: []\n  big_orders: []\n")

FOUND: tuple[Found, ...] = (
    Found("dialect: grammar scripts", "SELECT 1;\n/* \x1e */ SELEC 2;\n",
          "an error's source line was another line (str.splitlines breaks at \\x1c-\\x1e, \\x85, \\u2028)",
          "sqlflow/errors.py: Location.source_line", "tests/unit/core/test_errors.py::test_source_line_counts_only_newlines"),
    Found("dialect: grammar scripts", "INSERT INTO t SELECT * FROM a LIMIT 10 UNION ALL SELECT * FROM a",
          "formatting changed the tree (the LIMIT'd operand written back in parentheses)",
          "sqlflow/dialect/parser.py: FlinkParser.parse_set_operation",
          "tests/unit/dialect/test_flink_script.py::test_what_formatting_could_not_keep_is_a_located_error"),
    Found("dialect: mutated files", "INSERT INTO o VALUES ('a', 1), ('b', 1)( ,'x', 3)",
          "a column list without an alias was taken, and written back as AS _t0(...)",
          "sqlflow/dialect/parser.py: FlinkParser._parse_table_alias",
          "tests/unit/dialect/test_flink_script.py::test_what_formatting_could_not_keep_is_a_located_error"),
    Found("compiler: grammar projects", "CREATE TABLE t (k INT, s STRING) WITH ('connector' = 'datagen');\n"
                                        "SELECT k, JSON_VALUE(s, '$.a' RETURNING INT) FROM t GROUP BY k;\n",
          "ValueError: Unsupported expression type JsonCall (GROUP BY check)",
          "sqlflow/compiler/grouping.py: check_grouping, _ungrouped",
          "tests/unit/compiler/test_bad_input.py::test_grouping_over_flink_only_functions"),
    Found("cli: mutated SQL", ("sql/fuzz.sql", "CREATE TABLE t (`a\rb` INT) WITH ('connector' = 'print');\n"
                                               "SELECT `a\rb` FROM t WHERE a == 1;\n", []),
          "fmt and validate named different lines for one error (fmt read a lone \\r as a line break)",
          "sqlflow/cli/fmt.py: format_files",
          "tests/unit/dialect/test_flink_format.py::test_fmt_and_validate_count_lines_alike"),
    Found("cli: mutated SQL", ("sql/fuzz.sql", "CREATE MODEL m INPUT (i STRING) OUTPUT (o DOUBLE) WITH ('provider' = "
                                               "'openai');\nDROP MODEL m;\nALTER MODEL m SET ('provider' = 'abc');\n", []),
          "AttributeError: 'DroppedDef' object has no attribute 'load_error' (ALTER MODEL after DROP MODEL)",
          "sqlflow/compiler/rules/models.py: ModelFile.check",
          "tests/unit/compiler/test_newcomer_model_path.py::"
          "test_a_dropped_model_is_unknown_after_the_drop_and_validate_does_not_crash"),
    Found("config: mutated sqlflow.yaml", ("sqlflow.yaml", "name: x\n2: [a]\n"),
          "AttributeError: 'int' object has no attribute 'lower' (a YAML key that is a number)",
          "sqlflow/errors.py: did_you_mean", "tests/unit/core/test_config.py::test_every_broken_file_is_a_located_config_error"),
    Found("config: mutated sqlflow.yaml", ("sqlflow.yaml", "- a\n- b\n"),
          "'must be a mapping of settings' without a line", "sqlflow/config.py: load_config",
          "tests/unit/core/test_config.py::test_every_broken_file_is_a_located_config_error"),
    Found("config: mutated sqlflow.yaml", ("sqlflow.yaml", "name: x\x00\n"),
          "a character YAML refuses: no line, PyYAML's 'in <unicode string>' in the message",
          "sqlflow/yamlfile.py: yaml_problem (used by sqlflow/config.py: load_config)",
          "tests/unit/core/test_config.py::test_every_broken_file_is_a_located_config_error"),
    Found("config: mutated sqlflow.yaml", ("sqlflow.yaml", "name: x\nvars:\n  DAY: 2024-13-45\n"),
          "ValueError: month must be in 1..12 (a date YAML types but cannot build)",
          "sqlflow/yamlfile.py: load_yaml (used by sqlflow/config.py: load_config)",
          "tests/unit/core/test_config.py::test_every_broken_file_is_a_located_config_error"),
    Found("sqltest: mutated *.test.yaml", ("sql/feedback/feedback.test.yaml", "# only a comment\n"),
          "'a test file must be a mapping' without a line (an empty document)",
          "sqlflow/sqltest/yamlloc.py: load_located", "tests/unit/sqltest/test_spec.py::test_unreadable_values_are_located"),
    Found("sqltest: mutated *.test.yaml", ("sql/feedback/feedback.test.yaml",
                                           "expect:\n  out:\n    - {ts: !!timestamp 'x'}\n"),
          "AttributeError: 'NoneType' object has no attribute 'groupdict' (PyYAML's !!timestamp)",
          "sqlflow/yamlfile.py: load_yaml (used by sqlflow/sqltest/yamlloc.py: load_located)",
          "tests/unit/sqltest/test_spec.py::test_unreadable_values_are_located"),
    Found("sqltest: mutated *.test.yaml", ("tests/fixtures/sqltest/project/sql/user_totals.test.yaml", _USER_TOTALS),
          "OverflowError: Python int too large to convert to C int (epoch millis past year 9999)",
          "sqlflow/sqltest/values.py: parse_time",
          "tests/unit/sqltest/test_values.py::test_epoch_millis_out_of_range_are_bad_values"),
)


def replay_found() -> list[dict]:
    """Each found input through its property: ``{"ok": bool, "error": str}`` (the workspace's folder shown
    as WORKSPACE)."""
    ws = Workspace.create()
    out: list[dict] = []
    try:
        for f in FOUND:
            try:
                BY_NAME[f.property].check(ws, f.case)
                out.append({"ok": True, "error": ""})
            except (AssertionError, PropertyFailed) as exc:
                out.append({"ok": False, "error": str(exc).split("\n")[0].replace(str(ws.root), "WORKSPACE")})
            finally:
                ws.restore()
    finally:
        ws.close()
    return out


__all__ = ["BY_NAME", "CASES", "FOUND", "PROPERTIES", "Found", "Property", "replay_found"]
