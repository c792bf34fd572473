from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sqlflow.gen import Dataset
from sqlflow.gen.check import check_line, normalize, parse_csv_time
from sqlflow.gen.encode import CANONICAL, iso_times
from sqlflow.gen.features import CTR_FEATURES, REPLY_FEATURES, ctr_features, reply_features
from sqlflow.gen.schema import SOURCES, SPLIT_SOURCES
from sqlflow.gen.world import sigmoid, true_click_logit


def _truth_by_line(ds: Dataset) -> dict[tuple[str, int], pd.Series]:
    d = ds.truth.delivered
    return {(s, int(q)): row for s, q, row in zip(d["source"], d["seq"], d.itertuples(index=False))}


@pytest.mark.parametrize("fixture", ["data", "chunked"])
def test_every_line_is_clean_or_broken_as_recorded(fixture: str, request: pytest.FixtureRequest) -> None:
    ds: Dataset = request.getfixturevalue(fixture)
    truth = _truth_by_line(ds)
    for src, lines in ds.lines.items():
        for seq, line in enumerate(lines):
            got = check_line(src, line)
            if src in ("users", "ads"):
                assert got.reason is None, (src, seq, line)
                continue
            t = truth[(src, seq)]
            assert (got.reason or "") == t.broken, (src, seq, line)
            if t.broken and t.broken != "truncated":
                assert got.field == _field_name(src, t.broken_field)


def _field_name(source: str, canonical: str) -> str:
    """The name a canonical field has in ``source``."""
    kind = SOURCES[source].kind
    return SOURCES[source].names[CANONICAL[kind].index(canonical)]


def test_clean_split_records_are_the_true_events(data: Dataset) -> None:
    truth = _truth_by_line(data)
    events = {"impression": data.truth.impressions.set_index("impression_id"),
              "click": data.truth.clicks.set_index("click_id")}
    seen = 0
    for kind, sources in SPLIT_SOURCES.items():
        cols = list(CANONICAL[kind])
        for src in sources:
            for seq, line in enumerate(data.lines[src]):
                if truth[(src, seq)].broken:
                    continue
                rec = normalize(src, check_line(src, line).record)
                ev = events[kind].loc[rec[cols[0]]]
                assert rec == {cols[0]: ev.name, **{c: _py(ev[c]) for c in cols[1:]}}
                assert rec[cols[0]] == truth[(src, seq)].event_id
                seen += 1
    assert seen == int((data.truth.delivered.query("kind in ['impression', 'click']")["broken"] == "").sum())


def _py(v: object) -> object:
    return v.item() if isinstance(v, np.generic) else v


@pytest.mark.parametrize("source, frame", [
    ("users", "users"), ("ads", "ads"), ("suggestions", "suggestions"), ("reply_outcomes", "outcomes"),
])
def test_plain_sources_hold_the_true_rows(data: Dataset, source: str, frame: str) -> None:
    expected = getattr(data, frame) if frame in ("users", "ads") else getattr(data.truth, frame)
    names = list(SOURCES[source].names)
    got = pd.DataFrame([json.loads(x) for x in data.lines[source]], columns=names)
    key = SOURCES[source].id_field
    got = got.sort_values(key, ignore_index=True)
    want = expected[names].sort_values(key, ignore_index=True)
    assert got.to_dict("records") == [{k: _py(v) for k, v in r.items()} for r in want.to_dict("records")]


def test_json_and_csv_spell_the_same_fields() -> None:
    for json_src, csv_src in SPLIT_SOURCES.values():
        a, b = SOURCES[json_src], SOURCES[csv_src]
        assert [_snake(n) for n in a.names] == list(b.names)
        assert [f.flink_type for f in a.fields if f.name != a.time_field] == \
               [f.flink_type for f in b.fields if f.name != b.time_field]
        assert (a.field(a.time_field).flink_type, b.field(b.time_field).flink_type) == ("BIGINT", "STRING")


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def test_columns_sql() -> None:
    assert SOURCES["clicks_csv"].columns_sql() == (
        "  `click_id` STRING,\n  `impression_id` STRING,\n  `user_id` STRING,\n"
        "  `ad_id` STRING,\n  `event_time` STRING,\n  `price` DOUBLE"
    )


def test_csv_time_round_trip() -> None:
    ms = np.array([1767571200000, 1767571201234, 1767657599999])
    assert iso_times(ms) == ["2026-01-05T00:00:00.000Z", "2026-01-05T00:00:01.234Z", "2026-01-05T23:59:59.999Z"]
    assert [parse_csv_time(t) for t in iso_times(ms)] == ms.tolist()
    with pytest.raises(ValueError):
        parse_csv_time("2026-13-45T25:61:00.000Z")


def test_check_line_reasons() -> None:
    ok = "imp-0000000001,u0000001,a000001,2026-01-05T00:00:00.000Z,2,0.01,0.5,ctr-v1"
    assert check_line("impressions_csv", ok).ok
    assert check_line("impressions_csv", ok.replace("u0000001", "")).reason == "missing_id"
    assert check_line("impressions_csv", ok.replace(",2,", ",top,")).reason == "wrong_type"
    assert check_line("impressions_csv", ok.replace("0.01", "-0.01")).reason == "negative_price"
    assert check_line("impressions_csv", ok.replace("2026-01-05T00:00:00.000Z", "yesterday")).reason == "bad_time"
    assert check_line("impressions_csv", ok[:40]).reason == "truncated"
    j = '{"clickId":"clk-1","impressionId":"imp-1","userId":"u1","adId":"a1","eventTime":1767571200000,"price":0.5}'
    assert check_line("clicks_json", j).ok
    assert check_line("clicks_json", j[:-3]).reason == "truncated"
    assert check_line("clicks_json", j.replace('"price":0.5', '"price":"free"')).reason == "wrong_type"
    assert check_line("clicks_json", j.replace("1767571200000", '"yesterday"')).reason == "bad_time"
    assert check_line("clicks_json", j.replace('"userId":"u1",', "")).field == "userId"


def test_features_reproduce_the_hidden_truth(data: Dataset) -> None:
    """Features built from the published users/ads lines give back the generator's click probability."""
    users = pd.DataFrame([json.loads(x) for x in data.lines["users"]])
    ads = pd.DataFrame([json.loads(x) for x in data.lines["ads"]])
    imp = data.truth.impressions
    x = ctr_features(imp, users, ads)
    assert x.shape == (len(imp), len(CTR_FEATURES)) == (1200, 16) and x.dtype == np.float32
    np.testing.assert_allclose(sigmoid(true_click_logit(x)), imp["true_prob"].to_numpy(), rtol=1e-5)
    r = reply_features(data.truth.suggestions, users)
    assert r.shape == (600, len(REPLY_FEATURES)) == (600, 8)


def test_feature_sql_names_columns_that_exist() -> None:
    cols = {"u": set(SOURCES["users"].names), "a": set(SOURCES["ads"].names),
            "i": {"event_time", "ad_position"}, "s": set(SOURCES["suggestions"].names)}
    import re

    for f in CTR_FEATURES + REPLY_FEATURES:
        for alias, col in re.findall(r"\b([uais])\.(\w+)", f.sql):
            assert col in cols[alias], (f.name, col)


@pytest.mark.parametrize("fixture", ["data", "chunked"])
def test_json_lines_are_what_json_dumps_writes(fixture: str, request: pytest.FixtureRequest) -> None:
    """The fast line templates produce exactly json.dumps' compact output."""
    ds: Dataset = request.getfixturevalue(fixture)
    for src, schema in SOURCES.items():
        if schema.format != "json":
            continue
        for line in ds.lines[src]:
            if check_line(src, line).reason == "truncated":
                continue
            assert json.dumps(json.loads(line), ensure_ascii=False, separators=(",", ":")) == line
