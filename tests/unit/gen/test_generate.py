from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sqlflow.errors import ConfigError
from sqlflow.gen import Dataset, GenConfig, generate
from sqlflow.gen.delivery import quota
from sqlflow.gen.schema import BROKEN_REASONS, SOURCES, SPLIT_SOURCES


def _exact(share: float, n: int) -> int:
    return math.floor(share * n + 0.5)


def test_same_seed_same_records(data: Dataset) -> None:
    again = generate(data.config)
    assert again.lines == data.lines
    pd.testing.assert_frame_equal(again.truth.delivered, data.truth.delivered)
    pd.testing.assert_frame_equal(again.truth.impressions, data.truth.impressions)
    pd.testing.assert_frame_equal(again.users, data.users)


def test_other_seed_other_records(data: Dataset) -> None:
    other = generate(GenConfig(rows=data.config.rows, seed=data.config.seed + 1))
    assert other.lines["impressions_json"][:20] != data.lines["impressions_json"][:20]
    assert other.lines["users"] != data.lines["users"]


def test_small_run_is_fast() -> None:
    import time

    t = time.perf_counter()
    generate(GenConfig(rows=300, seed=1))
    assert time.perf_counter() - t < 1.0


def test_sizes(data: Dataset) -> None:
    t = data.truth
    assert len(t.impressions) == 1200
    assert len(data.users) == 120 and len(data.ads) == 60
    assert len(t.suggestions) == 600 and len(t.outcomes) == 600
    assert len(t.clicks) == int(t.impressions["clicked"].sum())
    assert {s: len(v) for s, v in data.lines.items()} == {
        "users": 120, "ads": 60,
        **{s: int((t.delivered["source"] == s).sum()) for s in SOURCES if s not in ("users", "ads")},
    }


@pytest.mark.parametrize("fixture", ["data", "chunked"])
def test_shares_are_exact_and_recorded(fixture: str, request: pytest.FixtureRequest) -> None:
    ds: Dataset = request.getfixturevalue(fixture)
    cfg, d = ds.config, ds.truth.delivered
    for kind, n in (("impression", len(ds.truth.impressions)), ("click", len(ds.truth.clicks))):
        k = d[d["kind"] == kind]
        n_broken = _exact(cfg.broken_share, n)
        n_dups = _exact(cfg.duplicate_share, n)
        assert int((k["broken"] != "").sum()) == n_broken
        assert int(k["duplicate"].sum()) == n_dups
        assert len(k) == n + n_dups
        assert int(k["late_injected"].sum()) == _exact(cfg.late_share, n + n_dups)
    for kind, n in (("suggestion", len(ds.truth.suggestions)), ("outcome", len(ds.truth.outcomes))):
        k = d[d["kind"] == kind]
        assert len(k) == n
        assert int(k["late_injected"].sum()) == _exact(cfg.late_share, n)
        assert set(k["broken"]) == {""} and not k["duplicate"].any()
    assert set(d.loc[d["broken"] != "", "broken"]) <= set(BROKEN_REASONS)


def test_every_broken_reason_occurs(data: Dataset) -> None:
    reasons = data.truth.delivered["broken"]
    assert set(reasons[reasons != ""]) == set(BROKEN_REASONS)


def test_summary_matches_truth(data: Dataset) -> None:
    d = data.truth.delivered
    s = data.summary.to_dict()
    assert s["lines"] == {src: len(lines) for src, lines in data.lines.items()}
    broken = d[d["broken"] != ""].groupby(["source", "broken"]).size()
    assert s["broken"] == {src: {r: int(n) for (s2, r), n in broken.items() if s2 == src}
                           for src in sorted(set(broken.index.get_level_values(0)))}
    assert s["duplicates"] == {k: int(v) for k, v in d[d["duplicate"]].groupby("source").size().items()}
    assert s["late_injected"] == {k: int(v) for k, v in d[d["late_injected"]].groupby("source").size().items()}
    assert s["events"] == {"user": 120, "ad": 60, "impression": 1200, "click": len(data.truth.clicks),
                           "suggestion": 600, "outcome": 600}


@pytest.mark.parametrize("fixture", ["data", "chunked"])
def test_duplicates_are_later_copies(fixture: str, request: pytest.FixtureRequest) -> None:
    d: pd.DataFrame = request.getfixturevalue(fixture).truth.delivered
    split = d[d["kind"].isin(SPLIT_SOURCES)]
    copies = split.groupby("event_id").size()
    dup_ids = set(split.loc[split["duplicate"], "event_id"])
    assert set(copies[copies == 2].index) == dup_ids
    assert set(copies.unique()) <= {1, 2}
    arrival = split["event_time"] + split["delay_ms"]
    for eid, grp in split.assign(arrival=arrival)[split["event_id"].isin(dup_ids)].groupby("event_id"):
        first, dup = grp[~grp["duplicate"]], grp[grp["duplicate"]]
        assert len(first) == 1 and len(dup) == 1
        assert dup["arrival"].iloc[0] >= first["arrival"].iloc[0]
        assert (grp["broken"] == "").all()
    # some duplicates cross from one format to the other
    cross = split[split["event_id"].isin(dup_ids)].groupby("event_id")["source"].nunique()
    assert (cross == 2).any() and (cross == 1).any()


@pytest.mark.parametrize("fixture", ["data", "chunked"])
def test_sources_in_arrival_order_within_bound(fixture: str, request: pytest.FixtureRequest) -> None:
    ds: Dataset = request.getfixturevalue(fixture)
    bound = ds.config.max_delay_ms
    lo, hi = ds.config.late_extra_ms
    for src, grp in ds.truth.delivered.groupby("source"):
        grp = grp.sort_values("seq")
        assert grp["seq"].tolist() == list(range(len(grp)))
        arrival = (grp["event_time"] + grp["delay_ms"]).to_numpy()
        assert (np.diff(arrival) >= 0).all(), src
        on_time = grp[~grp["late_injected"]]["delay_ms"]
        late = grp[grp["late_injected"]]["delay_ms"]
        assert on_time.between(0, bound - 1).all()
        assert late.between(bound + lo, bound + hi).all()
        # out of order: event times are not sorted
        assert not (np.diff(grp["event_time"].to_numpy()) >= 0).all(), src


@pytest.mark.parametrize("fixture", ["data", "chunked"])
def test_late_flag_matches_a_watermark_replay(fixture: str, request: pytest.FixtureRequest) -> None:
    ds: Dataset = request.getfixturevalue(fixture)
    bound = ds.config.max_delay_ms
    for src, grp in ds.truth.delivered.groupby("source"):
        expected, seen = [], None
        for t, reason in zip(grp.sort_values("seq")["event_time"], grp.sort_values("seq")["broken"]):
            if reason in ("bad_time", "truncated"):
                expected.append(False)
                continue
            expected.append(seen is not None and t + bound <= seen)
            seen = t if seen is None else max(seen, t)
        assert grp.sort_values("seq")["late"].tolist() == expected, src
        # only records delayed beyond the bound can fall behind the watermark
        assert not (grp["late"] & ~grp["late_injected"]).any()
    assert ds.truth.delivered["late"].sum() > 0


def test_clicks_follow_their_impressions(data: Dataset) -> None:
    imp = data.truth.impressions.set_index("impression_id")
    c = data.truth.clicks
    assert set(c["impression_id"]) == set(imp.index[imp["clicked"]])
    joined = c.join(imp[["event_time", "user_id", "ad_id"]], on="impression_id", rsuffix="_imp")
    gap = joined["event_time"] - joined["event_time_imp"]
    assert gap.between(500, 55_000).all()
    assert (joined["user_id"] == joined["user_id_imp"]).all() and (joined["ad_id"] == joined["ad_id_imp"]).all()
    assert c["click_id"].tolist() == [f"clk-{k:010d}" for k in range(len(c))]
    assert data.truth.click_labels() == dict(zip(imp.index, imp["clicked"]))


def test_one_outcome_per_suggestion(data: Dataset) -> None:
    s, o = data.truth.suggestions, data.truth.outcomes
    assert o["suggestion_id"].tolist() == s["suggestion_id"].tolist()
    gap = o["event_time"].to_numpy() - s["event_time"].to_numpy()
    assert ((gap >= 1_000) & (gap <= 120_000)).all()
    assert (s["accepted"].to_numpy() == (o["outcome"] == "accepted").to_numpy()).all()
    assert set(o["outcome"]) == {"accepted", "edited", "typed"}


def test_served_models_differ_in_quality() -> None:
    from sklearn.metrics import log_loss, roc_auc_score

    imp = generate(GenConfig(rows=40_000, seed=2, broken_share=0, duplicate_share=0, late_share=0)).truth.impressions
    base = imp["clicked"].mean()
    assert 0.02 < base < 0.08
    assert roc_auc_score(imp["clicked"], imp["true_prob"]) > 0.75
    loss = {v: log_loss(g["clicked"], g["model_score"]) for v, g in imp.groupby("model_version")}
    auc = {v: roc_auc_score(g["clicked"], g["model_score"]) for v, g in imp.groupby("model_version")}
    assert loss["ctr-v2"] < loss["ctr-v1"] and auc["ctr-v2"] > auc["ctr-v1"]


def test_quota_is_exact_under_any_chunking() -> None:
    share, sizes = 0.037, [7, 0, 13, 1, 200, 3, 50]
    done, picked = 0, 0
    for n in sizes:
        picked += quota(share, done, n)
        done += n
    assert picked == _exact(share, sum(sizes))


@pytest.mark.parametrize("kwargs, text", [
    ({"rows": 0}, "rows must be at least 1, got 0"),
    ({"broken_share": 0.7}, "broken_share must be within [0, 0.5], got 0.7"),
    ({"late_share": -0.1}, "late_share must be within [0, 0.5], got -0.1"),
    ({"late_extra_ms": (10, 5)}, "late_extra_ms must be 0 < lo <= hi, got (10, 5)"),
])
def test_config_errors(kwargs: dict, text: str) -> None:
    with pytest.raises(ConfigError) as err:
        GenConfig(**kwargs)
    assert err.value.message == f"generator: {text}"


def test_docstring_examples() -> None:
    import doctest

    import sqlflow.gen

    result = doctest.testmod(sqlflow.gen, optionflags=doctest.ELLIPSIS)
    assert (result.failed, result.attempted) == (0, 5)
