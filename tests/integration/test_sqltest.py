"""Declarative SQL tests on the real mini-cluster: append-only, event-time window, upsert, a failing diff."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parent.parent.parent
FIXTURES = Path("tests/fixtures/sqltest")


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch):
    monkeypatch.chdir(REPO)  # the reports below name files relative to the repository


def test_append_only_job_with_udf_metadata_and_vars(run_sql_test):
    result = run_sql_test(FIXTURES / "project/sql/enrich.test.yaml")
    assert result.report() == "PASS enrich (tests/fixtures/sqltest/project/sql/enrich.test.yaml)"
    assert [d.table for d in result.diffs] == ["loud_clicks"]


def test_event_time_tumbling_window_with_watermark(run_sql_test):
    result = run_sql_test(FIXTURES / "project/sql/views_per_minute.test.yaml")
    assert result.passed and result.error is None


def test_open_inputs_leave_the_last_window_open(run_sql_test):
    result = run_sql_test(FIXTURES / "project/sql/views_open_input.test.yaml")
    assert [(d.table, d.expected, d.produced) for d in result.diffs] == [("views_per_minute", 2, 2)]


def test_updating_group_by_into_upsert_sink_and_statement_set(run_sql_test):
    result = run_sql_test(FIXTURES / "project/sql/user_totals.test.yaml")
    assert result.passed
    assert [(d.table, d.expected, d.produced) for d in result.diffs] == [("user_totals", 2, 2), ("big_orders", 1, 1)]


def test_interval_join_temporal_join_upsert_source_and_partitioned_sink(run_sql_test):
    result = run_sql_test(FIXTURES / "project/sql/attribution.test.yaml")
    assert [(d.table, d.expected, d.produced, d.ok) for d in result.diffs] == [("attributed", 2, 2, True)]


def test_batch_job_with_insert_overwrite(run_sql_test):
    result = run_sql_test(FIXTURES / "project/sql/daily_counts.test.yaml")
    assert [(d.table, d.expected, d.produced, d.ok) for d in result.diffs] == [("daily_counts", 2, 2, True)]


def test_inline_dict_test_with_vars(run_sql_test):
    result = run_sql_test({
        "job": "project/sql/enrich.sql",
        "vars": {"MIN_CLICKS": "2"},
        "inputs": {"clicks": [{"user_id": 1, "page": "a", "ts": "1970-01-01 00:00:00"},
                               {"user_id": 2, "page": "b", "ts": "1970-01-01 00:00:01", "topic": "t"}]},
        "expect": {"loud_clicks": [{"user_id": 2, "page": "B!"}]},
    }, base=FIXTURES)
    assert result.passed


@pytest.mark.parametrize("end_of_input", [True, False])
def test_failed_job_shows_its_root_cause(run_sql_test, end_of_input):
    result = run_sql_test({
        "job": "project/sql/enrich.sql",
        "end_of_input": end_of_input,
        "inputs": {"clicks": [{"user_id": 1, "page": "a"}]},
        "expect": {"loud_clicks": []},
    }, base=FIXTURES, check=False)
    assert str(result.error) == (
        "tests/fixtures/sqltest/project/sql/enrich.sql:29:1: the job for loud_clicks failed: "
        "RowTime field should not be null, please convert it to a non-null long value.")


def test_failing_test_prints_exact_row_diff(run_sql_test):
    result = run_sql_test(FIXTURES / "failing/user_totals_wrong.test.yaml", check=False)
    f = "tests/fixtures/sqltest/failing/user_totals_wrong.test.yaml"
    assert not result.passed
    assert result.report() == "\n".join([
        f"FAIL user_totals_wrong ({f})",
        f"  {f}:9: rows of user_totals differ (2 expected, 2 produced)",
        f"    - missing row ({f}:11): {{user_id: 9, orders: 1, total: 5}}",
        "    + unexpected row: {user_id: 8, orders: 1, total: 1.25}",
        f"    ~ row with user_id=7 ({f}:10):",
        "        orders: expected 3, got 2",
    ])
    with pytest.raises(AssertionError) as err:
        run_sql_test(FIXTURES / "failing/user_totals_wrong.test.yaml")
    assert str(err.value) == "\n" + result.report()


def test_empty_expectation_passes_when_nothing_is_written(run_sql_test):
    result = run_sql_test({
        "job": "project/sql/user_totals.sql",
        "inputs": {"orders": [{"order_id": 1, "user_id": 7, "amount": 1}]},
        "expect": {"big_orders": []},
    }, base=FIXTURES)
    assert result.passed and [(d.expected, d.produced) for d in result.diffs] == [(0, 0)]


def test_updates_into_append_only_sink_fail(run_sql_test):
    result = run_sql_test(FIXTURES / "failing/updates_into_kafka.test.yaml", check=False)
    f = "tests/fixtures/sqltest/failing/updates_into_kafka.test.yaml"
    assert result.report() == "\n".join([
        f"FAIL updates_into_kafka ({f})",
        f"  {f}:4: rows of per_user differ (1 expected, 1 produced)",
        "    ! per_user ('connector' = 'kafka') accepts only inserts, but the query produces updates (+U, -U)",
    ])


def test_flink_error_is_located_in_the_job(run_sql_test):
    result = run_sql_test(FIXTURES / "failing/type_mismatch.test.yaml", check=False)
    assert result.error is not None
    assert result.error.render().splitlines()[:3] == [
        "tests/fixtures/sqltest/failing/type_mismatch.sql:12:1: error[flink]: Flink rejected this INSERT: "
        "Column types of query result and sink for 'default_catalog.default_database.counts' do not match.",
        "  12 | INSERT INTO counts",
        "     | ^^^^^^^^^^^^^^^^^^",
    ]


def test_shared_csv_source_and_iso_json_source(run_sql_test):
    result = run_sql_test(FIXTURES / "project/sql/net_per_user.test.yaml")
    assert result.report() == "PASS net_per_user (tests/fixtures/sqltest/project/sql/net_per_user.test.yaml)"
    assert [(d.table, d.expected, d.produced) for d in result.diffs] == [("net_per_user", 2, 2)]


def test_a_record_flinks_decoder_refuses_is_named_by_its_row(run_sql_test):
    result = run_sql_test(FIXTURES / "failing/nested_refused.test.yaml", check=False)
    f = "tests/fixtures/sqltest/failing/nested_refused.test.yaml"
    assert result.error.render().splitlines()[:3] == [
        f"{f}:8:7: error[test-row]: Flink's json decoder refused this row of refunds: "
        "Fail to deserialize at field: detail",
        "   8 |     - {user_id: 1, amount: 1, refunded: 2024-01-01T11:01:00Z, detail: {reason: late, "
        "happened: \"2024-01-01 10:59:00\"}}",
        "     |       " + "^" * 80,
    ]


def test_init_scaffold_passes_sqlflow_test(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from sqlflow.cli.main import cli

    runner = CliRunner()
    out = runner.invoke(cli, ["init", str(tmp_path / "demo")])
    assert out.exit_code == 0, out.output
    monkeypatch.chdir(tmp_path / "demo")
    out = runner.invoke(cli, ["test"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[-1] == "1 passed, 0 failed"
    assert lines[0].startswith("PASS page_views_per_minute (") and len(lines) == 2
