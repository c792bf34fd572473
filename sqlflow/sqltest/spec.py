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

from sqlflow.errors import Location, SqlflowError, did_you_mean
from sqlflow.sqltest.yamlloc import LocatedYamlError, Locations, load_located

TOP_KEYS = ("job", "name", "description", "vars", "inputs", "expect", "timeout", "end_of_input")
INPUT_KEYS = ("rows",)
EXPECT_KEYS = ("rows", "ordered", "key", "tolerance")
DEFAULT_TOLERANCE = 1e-9
DEFAULT_TIMEOUT = 180.0


class TestSpecError(SqlflowError):
    """A test file that cannot be used as written."""

    __test__ = False  # not a pytest test class


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
    """One test: a job, its input rows and its expected rows."""

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

    def where(self, path: tuple) -> Location:
        """The location of a value in the test file."""
        return self.locations.value(path)

    def where_key(self, path: tuple) -> Location:
        """The location of the key naming ``path`` in the test file."""
        return self.locations.key(path)


def load_test(path: Path | str) -> SqlTest:
    """Read and check one ``*.test.yaml`` file."""
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


def test_from_dict(data: Mapping[str, Any], base: Path | str = ".", name: str = "inline") -> SqlTest:
    """A test given as a Python dict (the same shape as the YAML file); ``job`` is relative to ``base``."""
    return build_test(dict(data), Locations("<dict>", ""), base=Path(base), default_name=name)


test_from_dict.__test__ = False  # type: ignore[attr-defined]


def test_name(path: Path) -> str:
    """``ctr_metrics.test.yaml`` -> ``ctr_metrics``."""
    name = path.name
    for suffix in (".test.yaml", ".test.yml", ".yaml", ".yml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


test_name.__test__ = False  # type: ignore[attr-defined]


def build_test(data: Any, locs: Locations, base: Path, default_name: str) -> SqlTest:
    """Check the parsed YAML and build the :class:`SqlTest`."""

    def fail(message: str, path: tuple, hint: str | None = None, key: bool = False) -> TestSpecError:
        loc = locs.key(path) if key else locs.value(path)
        return TestSpecError(message, location=loc, rule="test-file", hint=hint)

    if not isinstance(data, dict):
        raise fail("a test file must be a mapping with 'inputs' and 'expect'", ())
    _check_keys(data, TOP_KEYS, (), "test file", fail)
    name = str(data.get("name") or default_name)
    job_text = data.get("job")
    if job_text is None:
        job = base / f"{default_name}.sql"
        if not job.exists():
            raise fail(f"no job file {job.name} beside this test", (),
                       hint="name the job file with 'job: <file>.sql'")
    else:
        if not isinstance(job_text, str) or not job_text.strip():
            raise fail("'job' must be a path to a .sql file", ("job",))
        job = base / job_text
        if not job.is_file():
            raise fail(f"job file not found: {job_text}", ("job",),
                       hint=f"paths are relative to the test file's folder ({base})")
    raw_vars = data.get("vars") or {}
    if not isinstance(raw_vars, dict):
        raise fail("'vars' must be a mapping of NAME: value", ("vars",))
    variables = {}
    for k, v in raw_vars.items():
        if isinstance(v, (dict, list)) or v is None:
            raise fail(f"vars.{k} must be a single value", ("vars", k))
        variables[str(k)] = _scalar_text(v)
    timeout = data.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise fail("'timeout' must be a positive number of seconds", ("timeout",))

    end_of_input = data.get("end_of_input", True)
    if not isinstance(end_of_input, bool):
        raise fail("'end_of_input' must be true or false", ("end_of_input",))
    inputs = _section(data, "inputs", fail)
    expect = _section(data, "expect", fail)
    if not expect:
        raise fail("a test needs at least one table under 'expect'", ("expect",) if "expect" in data else ())
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
    )


def _scalar_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _check_keys(data: dict, known: tuple[str, ...], path: tuple, what: str, fail) -> None:
    for key in data:
        if key not in known:
            near = did_you_mean(str(key), known)
            raise fail(f"unknown key '{key}' in {what}", (*path, key), key=True,
                       hint=f"did you mean '{near}'?" if near else "known keys: " + ", ".join(known))


def _section(data: dict, key: str, fail) -> dict:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(f"'{key}' must be a mapping of table name to rows", (key,))
    for table in value:
        if not isinstance(table, str):
            raise fail(f"table names under '{key}' must be strings, not {table!r}", (key, table), key=True)
    return value


def _rows(table: str, value: Any, path: tuple, fail) -> tuple[dict, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise fail(f"rows of '{table}' must be a list of mappings (column: value)", path)
    for i, row in enumerate(value):
        if not isinstance(row, dict):
            raise fail(f"row {i + 1} of '{table}' must be a mapping of column: value", (*path, i))
        for col in row:
            if not isinstance(col, str):
                raise fail(f"column names must be strings, not {col!r}", (*path, i, col), key=True)
    return tuple(value)


def _table_rows(table: str, value: Any, path: tuple, fail) -> TableRows:
    if isinstance(value, dict):
        _check_keys(value, INPUT_KEYS, path, f"inputs.{table}", fail)
        return TableRows(table, _rows(table, value.get("rows"), (*path, "rows"), fail), (*path, "rows"))
    return TableRows(table, _rows(table, value, path, fail), path)


def _expectation(table: str, value: Any, path: tuple, fail) -> Expectation:
    if not isinstance(value, dict):
        return Expectation(table, _rows(table, value, path, fail), path, table_path=path)
    _check_keys(value, EXPECT_KEYS, path, f"expect.{table}", fail)
    if "rows" not in value:
        raise fail(f"expect.{table} needs 'rows' (a list, [] for none)", path)
    ordered = value.get("ordered", False)
    if not isinstance(ordered, bool):
        raise fail("'ordered' must be true or false", (*path, "ordered"))
    key = value.get("key")
    if key is not None:
        if isinstance(key, str):
            key = [key]
        if not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key):
            raise fail("'key' must be a column name or a list of column names", (*path, "key"))
        key = tuple(key)
    tol = value.get("tolerance", DEFAULT_TOLERANCE)
    if isinstance(tol, str):  # YAML reads 1e-6 (no dot) as a string
        try:
            tol = float(tol)
        except ValueError:
            pass
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or tol < 0:
        raise fail("'tolerance' must be a number >= 0", (*path, "tolerance"))
    return Expectation(table, _rows(table, value["rows"], (*path, "rows"), fail), (*path, "rows"),
                       ordered=ordered, key=key, tolerance=float(tol), table_path=path)
