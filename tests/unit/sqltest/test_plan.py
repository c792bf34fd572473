"""Matching a test with its job: located errors for missing inputs, unknown tables and columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlflow.sqltest.plan import expected_rows, input_lines, plan_test, write_inputs
from sqlflow.sqltest.runner import collect_query
from sqlflow.sqltest.spec import TestSpecError, load_test
from sqlflow.sqltest.subject import read_job

JOB = """\
CREATE TABLE clicks (
    user_id BIGINT,
    ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
    day AS CAST(ts AS DATE),
    WATERMARK FOR ts AS ts
) WITH ('connector' = 'kafka', 'topic' = 'c', 'format' = 'json');

CREATE TABLE users (user_id BIGINT, name STRING, PRIMARY KEY (user_id) NOT ENFORCED)
WITH ('connector' = 'upsert-kafka', 'topic' = 'u', 'key.format' = 'json', 'value.format' = 'json');

CREATE TABLE unused (x INT) WITH ('connector' = 'datagen');

CREATE TABLE named (user_id BIGINT, name STRING, at TIMESTAMP_LTZ(3)) WITH ('connector' = 'print');

CREATE TEMPORARY VIEW joined AS
SELECT c.user_id, u.name, c.ts FROM clicks AS c JOIN users AS u ON c.user_id = u.user_id;

INSERT INTO named (user_id, name, at)
WITH recent AS (SELECT * FROM joined)
SELECT user_id, name, ts FROM recent;
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "job.sql").write_text(JOB)
    return tmp_path


def _test(folder: Path, text: str):
    f = folder / "job.test.yaml"
    f.write_text(text)
    return load_test(f)


def _plan_error(folder: Path, text: str) -> str:
    test = _test(folder, text)
    with pytest.raises(TestSpecError) as err:
        plan = plan_test(test, read_job(test.job))
        for name, rows in test.inputs.items():
            input_lines(test, rows, plan.sources[name])
        for name, exp in test.expect.items():
            table = plan.sinks[name]
            expected_rows(test, exp, table, tuple(c.name for c in table.columns if c.persisted))
    return err.value.render().replace(str(folder), "DIR")


def test_job_facts(project):
    job = read_job(project / "job.sql")
    assert sorted(job.tables) == ["clicks", "named", "unused", "users"]
    assert sorted(job.reads) == ["clicks", "joined", "users"]
    assert [(i.target, i.columns) for i in job.inserts] == [("named", ("user_id", "name", "at"))]
    assert job.inserts[0].query == "WITH recent AS (SELECT * FROM joined)\nSELECT user_id, name, ts FROM recent"
    assert job.tables["users"].primary_key == ("user_id",)
    assert [(c.name, c.kind) for c in job.tables["clicks"].columns] == [
        ("user_id", "physical"), ("ts", "metadata"), ("day", "computed")]


def test_collect_query_casts_to_sink_types(project):
    job = read_job(project / "job.sql")
    assert collect_query(job.inserts[0], job.tables["named"]) == (
        "SELECT CAST(`q`.`c0` AS BIGINT) AS `user_id`, CAST(`q`.`c1` AS STRING) AS `name`, "
        "CAST(CAST(`q`.`c2` AS TIMESTAMP_LTZ(3)) AS TIMESTAMP(3)) AS `at`\n"
        "FROM (\nWITH recent AS (SELECT * FROM joined)\nSELECT user_id, name, ts FROM recent\n"
        ") AS `q`(`c0`, `c1`, `c2`)")


def test_inputs_become_json_records_and_upserts_become_changes(project, tmp_path):
    test = _test(project, """\
inputs:
  clicks: [{user_id: 1, ts: 1000}]
  users: [{user_id: 1, name: a}, {user_id: 1, name: b}, {user_id: 2}]
expect: {named: []}
""")
    plan = plan_test(test, read_job(test.job))
    paths = write_inputs(test, plan, tmp_path / "in")
    assert (paths["clicks"] / "rows.json").read_text() == '{"user_id": 1, "ts": "1970-01-01 00:00:01.000Z"}\n'
    assert (paths["users"] / "rows.json").read_text().splitlines() == [
        '{"before": null, "after": {"user_id": 1, "name": "a"}, "op": "c"}',
        '{"before": {"user_id": 1, "name": "a"}, "after": {"user_id": 1, "name": "b"}, "op": "u"}',
        '{"before": null, "after": {"user_id": 2}, "op": "c"}',
    ]


@pytest.mark.parametrize("text, message", [
    ("inputs: {clicks: []}\nexpect: {named: []}\n", [
        "DIR/job.test.yaml:1:1: error[missing-input]: job.sql reads table 'users' (at DIR/job.sql:16:54), "
        "but the test gives no rows for it",
        "   1 | inputs: {clicks: []}",
        "     | ^^^^^^",
        "  = help: add 'inputs: {users: []}' for an empty input"]),
    ("inputs: {clicks: [], users: [], click: []}\nexpect: {named: []}\n", [
        "DIR/job.test.yaml:1:33: error[test-table]: inputs name table 'click', which job.sql does not create",
        "   1 | inputs: {clicks: [], users: [], click: []}",
        "     |                                 ^^^^^",
        "  = help: did you mean 'clicks'?"]),
    ("inputs: {clicks: [], users: [], named: []}\nexpect: {named: []}\n", [
        "DIR/job.test.yaml:1:33: error[test-table]: 'named' is written by job.sql, so it cannot be given as an input",
        "   1 | inputs: {clicks: [], users: [], named: []}",
        "     |                                 ^^^^^"]),
    ("inputs: {clicks: [], users: []}\nexpect: {namd: []}\n", [
        "DIR/job.test.yaml:2:10: error[test-table]: expect names table 'namd', which job.sql does not INSERT into",
        "   2 | expect: {namd: []}",
        "     |          ^^^^",
        "  = help: did you mean 'named'?"]),
    ("inputs:\n  clicks: [{user_id: 1, day: '2024-01-01'}]\n  users: []\nexpect: {named: []}\n", [
        "DIR/job.test.yaml:2:25: error[test-row]: 'day' is a computed column of clicks; give the columns it is "
        "computed from",
        "   2 |   clicks: [{user_id: 1, day: '2024-01-01'}]",
        "     |                         ^^^"]),
    ("inputs:\n  clicks: [{usr_id: 1}]\n  users: []\nexpect: {named: []}\n", [
        "DIR/job.test.yaml:2:13: error[test-row]: table clicks has no column 'usr_id'",
        "   2 |   clicks: [{usr_id: 1}]",
        "     |             ^^^^^^",
        "  = help: did you mean 'user_id'?"]),
    ("inputs:\n  clicks: [{ts: yesterday}]\n  users: []\nexpect: {named: []}\n", [
        "DIR/job.test.yaml:2:17: error[test-row]: bad value for clicks.ts (TIMESTAMP_LTZ(3)): 'yesterday' is not "
        "a time (write 'YYYY-MM-DD HH:MM:SS[.fff]' or epoch milliseconds)",
        "   2 |   clicks: [{ts: yesterday}]",
        "     |                 ^^^^^^^^^"]),
    ("inputs: {clicks: [], users: []}\nexpect:\n  named: [{user_id: 1, nme: a}]\n", [
        "DIR/job.test.yaml:3:24: error[test-row]: named has no written column 'nme'",
        "   3 |   named: [{user_id: 1, nme: a}]",
        "     |                        ^^^",
        "  = help: did you mean 'name'?"]),
])
def test_located_errors(project, text, message):
    assert _plan_error(project, text).splitlines() == message
