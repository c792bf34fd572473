"""The test-file loader: good files, and bad ones with exact located messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlflow.sqltest.spec import DEFAULT_TIMEOUT, Expectation, TableRows, TestSpecError, load_test, test_from_dict


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "job.sql").write_text("SELECT 1;\n")
    return tmp_path


def _write(folder: Path, text: str, name: str = "job.test.yaml") -> Path:
    f = folder / name
    f.write_text(text)
    return f


def _error(folder: Path, text: str) -> str:
    f = _write(folder, text)
    with pytest.raises(TestSpecError) as err:
        load_test(f)
    return err.value.render().replace(str(folder), "DIR")


def test_good_file_short_and_long_forms(folder):
    f = _write(folder, """\
vars: {LIMIT: 3, FLAG: true}
inputs:
  clicks:
    - {user_id: 1, ts: "2024-01-01 00:00:00"}
  empty:
  views:
    rows: [{a: 1}]
expect:
  out:
    - {user_id: 1}
  ranked:
    ordered: true
    key: user_id
    tolerance: 0.001
    rows: []
timeout: 30
end_of_input: false
""")
    test = load_test(f)
    assert (test.name, test.job, test.vars, test.timeout, test.end_of_input) == (
        "job", folder / "job.sql", {"LIMIT": "3", "FLAG": "true"}, 30.0, False)
    assert test.inputs == {
        "clicks": TableRows("clicks", ({"user_id": 1, "ts": "2024-01-01 00:00:00"},), ("inputs", "clicks")),
        "empty": TableRows("empty", (), ("inputs", "empty")),
        "views": TableRows("views", ({"a": 1},), ("inputs", "views", "rows")),
    }
    assert test.expect == {
        "out": Expectation("out", ({"user_id": 1},), ("expect", "out"), table_path=("expect", "out")),
        "ranked": Expectation("ranked", (), ("expect", "ranked", "rows"), ordered=True, key=("user_id",),
                              tolerance=0.001, table_path=("expect", "ranked")),
    }
    loc = test.where(("inputs", "clicks", 0, "ts"))
    assert (loc.line, loc.column) == (4, 24)


def test_job_path_and_name_given(folder):
    (folder / "sub").mkdir()
    f = _write(folder / "sub", "job: ../job.sql\nname: my test\nexpect: {out: []}\n", "x.test.yml")
    test = load_test(f)
    assert (test.name, test.job, test.timeout, test.end_of_input) == (
        "my test", folder / "sub" / ".." / "job.sql", DEFAULT_TIMEOUT, True)


def test_from_dict_is_relative_to_base(folder):
    test = test_from_dict({"job": "job.sql", "expect": {"out": [{"a": 1}]}}, base=folder)
    assert test.job == folder / "job.sql" and test.expect["out"].rows == ({"a": 1},)


@pytest.mark.parametrize("text, message", [
    ("inputs: {a: []}\nexpct: {out: []}\n", [
        "DIR/job.test.yaml:2:1: error[test-file]: unknown key 'expct' in test file",
        "   2 | expct: {out: []}",
        "     | ^^^^^",
        "  = help: did you mean 'expect'?"]),
    ("expect:\n  out:\n    - {a: 1}\n    - 3\n", [
        "DIR/job.test.yaml:4:7: error[test-file]: row 2 of 'out' must be a mapping of column: value",
        "   4 |     - 3",
        "     |       ^"]),
    ("expect:\n  out:\n    ordred: true\n    rows: []\n", [
        "DIR/job.test.yaml:3:5: error[test-file]: unknown key 'ordred' in expect.out",
        "   3 |     ordred: true",
        "     |     ^^^^^^",
        "  = help: did you mean 'ordered'?"]),
    ("expect:\n  out:\n    ordered: yes please\n    rows: []\n", [
        "DIR/job.test.yaml:3:14: error[test-file]: 'ordered' must be true or false",
        "   3 |     ordered: yes please",
        "     |              ^^^^^^^^^^"]),
    ("expect:\n  out: {ordered: true}\n", [
        "DIR/job.test.yaml:2:8: error[test-file]: expect.out needs 'rows' (a list, [] for none)",
        "   2 |   out: {ordered: true}",
        "     |        ^^^^^^^^^^^^^^^"]),
    ("inputs: {a: []}\n", [
        "DIR/job.test.yaml:1:1: error[test-file]: a test needs at least one table under 'expect'",
        "   1 | inputs: {a: []}",
        "     | ^"]),
    ("expect: {out: []}\nexpect: {x: []}\n", [
        "DIR/job.test.yaml:2:1: error[test-file]: duplicate key 'expect'",
        "   2 | expect: {x: []}",
        "     | ^^^^^^"]),
    ("expect: {out: [}\n", [
        "DIR/job.test.yaml:1:16: error[test-file]: not valid YAML: expected the node content, "
        "but found '}'",
        "   1 | expect: {out: [}",
        "     |                ^"]),
    ("job: nope.sql\nexpect: {out: []}\n", [
        "DIR/job.test.yaml:1:6: error[test-file]: job file not found: nope.sql",
        "   1 | job: nope.sql",
        "     |      ^^^^^^^^",
        "  = help: paths are relative to the test file's folder (DIR)"]),
    ("timeout: -1\nexpect: {out: []}\n", [
        "DIR/job.test.yaml:1:10: error[test-file]: 'timeout' must be a positive number of seconds",
        "   1 | timeout: -1",
        "     |          ^^"]),
    ("end_of_input: no thanks\nexpect: {out: []}\n", [
        "DIR/job.test.yaml:1:15: error[test-file]: 'end_of_input' must be true or false",
        "   1 | end_of_input: no thanks",
        "     |               ^^^^^^^^^"]),
    ("- a\n", [
        "DIR/job.test.yaml:1:1: error[test-file]: a test file must be a mapping with 'inputs' and 'expect'",
        "   1 | - a",
        "     | ^"]),
])
def test_bad_files_are_located(folder, text, message):
    assert _error(folder, text).splitlines() == message


def test_missing_job_beside_the_test(tmp_path):
    f = _write(tmp_path, "expect: {out: []}\n", "lonely.test.yaml")
    with pytest.raises(TestSpecError) as err:
        load_test(f)
    assert str(err.value) == (f"{f}:1:1: no job file lonely.sql beside this test "
                              "(name the job file with 'job: <file>.sql')")


# Found by fuzzing the shipped test files: an internal error (a Python exception from PyYAML's
# constructors) or an error without a line.
@pytest.mark.parametrize("text, message", [
    ("# only a comment\n", [
        "DIR/job.test.yaml:1:1: error[test-file]: a test file must be a mapping with 'inputs' and 'expect'",
        "   1 | # only a comment",
        "     | ^"]),
    ("expect:\n  out:\n    - {day: 2024-13-45}\n", [
        "DIR/job.test.yaml:3:13: error[test-file]: not valid YAML: cannot read '2024-13-45' (a timestamp to YAML): "
        "month must be in 1..12; quote it to keep it text",
        "   3 |     - {day: 2024-13-45}",
        "     |             ^"]),
    ("expect:\n  out:\n    - {ts: !!timestamp '1773-04-09\n        𝔘05:44:55'}\n", [
        "DIR/job.test.yaml:3:12: error[test-file]: not valid YAML: cannot read '1773-04-09 𝔘05:44:55' "
        "(a timestamp to YAML); quote it to keep it text",
        "   3 |     - {ts: !!timestamp '1773-04-09",
        "     |            ^"]),
])
def test_unreadable_values_are_located(folder, text, message):
    assert _error(folder, text).splitlines() == message
