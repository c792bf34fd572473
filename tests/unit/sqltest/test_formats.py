"""Input rows go through the table's own format: what the real job refuses, the test refuses first."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlflow.compiler.types import FlinkType
from sqlflow.errors import Diagnostics
from sqlflow.sqltest.plan import plan_test, write_inputs
from sqlflow.sqltest.shapes import check_csv, check_json
from sqlflow.sqltest.spec import TestSpecError, load_test
from sqlflow.sqltest.subject import read_job
from sqlflow.sqltest.swap import source_ddl

EVENTS = """CREATE TABLE events (
    id BIGINT,
    kind STRING,
    ts {ts},
    amount DECIMAL(10, 2),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = 'events',
    'properties.bootstrap.servers' = 'localhost:9092',
    'scan.startup.mode' = 'earliest-offset',
    'format' = 'json'{options}
);

CREATE TABLE per_kind (kind STRING, n BIGINT, PRIMARY KEY (kind) NOT ENFORCED) WITH (
    'connector' = 'upsert-kafka', 'topic' = 'per_kind', 'properties.bootstrap.servers' = 'localhost:9092',
    'key.format' = 'json', 'value.format' = 'json');

INSERT INTO per_kind SELECT kind, COUNT(*) FROM events GROUP BY kind;
"""


def _project(root: Path, job: str, test: str) -> Path:
    (root / "sql").mkdir(parents=True, exist_ok=True)
    (root / "sqlflow.yaml").write_text("name: np\n")
    (root / "sql" / "events.sql").write_text(job)
    (root / "sql" / "events.test.yaml").write_text(test)
    return root / "sql" / "events.test.yaml"


def _errors(path: Path) -> list[str]:
    test = load_test(path.relative_to(Path.cwd()))
    with pytest.raises((TestSpecError, Diagnostics)) as err:
        plan_test(test, read_job(test.job))
    return err.value.render().replace(str(path.parent.parent), "DIR").splitlines()


def test_a_json_timestamp_written_the_iso_way_is_refused_as_kafka_would(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _project(tmp_path, EVENTS.format(ts="TIMESTAMP(3)", options=""), """\
inputs:
  events:
    - {id: 1, kind: view, ts: 2024-01-01T00:00:05Z}
expect:
  per_kind: []
""")
    assert _errors(path) == [
        "sql/events.test.yaml:3:31: error[test-row]: bad value for events.ts (TIMESTAMP(3)): json reads "
        "TIMESTAMP(3) as 'yyyy-MM-dd HH:mm:ss[.SSS]' ('json.timestamp-format.standard' = 'SQL'), "
        "not 2024-01-01T00:00:05Z",
        "   3 |     - {id: 1, kind: view, ts: 2024-01-01T00:00:05Z}",
        "     |                               ^^^^^^^^^^^^^^^^^^^^",
        "  = note: events reads json ('format' = 'json' at sql/events.sql:12:5): the test writes each row as its "
        "producers do, and the real job refuses this value the same way",
        "  = help: write 2024-01-01 00:00:05",
    ]


def test_iso_8601_tables_read_iso_text_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    job = EVENTS.format(ts="TIMESTAMP_LTZ(3)", options=",\n    'json.timestamp-format.standard' = 'ISO-8601'")
    path = _project(tmp_path, job, """\
inputs:
  events:
    - {id: 1, kind: view, ts: 2024-01-01T00:00:05Z, amount: 1.50}
    - {id: 2, kind: view, ts: "2024-01-01T00:00:06.5Z"}
expect:
  per_kind: []
""")
    test = load_test(path)
    subject = read_job(test.job)
    plan = plan_test(test, subject)
    written = write_inputs(test, plan, tmp_path / "in")
    assert (written["events"] / "rows.json").read_text().splitlines() == [
        '{"id": 1, "kind": "view", "ts": "2024-01-01T00:00:05Z", "amount": 1.50}',
        '{"id": 2, "kind": "view", "ts": "2024-01-01T00:00:06.5Z"}',
    ]
    ddl = source_ddl(subject.table_statements["events"].sql, plan.sources["events"], Path("/in/events"),
                     fmt=plan.formats["events"])
    assert ddl.endswith("WITH ('connector' = 'filesystem', 'path' = '/in/events', 'format' = 'json', "
                        "'json.timestamp-format.standard' = 'ISO-8601')")


def test_a_python_datetime_of_a_dict_test_is_written_as_the_format_reads_it(tmp_path, monkeypatch):
    import datetime as dt

    from sqlflow.sqltest.spec import test_from_dict

    monkeypatch.chdir(tmp_path)
    _project(tmp_path, EVENTS.format(ts="TIMESTAMP(3)", options=""), "expect: {per_kind: []}\n")
    test = test_from_dict({"job": "sql/events.sql", "expect": {"per_kind": []}, "inputs": {"events": [
        {"id": 1, "ts": dt.datetime(2024, 1, 1, 0, 0, 5)}, {"id": 2, "ts": "2024-01-01 00:00:06"}]}})
    plan = plan_test(test, read_job(test.job))
    written = write_inputs(test, plan, tmp_path / "in")
    assert (written["events"] / "rows.json").read_text().splitlines() == [
        '{"id": 1, "ts": "2024-01-01 00:00:05.000"}', '{"id": 2, "ts": "2024-01-01 00:00:06"}']


def test_hints_say_what_to_write_and_which_option_would_read_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _project(tmp_path, EVENTS.format(ts="TIMESTAMP(3)", options=""), """\
inputs:
  events:
    - {id: "2024-01-01 00:00:05", ts: "2024-01-01T00:00:05"}
expect:
  per_kind: []
""")
    assert [line for line in _errors(path) if "error[" in line or "help:" in line] == [
        "sql/events.test.yaml:3:12: error[test-row]: bad value for events.id (BIGINT): json reads BIGINT as a "
        "whole number, not '2024-01-01 00:00:05'",
        "  = help: write 1704067205000 ('2024-01-01 00:00:05' as epoch milliseconds)",
        "sql/events.test.yaml:3:39: error[test-row]: bad value for events.ts (TIMESTAMP(3)): json reads "
        "TIMESTAMP(3) as 'yyyy-MM-dd HH:mm:ss[.SSS]' ('json.timestamp-format.standard' = 'SQL'), "
        "not '2024-01-01T00:00:05'",
        "  = help: write 2024-01-01 00:00:05, or set 'json.timestamp-format.standard' = 'ISO-8601' on the table",
    ]


def test_ignore_parse_errors_leaves_bad_values_to_flink(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    job = EVENTS.format(ts="TIMESTAMP(3)", options=",\n    'json.ignore-parse-errors' = 'true'")
    path = _project(tmp_path, job, "inputs:\n  events:\n    - {id: x, ts: 2024-01-01T00:00:05Z}\nexpect:\n  per_kind: []\n")
    test = load_test(path)
    plan = plan_test(test, read_job(test.job))
    written = write_inputs(test, plan, tmp_path / "in")
    assert (written["events"] / "rows.json").read_text() == '{"id": "x", "ts": "2024-01-01T00:00:05Z"}\n'


def test_fail_on_missing_field_needs_every_column(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    job = EVENTS.format(ts="TIMESTAMP(3)", options=",\n    'json.fail-on-missing-field' = 'true'")
    path = _project(tmp_path, job, "inputs:\n  events:\n    - {id: 1, kind: a}\nexpect:\n  per_kind: []\n")
    assert _errors(path)[:3] == [
        "sql/events.test.yaml:3:7: error[test-row]: this row of events leaves out ts, amount, and json refuses a "
        "record without a field ('json.fail-on-missing-field' = 'true')",
        "   3 |     - {id: 1, kind: a}",
        "     |       ^^^^^^^^^^^^^^^^",
    ]


CSV_JOB = """CREATE TABLE archive (
    id INT,
    name STRING,
    seen TIMESTAMP(3),
    tags ARRAY<STRING>,
    dt STRING
) PARTITIONED BY (dt) WITH (
    'connector' = 'filesystem', 'path' = '/data/archive', 'format' = 'csv',
    'csv.field-delimiter' = '|', 'csv.null-literal' = 'NULL'
);

CREATE TABLE out1 (id INT, name STRING) WITH ('connector' = 'blackhole');

INSERT INTO out1 SELECT id, name FROM archive;
"""


def test_csv_rows_are_csv_lines_in_partition_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _project(tmp_path, CSV_JOB, """\
inputs:
  archive:
    - {id: 1, name: "a|b", seen: "2024-01-01 00:00:05", tags: [x, y], dt: "2024-01-01"}
    - {id: 2, name: 'say "hi"', dt: "2024-01-02"}
    - {id: 3, name: c, seen: 2024-01-01 00:00:07.250, dt: "2024-01-01"}
expect:
  out1: []
""")
    test = load_test(path)
    subject = read_job(test.job)
    plan = plan_test(test, subject)
    folder = write_inputs(test, plan, tmp_path / "in")["archive"]
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*.csv")) == [
        "dt=2024-01-01/rows.csv", "dt=2024-01-02/rows.csv"]
    assert (folder / "dt=2024-01-01" / "rows.csv").read_text().splitlines() == [
        '1|"a|b"|2024-01-01 00:00:05|x;y', "3|c|2024-01-01 00:00:07.250|NULL"]
    assert (folder / "dt=2024-01-02" / "rows.csv").read_text() == '2|"say ""hi"""|NULL|NULL\n'
    assert source_ddl(subject.table_statements["archive"].sql, plan.sources["archive"], Path("/in/a"),
                      fmt=plan.formats["archive"]).endswith(
        "WITH ('connector' = 'filesystem', 'path' = '/in/a', 'format' = 'csv', 'csv.field-delimiter' = '|', "
        "'csv.null-literal' = 'NULL')")


def test_csv_refusals(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    job = CSV_JOB.replace(",\n    'csv.field-delimiter' = '|', 'csv.null-literal' = 'NULL'", "")
    path = _project(tmp_path, job, """\
inputs:
  archive:
    - {id: 1, seen: 2024-01-01T00:00:05Z, dt: "2024-01-01"}
    - {name: b, dt: "2024-01-01"}
expect:
  out1: []
""")
    assert [line for line in _errors(path) if "error[" in line or "help:" in line] == [
        "sql/events.test.yaml:3:21: error[test-row]: bad value for archive.seen (TIMESTAMP(3)): csv reads "
        "TIMESTAMP(3) as 'yyyy-MM-dd HH:mm:ss[.SSS]', not 2024-01-01T00:00:05Z",
        "  = help: write 2024-01-01 00:00:05",
        "sql/events.test.yaml:4:7: error[test-row]: archive.id (INT) is left out of this row: csv writes a null "
        "as an empty field, which it does not read as INT",
        "  = help: give a value, or set 'csv.null-literal' on the table",
        "sql/events.test.yaml:4:7: error[test-row]: archive.seen (TIMESTAMP(3)) is left out of this row: csv "
        "writes a null as an empty field, which it does not read as TIMESTAMP(3)",
        "  = help: give a value, or set 'csv.null-literal' on the table",
    ]


RAW_JOB = """CREATE TABLE lines (line STRING{meta}) WITH (
    'connector' = 'kafka', 'topic' = 'l', 'properties.bootstrap.servers' = 'k:9092',
    'scan.startup.mode' = 'earliest-offset', 'format' = 'raw');

CREATE TABLE out1 (line STRING) WITH ('connector' = 'blackhole');

INSERT INTO out1 SELECT line FROM lines;
"""


@pytest.mark.parametrize("meta, fmt, text", [
    ("", "raw", '{"a": 1}\nplain, text\n'),
    (", seq BIGINT METADATA FROM 'offset' VIRTUAL", "json",
     '{"line": "{\\"a\\": 1}", "seq": 3}\n{"line": "plain, text", "seq": null}\n'),
])
def test_raw_lines_and_the_json_route_for_metadata(tmp_path, monkeypatch, meta, fmt, text):
    monkeypatch.chdir(tmp_path)
    extra = ", seq: 3" if meta else ""
    path = _project(tmp_path, RAW_JOB.format(meta=meta), f"""\
inputs:
  lines:
    - {{line: '{{"a": 1}}'{extra}}}
    - {{line: "plain, text"}}
expect:
  out1: []
""")
    test = load_test(path)
    plan = plan_test(test, read_job(test.job))
    assert (plan.formats["lines"].name, plan.formats["lines"].exact) == (fmt, fmt == "raw")
    folder = write_inputs(test, plan, tmp_path / "in")["lines"]
    assert next(folder.iterdir()).read_text() == (text if fmt == "raw" else text.replace(', "seq": null', ''))


# What Flink 2.2.1's decoders did with these values, read through a filesystem source (json and csv).
@pytest.mark.parametrize("fmt, type_text, value, accepted", [
    ("json", "TIMESTAMP(3)", "2024-01-01T00:00:05Z", False),
    ("json", "TIMESTAMP(3)", "2024-01-01 00:00:05", True),
    ("json", "TIMESTAMP(3)", 1704067205000, False),
    ("json", "TIMESTAMP_LTZ(3)", "2024-01-01 00:00:05", False),
    ("json", "BIGINT", "2024-01-01 00:00:05", False),
    ("json", "BIGINT", "42", True),
    ("json", "INT", 1.7, True),
    ("json", "BOOLEAN", "yes", True),
    ("json", "DECIMAL(4, 2)", 12345.5, True),
    ("json", "STRING", 12.5, True),
    ("json", "DATE", "2024-1-01", False),
    ("csv", "TIMESTAMP(3)", "2024-01-01T00:00:05Z", False),
    ("csv", "TIMESTAMP(3)", "2024-01-01 00:00:05", True),
    ("csv", "INT", None, False),
    ("csv", "STRING", None, True),
    ("csv", "INT", " 42", True),
    ("csv", "INT", "4.0", False),
    ("csv", "DATE", "2024-1-1", True),
    ("csv", "BOOLEAN", "yes", True),
])
def test_checks_agree_with_flink(fmt, type_text, value, accepted):
    root, _, rest = type_text.partition("(")
    params = tuple(int(p) for p in rest.rstrip(")").split(",")) if rest else ()
    ftype = FlinkType({"STRING": "VARCHAR"}.get(root, root), params)
    refusal = check_json(value, ftype, {}) if fmt == "json" else check_csv(value, ftype)
    assert (refusal is None) is accepted
