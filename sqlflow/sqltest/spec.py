"""The test file: a YAML file beside a job that gives input rows and expected output rows.

Example (``sql/feedback/ctr_metrics.test.yaml`` beside ``ctr_metrics.sql``)::

    job: ctr_metrics.sql          # default: <name>.sql beside this file
    end_of_input: false           # default true: inputs end, every window closes
    vars: {MIN_IMPRESSIONS: "1"}  # values for ${NAME} in the job
    inputs:                       # rows per source table
      clicks:
        - {ad_id: 7, ts: "2024-01-01 00:00:10"}
        - {ad_id: 7, ts: 1704067250000}        # epoch millis work too
    expect:                       # rows per sink table
      ctr_per_minute:
        - {ad_id: 7, window_start: "2024-01-01 00:00:00", clicks: 2}
      ranked:
        ordered: true             # compare in order (default: as a multiset)
        key: [ad_id]              # rows with the same key are diffed column by column
        tolerance: 1.0e-6         # for FLOAT/DOUBLE/DECIMAL columns
        rows: [...]

Every error in the file is a :class:`TestSpecError` pointing at the key or
value at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from sqlflow.errors import Diagnostics, Location, SqlflowError, did_you_mean
from sqlflow.sqltest.yamlloc import LocatedYamlError, Locations, load_located

TOP_KEYS = ("job", "name", "description", "vars", "inputs", "expect", "timeout", "end_of_input")
INPUT_KEYS = ("rows",)
EXPECT_KEYS = ("rows", "ordered", "key", "tolerance")
DEFAULT_TOLERANCE = 1e-9
DEFAULT_TIMEOUT = 180.0


class TestSpecError(SqlflowError):
    """A test file that cannot be used as written."""

    __test__ = False  # not a pytest test class


def raise_all(errors: list[SqlflowError]) -> None:
    """Raise the mistakes found: the one, or all of them together (:class:`~sqlflow.errors.Diagnostics`)."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise Diagnostics(sorted(errors, key=_place))


def _place(err: SqlflowError) -> tuple:
    loc = err.location
    return (loc.file, loc.line, loc.column) if loc is not None else ("", 0, 0)


@dataclass(frozen=True)
class TableRows:
    """Rows given for one table, with where they are in the test file."""

    name: str
    rows: tuple[Mapping[str, Any], ...]
    path: tuple  # the YAML path of the row list (for locations)


@dataclass(frozen=True)
class Expectation(TableRows):
    """The rows a sink table must hold once the job has consumed all input."""

    ordered: bool = False
    key: tuple[str, ...] | None = None
    tolerance: float = DEFAULT_TOLERANCE
    table_path: tuple = ()  # the YAML path of the table entry


@dataclass(frozen=True)
class SqlTest:
    """One test: a job, its input rows and its expected rows.

    ``problems`` are the mistakes found in the file that still left a test to
    match against its job (:func:`read_test`); :func:`load_test` raises them.
    """

    __test__ = False  # not a pytest test class

    file: str
    name: str
    job: Path
    vars: Mapping[str, str]
    inputs: Mapping[str, TableRows]
    expect: Mapping[str, Expectation]
    timeout: float = DEFAULT_TIMEOUT
    end_of_input: bool = True  # False: the inputs stay open, so no final watermark closes the windows
    locations: Locations = field(default_factory=lambda: Locations("<dict>", ""), repr=False)
    problems: tuple[TestSpecError, ...] = field(default=(), repr=False, compare=False)

    def where(self, path: tuple) -> Location:
        """The location of a value in the test file."""
        return self.locations.value(path)

    def where_key(self, path: tuple) -> Location:
        """The location of the key naming ``path`` in the test file."""
        return self.locations.key(path)

    def text(self, path: tuple) -> str | None:
        """The text the file wrote for a value YAML typed as a date, time or number (None otherwise)."""
        return self.locations.texts.get(tuple(path))


def load_test(path: Path | str) -> SqlTest:
    """Read and check one ``*.test.yaml`` file; every mistake in it is raised (together)."""
    test = read_test(path)
    raise_all(list(test.problems))
    return test


def read_test(path: Path | str) -> SqlTest:
    """Read one ``*.test.yaml`` file, keeping its mistakes in ``problems`` where a test can still be
    built (the runner then reports them with those it finds matching the test against its job)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TestSpecError(f"cannot read test file: {exc.strerror}", location=Location(str(path)),
                            rule="test-file") from None
    try:
        data, locs = load_located(text, str(path))
    except LocatedYamlError as exc:
        raise TestSpecError(exc.message, location=exc.location, rule="test-file") from None
    return build_test(data, locs, base=path.parent, default_name=test_name(path))


def test_from_dict(data: Mapping[str, Any], base: Path | str = ".", name: str = "inline",
                   strict: bool = True) -> SqlTest:
    """A test given as a Python dict (the same shape as the YAML file); ``job`` is relative to ``base``.
    Unless ``strict``, its mistakes are kept in ``problems`` as :func:`read_test` does."""
    test = build_test(dict(data), Locations("<dict>", ""), base=Path(base), default_name=name)
    if strict:
        raise_all(list(test.problems))
    return test


test_from_dict.__test__ = False  # type: ignore[attr-defined]


def test_name(path: Path) -> str:
    """``ctr_metrics.test.yaml`` -> ``ctr_metrics``."""
    name = path.name
    for suffix in (".test.yaml", ".test.yml", ".yaml", ".yml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


test_name.__test__ = False  # type: ignore[attr-defined]


class _Problems:
    """The mistakes found while checking a test file, each at its key or value."""

    def __init__(self, locs: Locations):
        self.locs = locs
        self.found: list[TestSpecError] = []

    def __call__(self, message: str, path: tuple, hint: str | None = None, key: bool = False) -> None:
        loc = self.locs.key(path) if key else self.locs.value(path)
        self.found.append(TestSpecError(message, location=loc, rule="test-file", hint=hint))


def build_test(data: Any, locs: Locations, base: Path, default_name: str) -> SqlTest:
    """Check the parsed YAML and build the :class:`SqlTest` (its mistakes in ``problems``); a file that
    cannot describe a test at all (not a mapping, no job) raises."""
    fail = _Problems(locs)
    if not isinstance(data, dict):
        fail("a test file must be a mapping with 'inputs' and 'expect'", ())
        raise_all(fail.found)
    _check_keys(data, TOP_KEYS, (), "test file", fail)
    name = str(data.get("name") or default_name)
    job = _job(data, base, default_name, fail)
    raw_vars = data.get("vars") or {}
    variables = {}
    if not isinstance(raw_vars, dict):
        fail("'vars' must be a mapping of NAME: value", ("vars",))
        raw_vars = {}
    for k, v in raw_vars.items():
        if isinstance(v, (dict, list)) or v is None:
            fail(f"vars.{k} must be a single value", ("vars", k))
        else:
            variables[str(k)] = _scalar_text(v)
    timeout = data.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        fail("'timeout' must be a positive number of seconds", ("timeout",))
        timeout = DEFAULT_TIMEOUT
    end_of_input = data.get("end_of_input", True)
    if not isinstance(end_of_input, bool):
        fail("'end_of_input' must be true or false", ("end_of_input",))
        end_of_input = True
    inputs = _section(data, "inputs", fail)
    expect = _section(data, "expect", fail)
    misspelt = any(did_you_mean(str(k), TOP_KEYS) == "expect" for k in data if k not in TOP_KEYS)
    if not expect and not misspelt and isinstance(data.get("expect"), (dict, type(None))):
        fail("a test needs at least one table under 'expect'", ("expect",) if "expect" in data else ())
    if job is None:
        raise_all(fail.found)
    return SqlTest(
        file=locs.file if locs.file != "<dict>" else f"inline test of {job}",
        name=name,
        job=job,
        vars=variables,
        inputs={t: _table_rows(t, v, ("inputs", t), fail) for t, v in inputs.items()},
        expect={t: _expectation(t, v, ("expect", t), fail) for t, v in expect.items()},
        timeout=float(timeout),
        end_of_input=end_of_input,
        locations=locs,
        problems=tuple(fail.found),
    )


def _job(data: dict, base: Path, default_name: str, fail: _Problems) -> Path | None:
    job_text = data.get("job")
    if job_text is None:
        job = base / f"{default_name}.sql"
        if not job.exists():
            fail(f"no job file {job.name} beside this test", (), hint="name the job file with 'job: <file>.sql'")
            return None
        return job
    if not isinstance(job_text, str) or not job_text.strip():
        fail("'job' must be a path to a .sql file", ("job",))
        return None
    job = base / job_text
    if not job.is_file():
        fail(f"job file not found: {job_text}", ("job",), hint=f"paths are relative to the test file's folder ({base})")
        return None
    return job


def _scalar_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _check_keys(data: dict, known: tuple[str, ...], path: tuple, what: str, fail: _Problems) -> None:
    for key in data:
        if key not in known:
            near = did_you_mean(str(key), known)
            fail(f"unknown key '{key}' in {what}", (*path, key), key=True,
                 hint=f"did you mean '{near}'?" if near else "known keys: " + ", ".join(known))


def _section(data: dict, key: str, fail: _Problems) -> dict:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        fail(f"'{key}' must be a mapping of table name to rows", (key,))
        return {}
    for table in value:
        if not isinstance(table, str):
            fail(f"table names under '{key}' must be strings, not {table!r}", (key, table), key=True)
    return {t: v for t, v in value.items() if isinstance(t, str)}


def _rows(table: str, value: Any, path: tuple, fail: _Problems) -> tuple[dict, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        fail(f"rows of '{table}' must be a list of mappings (column: value)", path)
        return ()
    rows = []
    for i, row in enumerate(value):
        if not isinstance(row, dict):
            fail(f"row {i + 1} of '{table}' must be a mapping of column: value", (*path, i))
            rows.append({})
            continue
        for col in row:
            if not isinstance(col, str):
                fail(f"column names must be strings, not {col!r}", (*path, i, col), key=True)
        rows.append({c: v for c, v in row.items() if isinstance(c, str)})
    return tuple(rows)


def _table_rows(table: str, value: Any, path: tuple, fail: _Problems) -> TableRows:
    if isinstance(value, dict):
        _check_keys(value, INPUT_KEYS, path, f"inputs.{table}", fail)
        return TableRows(table, _rows(table, value.get("rows"), (*path, "rows"), fail), (*path, "rows"))
    return TableRows(table, _rows(table, value, path, fail), path)


def _expectation(table: str, value: Any, path: tuple, fail: _Problems) -> Expectation:
    if not isinstance(value, dict):
        return Expectation(table, _rows(table, value, path, fail), path, table_path=path)
    _check_keys(value, EXPECT_KEYS, path, f"expect.{table}", fail)
    if "rows" not in value:
        fail(f"expect.{table} needs 'rows' (a list, [] for none)", path)
    ordered = value.get("ordered", False)
    if not isinstance(ordered, bool):
        fail("'ordered' must be true or false", (*path, "ordered"))
        ordered = False
    key = value.get("key")
    if key is not None:
        if isinstance(key, str):
            key = [key]
        if not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key):
            fail("'key' must be a column name or a list of column names", (*path, "key"))
            key = None
        else:
            key = tuple(key)
    tol = value.get("tolerance", DEFAULT_TOLERANCE)
    if isinstance(tol, str):  # YAML reads 1e-6 (no dot) as a string
        try:
            tol = float(tol)
        except ValueError:
            pass
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or tol < 0:
        fail("'tolerance' must be a number >= 0", (*path, "tolerance"))
        tol = DEFAULT_TOLERANCE
    return Expectation(table, _rows(table, value.get("rows"), (*path, "rows"), fail), (*path, "rows"),
                       ordered=ordered, key=key, tolerance=float(tol), table_path=path)
