"""The generator's documented schemas, read by real Flink SQL and a real Kafka broker.

Flink reads every source through a table declared from ``sqlflow.gen.schema``
and must return exactly the records Python wrote; the feature SQL in
``sqlflow.gen.features`` must compute the features the models were trained
on; ``write_kafka`` must put every line on its topic, in order.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sqlflow.gen import GenConfig, generate, write_kafka
from sqlflow.gen.check import check_line
from sqlflow.gen.features import CTR_FEATURES, REPLY_FEATURES, ctr_features, reply_features, select_list
from sqlflow.gen.schema import CSV_TIME_PATTERN, SOURCES, file_suffix
from sqlflow.testing import consume

pytestmark = pytest.mark.integration

CFG = GenConfig(rows=300, seed=21, broken_share=0.05, duplicate_share=0.03, late_share=0.02)


@pytest.fixture(scope="module")
def data():
    return generate(CFG)


@pytest.fixture(scope="module")
def clean_dir(data, tmp_path_factory) -> Path:
    """Every source's clean lines (broken ones left out), one folder per source."""
    root = tmp_path_factory.mktemp("gen")
    for src, lines in data.lines.items():
        (root / src).mkdir()
        keep = [x for x in lines if check_line(src, x).ok]
        (root / src / f"part-00000.{file_suffix(src)}").write_text("\n".join(keep) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def tenv(flink_cluster, clean_dir):
    env = flink_cluster.table_env(streaming=False, jars=[])
    for src, schema in SOURCES.items():
        env.execute_sql(
            f"CREATE TABLE {src} (\n{schema.columns_sql()}\n) WITH ('connector' = 'filesystem', "
            f"'path' = '{(clean_dir / src).as_uri()}', 'format' = '{schema.format}')"
        )
    return env


def _rows(env, sql: str) -> list[tuple]:
    with env.execute_sql(sql).collect() as results:
        return [tuple(r) for r in results]


def _as_flink(schema, values: list) -> tuple:
    """Python's reading of one clean line, in the types Flink returns for the schema."""
    out = []
    for f, v in zip(schema.fields, values):
        if f.flink_type in ("INT", "BIGINT"):
            v = int(v)
        elif f.flink_type == "DOUBLE":
            v = float(v)
        elif f.flink_type == "ARRAY<FLOAT>":
            v = [float(x) for x in v]  # PyFlink hands FLOAT back as its shortest decimal
        out.append(v)
    return tuple(out)


@pytest.mark.parametrize("source", list(SOURCES))
def test_flink_reads_each_source_as_documented(tenv, data, source: str) -> None:
    schema = SOURCES[source]
    want = []
    for line in data.lines[source]:
        got = check_line(source, line)
        if got.ok:
            want.append(_as_flink(schema, [got.record[n] for n in schema.names]))
    rows = _rows(tenv, f"SELECT * FROM {source}")
    rows = [tuple(list(v) if isinstance(v, list) else v for v in r) for r in rows]
    assert sorted(rows, key=repr) == sorted(want, key=repr)


def test_csv_time_pattern_parses_in_flink(tenv, data) -> None:
    pattern = CSV_TIME_PATTERN.replace("'", "''")
    rows = _rows(tenv, f"SELECT impression_id, CAST(TO_TIMESTAMP(event_time, '{pattern}') AS STRING) "
                       "FROM impressions_csv")
    want = {}
    for line in data.lines["impressions_csv"]:
        got = check_line("impressions_csv", line)
        if got.ok:
            want[got.record["impression_id"]] = got.record["event_time"].replace("T", " ").rstrip("Z")
    assert dict(rows) == want


def test_ctr_feature_sql_matches_python(tenv, data) -> None:
    rows = _rows(tenv, f"""
        SELECT i.impressionId,
        {select_list(CTR_FEATURES)}
        FROM (SELECT impressionId, userId AS user_id, adId AS ad_id, eventTime AS event_time, adPosition AS ad_position
              FROM impressions_json) AS i
        JOIN users AS u ON i.user_id = u.user_id
        JOIN ads AS a ON i.ad_id = a.ad_id""")
    assert len(rows) > 100
    imp = data.truth.impressions.set_index("impression_id").loc[[r[0] for r in rows]].reset_index()
    want = ctr_features(imp, data.users, data.ads)
    got = np.array([r[1:] for r in rows], dtype=np.float64)
    np.testing.assert_allclose(got, want.astype(np.float64), rtol=1e-6, atol=1e-6)


def test_reply_feature_sql_matches_python(tenv, data) -> None:
    rows = _rows(tenv, f"""
        SELECT s.suggestion_id,
        {select_list(REPLY_FEATURES)}
        FROM suggestions AS s JOIN users AS u ON s.user_id = u.user_id""")
    sug = data.truth.suggestions.set_index("suggestion_id").loc[[r[0] for r in rows]].reset_index()
    want = reply_features(sug, data.users)
    np.testing.assert_allclose(np.array([r[1:] for r in rows], dtype=np.float64), want.astype(np.float64),
                               rtol=1e-6, atol=1e-6)
    assert len(rows) == len(data.truth.suggestions)


def test_write_kafka_puts_every_line_on_its_topic(kafka_broker, data) -> None:
    prefix = "gen21."
    kafka_broker.create_topics([prefix + s for s in SOURCES])
    summary = write_kafka(CFG, kafka_broker.bootstrap, topic_prefix=prefix)
    assert summary.to_dict() == data.summary.to_dict()
    for src, lines in data.lines.items():
        got = consume(kafka_broker.bootstrap, prefix + src, expected=len(lines), decode=False)
        assert [v.decode("utf-8") for v in got] == lines, src
    assert json.loads(data.lines["users"][0])["user_id"] == "u0000000"
