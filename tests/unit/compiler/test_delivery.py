"""The transactional id an exactly-once Kafka sink needs, supplied per job and version."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlflow.compiler import compile_project
from sqlflow.compiler.delivery import TransactionalIds, lower_sql, transactional_id_prefix, with_transactional_id
from sqlflow.config import resolve_settings
from sqlflow.deploy.plan import build_plan
from sqlflow.dialect import parse_script, with_options

KAFKA = ("CREATE TABLE {name} (a INT) WITH ('connector' = '{connector}', 'topic' = 't', "
         "'properties.bootstrap.servers' = 'b:9092', 'format' = 'json'{extra})")
EO = ", 'sink.delivery-guarantee' = 'exactly-once'"


def tree(sql: str):
    return parse_script(sql)[0].expression


def test_an_exactly_once_sink_gets_a_prefix_and_a_timeout_a_broker_accepts():
    before = tree(KAFKA.format(name="orders", connector="kafka", extra=EO))
    text = before.sql(dialect="flink")
    after = with_transactional_id(before, "shop.orders", "0123456789abcdef0123")
    assert with_options(after) == {
        "connector": "kafka", "topic": "t", "properties.bootstrap.servers": "b:9092", "format": "json",
        "sink.delivery-guarantee": "exactly-once", "sink.transactional-id-prefix": "shop.orders-0123456789ab-orders",
        "properties.transaction.timeout.ms": "900000", "sink.transaction-naming-strategy": "POOLING"}
    assert before.sql(dialect="flink") == text  # the input tree is left as it was


def test_upsert_kafka_too_and_what_the_sql_sets_is_kept():
    upsert = tree(KAFKA.format(name="u", connector="upsert-kafka", extra=EO + ", 'sink.transactional-id-prefix' = 'mine'"
                               + ", 'properties.transaction.timeout.ms' = '60000'"))
    assert with_transactional_id(upsert, "j", "v" * 16) is upsert
    timed = tree(KAFKA.format(name="u", connector="upsert-kafka", extra=EO + ", 'properties.transaction.timeout.ms' = '60000'"
                              ", 'sink.transaction-naming-strategy' = 'INCREMENTING'"))
    got = with_options(with_transactional_id(timed, "j", "abc"))
    assert (got["properties.transaction.timeout.ms"], got["sink.transaction-naming-strategy"],
            got["sink.transactional-id-prefix"]) == ("60000", "INCREMENTING", "j-abc-u")


@pytest.mark.parametrize("sql", [
    KAFKA.format(name="k", connector="kafka", extra=""),
    KAFKA.format(name="k", connector="kafka", extra=", 'sink.delivery-guarantee' = 'at-least-once'"),
    KAFKA.format(name="k", connector="kafka", extra=", 'sink.delivery-guarantee' = 'none'"),
    "CREATE TABLE f (a INT) WITH ('connector' = 'filesystem', 'path' = '/x', 'format' = 'json', "
    "'sink.delivery-guarantee' = 'exactly-once')",
    "CREATE VIEW v AS SELECT 1 AS a",
    "INSERT INTO k SELECT 1",
])
def test_anything_else_is_left_alone(sql):
    node = tree(sql)
    assert with_transactional_id(node, "j", "0123456789abcdef") is node
    assert lower_sql(sql, "j", "0123456789abcdef") == sql


def test_every_sink_job_and_version_has_its_own_prefix():
    names = {transactional_id_prefix(j, v, t) for j in ("p.a", "p.b") for v in ("1" * 16, "2" * 16) for t in ("x", "y")}
    assert len(names) == 8


def test_lower_sql_rewrites_only_the_sink_statement_and_the_result_parses():
    sql = "-- the sink\n" + KAFKA.format(name="out", connector="kafka", extra=EO)
    out = lower_sql(sql, "p.job", "feedfacecafebeef")
    assert with_options(tree(out))["sink.transactional-id-prefix"] == "p.job-feedfacecafe-out"
    same = KAFKA.format(name="src", connector="kafka", extra=", 'properties.isolation.level' = 'read_committed'")
    assert lower_sql(same, "p.job", "feedfacecafebeef") == same


def _project(root: Path, topic: str = "out") -> Path:
    (root / "sql").mkdir(parents=True, exist_ok=True)
    (root / "sqlflow.yaml").write_text("name: eo\ntarget: local\n")
    (root / "sql" / "copy.sql").write_text(
        "CREATE TABLE src (a INT) WITH ('connector' = 'datagen');\n"
        f"CREATE TABLE snk (a INT) WITH ('connector' = 'kafka', 'topic' = '{topic}', "
        "'properties.bootstrap.servers' = 'localhost:9092', 'format' = 'json', "
        "'sink.delivery-guarantee' = 'exactly-once');\n"
        "INSERT INTO snk SELECT a FROM src;\n")
    return root


def test_the_plan_submits_the_prefix_of_the_jobs_version(tmp_path):
    settings = resolve_settings(_project(tmp_path), target="local")
    job = build_plan(settings).job("copy")
    spec = job.submit_spec(settings)
    snk = with_options(tree(spec["statements"][1]["sql"]))
    assert snk["sink.transactional-id-prefix"] == f"eo.copy-{job.hash[:12]}-snk"
    assert [s.sql for s in job.statements][1] == spec["statements"][1]["sql"]  # the plan holds what runs
    _project(tmp_path, topic="out2")
    changed = build_plan(settings).job("copy")
    assert changed.hash != job.hash
    assert with_options(tree(changed.submit_spec(settings)["statements"][1]["sql"]))[
        "sink.transactional-id-prefix"] == f"eo.copy-{changed.hash[:12]}-snk"


def test_a_jobs_version_follows_its_text_and_the_variables_it_uses(tmp_path, monkeypatch):
    (tmp_path / "sqlflow.yaml").write_text("name: v\nvars:\n  TOPIC: a\n")
    (tmp_path / "sql").mkdir()
    job = tmp_path / "sql" / "j.sql"
    text = ("CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'topic' = '${TOPIC}', 'x' = '${OTHER:-d}');\n"
            "CREATE TABLE s (a INT) WITH ('connector' = 'blackhole');\nINSERT INTO s SELECT a FROM t;\n")
    job.write_text(text)

    def version() -> str:
        return compile_project(tmp_path).job("sql/j.sql").hash

    first = version()
    assert version() == first
    job.write_text(text.replace("SELECT a", "SELECT a + 1"))
    assert version() != first
    job.write_text(text)
    monkeypatch.setenv("OTHER", "e")
    assert version() != first
    monkeypatch.delenv("OTHER")
    (tmp_path / "sqlflow.yaml").write_text("name: v\nvars:\n  TOPIC: b\n")
    assert version() != first


def test_each_further_insert_into_a_sink_gets_its_own_prefix_as_a_hint():
    ids = TransactionalIds("p.curate", "00112233445566778899")
    create = KAFKA.format(name="q", connector="kafka", extra=EO)
    assert "p.curate-001122334455-q" in ids.sql(create)
    first = "INSERT INTO q SELECT 1"
    assert ids.sql(first) == first  # the table's own prefix
    second = ids.sql("INSERT INTO q SELECT 2")
    third = ids.sql("EXECUTE STATEMENT SET BEGIN INSERT INTO q SELECT 3; INSERT INTO other SELECT 4; END")
    assert second == "INSERT INTO q /*+ OPTIONS('sink.transactional-id-prefix' = 'p.curate-001122334455-q-1') */ SELECT 2"
    assert third == ("EXECUTE STATEMENT SET BEGIN INSERT INTO q /*+ OPTIONS('sink.transactional-id-prefix' = "
                     "'p.curate-001122334455-q-2') */ SELECT 3; INSERT INTO other SELECT 4; END")
    assert tree(second).this.args["hints"]  # it parses back, hint and all


def test_inserts_into_sinks_sqlflow_did_not_name_are_left_alone():
    ids = TransactionalIds("j", "0123456789abcdef")
    ids.sql(KAFKA.format(name="mine", connector="kafka", extra=EO + ", 'sink.transactional-id-prefix' = 'x'"))
    ids.sql(KAFKA.format(name="loose", connector="kafka", extra=""))
    for sql in ("INSERT INTO mine SELECT 1", "INSERT INTO mine SELECT 2", "INSERT INTO loose SELECT 1",
                "INSERT INTO loose SELECT 2"):
        assert ids.sql(sql) == sql


def test_a_shared_sink_with_one_written_prefix_in_two_jobs_is_an_error(tmp_path):
    from sqlflow.compiler import compile_project

    sql = tmp_path / "sql"
    sql.mkdir()
    (tmp_path / "sqlflow.yaml").write_text("name: two\n")
    (sql / "common.sql").write_text(
        "CREATE TABLE src (a INT) WITH ('connector' = 'datagen');\n"
        "CREATE TABLE out (a INT) WITH ('connector' = 'kafka', 'topic' = 'o', "
        "'properties.bootstrap.servers' = 'b:9092', 'format' = 'json', "
        "'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'out');\n")
    (sql / "a.sql").write_text("INSERT INTO out SELECT a FROM src;\n")
    (sql / "b.sql").write_text("INSERT INTO out SELECT a + 1 FROM src;\n")
    got = [(d.location.file, d.location.line, d.rule, d.message) for d in compile_project(tmp_path).diagnostics]
    assert got == [("sql/b.sql", 1, "duplicate-transactional-id",
                    "this job writes 'out' with the transactional id prefix 'out', as job sql/a.sql does: the two "
                    "jobs fence each other's transactions and fail in turn")]


def test_a_statement_the_dialect_cannot_parse_goes_to_flink_as_written():
    odd = ("CREATE TABLE t (a INT) WITH ('connector' = 'kafka', "
           "'sink.delivery-guarantee' = 'exactly-once') DISTRIBUTED BY")
    assert TransactionalIds("j", "0" * 16).sql(odd) == odd
