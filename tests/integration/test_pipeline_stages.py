"""The shipped pipelines (sql/) on the real Kafka broker and Flink mini-cluster.

One small generated sample goes through curation, review, analysis, scoring
and feedback in order; every result is compared with what pandas and
onnxruntime compute from the generator's ground truth. Which records the
curation job finds behind its watermark depends on when Flink emits
watermarks, so the tests read that set from the job's output, check that only
records the generator delivered late are in it, and derive everything else
from it exactly.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest
from click.testing import CliRunner

from sqlflow.compiler import CompiledProject, compile_project
from sqlflow.config import Config, load_config
from sqlflow.demo.topics import PIPELINE_TOPICS, SOURCE_TOPICS
from sqlflow.errors import ValidationError
from sqlflow.flink.env import stage_python_files
from sqlflow.flink.job import run_job
from sqlflow.gen import Dataset, GenConfig, generate, write_kafka
from sqlflow.gen.features import ctr_features
from sqlflow.kafka.topics import produce, values
from sqlflow.review import decide, pending

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
PREFIX = "pl_"
GEN = GenConfig(rows=400, seed=11, rate=2.0, broken_share=0.05, duplicate_share=0.05, late_share=0.03)
SCORING_TIME_MS = 1767571200000  # the default request time of batch_top_ads.sql
MINUTE = 60_000


@dataclass
class Run:
    """The sample, where the jobs write, and what the curation and review steps produced."""

    config: Config
    compiled: CompiledProject
    pyfiles: Path
    out: Path
    bootstrap: str
    data: Dataset
    outputs: dict[str, list[dict]] = field(default_factory=dict)
    approved: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)

    def read(self, topic: str) -> list[dict]:
        return values(self.bootstrap, PREFIX + topic)


@pytest.fixture(scope="module")
def run(kafka_broker, tmp_path_factory):
    out = tmp_path_factory.mktemp("pipeline_out")
    env = {"KAFKA_BOOTSTRAP": kafka_broker.bootstrap, "SCAN_BOUNDED_MODE": "latest-offset",
           "OUT_DIR": str(out), "TOPIC_PREFIX": PREFIX}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        config = load_config(REPO)
        compiled = compile_project(config=config)  # ${VARS} are read now, with the environment above
        modules = [m for j in compiled.jobs for m in j.modules]
        pyfiles = stage_python_files(REPO, config.udfs_dir, config.models_dir, out / "_pyfiles", modules)
        kafka_broker.create_topics([PREFIX + t for t in SOURCE_TOPICS + PIPELINE_TOPICS])
        write_kafka(GEN, kafka_broker.bootstrap, topic_prefix=PREFIX)
        yield Run(config, compiled, pyfiles, out, kafka_broker.bootstrap, generate(GEN))


def submit(flink_cluster, run: Run, rel: str, streaming: bool = True) -> str:
    job = run.compiled.job(rel)
    env = flink_cluster.job_env(job, streaming=streaming, python_files=[run.pyfiles])
    return run_job(env, job, base=REPO)


def run_jobs(flink_cluster, run: Run, *jobs: tuple[str, bool]) -> None:
    """Run job files side by side on the mini-cluster (as a deployment would) until all finish."""
    ids = [submit(flink_cluster, run, rel, streaming) for rel, streaming in jobs]
    for job_id in ids:
        assert flink_cluster.wait_for_job(job_id, timeout=300) == "FINISHED"


def score_requests(run: Run) -> pd.DataFrame:
    """Requests for the streaming scoring job: random users, ads and slots."""
    users, ads = run.data.users, run.data.ads
    rng = np.random.default_rng(5)
    return pd.DataFrame({"request_id": [f"req-{k:04d}" for k in range(60)],
                         "user_id": rng.choice(users["user_id"], 60), "ad_id": rng.choice(ads["ad_id"], 60),
                         "ad_position": rng.integers(1, 6, 60),
                         "event_time": SCORING_TIME_MS + rng.integers(0, 10**8, 60)})


@pytest.fixture(scope="module")
def curated(run, flink_cluster) -> Run:
    req = score_requests(run)
    produce(run.bootstrap, PREFIX + "score_requests",
            [{k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()} for r in req.to_dict("records")])
    # curation, and both scoring jobs (they need only users and ads), side by side
    run_jobs(flink_cluster, run, ("sql/curation/curate.sql", True), ("sql/scoring/batch_top_ads.sql", False),
             ("sql/scoring/stream_requests.sql", True))
    for topic in ("curated_impressions", "curated_clicks", "quarantine", "review_queue"):
        run.outputs[topic] = run.read(topic)
    return run


@pytest.fixture(scope="module")
def merged(curated, flink_cluster) -> Run:
    """Half of the review queue approved (through the CLI), the rest rejected, then merged."""
    run = curated
    ids = sorted(r["review_id"] for r in run.outputs["review_queue"])
    run.approved, run.rejected = set(ids[::2]), set(ids[1::2])
    from sqlflow.cli.main import cli

    listed = CliRunner().invoke(cli, ["review", "list", "--bootstrap", run.bootstrap, "--topic-prefix", PREFIX,
                                      "--json", "--limit", "1000"])
    assert listed.exit_code == 0, listed.output
    queue = sorted(run.outputs["review_queue"], key=lambda r: (r["event_time"], r["review_id"]))
    assert [json.loads(line) for line in listed.output.splitlines()] == queue
    text = CliRunner().invoke(cli, ["review", "list", "--bootstrap", run.bootstrap, "--topic-prefix", PREFIX])
    assert text.output.splitlines()[0] == f"{len(queue)} pending"

    result = CliRunner().invoke(cli, ["review", "approve", "--bootstrap", run.bootstrap, "--topic-prefix", PREFIX,
                                      "--reviewer", "ana", *sorted(run.approved)])
    assert result.exit_code == 0, result.output
    assert result.output == f"approved {len(run.approved)}: {', '.join(sorted(run.approved))}\n"
    decide(run.bootstrap, sorted(run.rejected), "reject", "ben", "not a real outlier", prefix=PREFIX)
    run_jobs(flink_cluster, run, ("sql/curation/merge_decisions.sql", True))
    for topic in ("curated_impressions", "curated_clicks", "quarantine"):
        run.outputs["merged_" + topic] = run.read(topic)
    return run


@pytest.fixture(scope="module")
def downstream(merged, flink_cluster) -> Run:
    """Feedback and both analysis jobs over the merged curated topics, side by side."""
    run_jobs(flink_cluster, merged, ("sql/feedback/feedback.sql", True),
             ("sql/analysis/label_distribution.sql", False), ("sql/analysis/hard_negatives.sql", False))
    return merged


# -- expected values from the ground truth ----------------------------------------------------

_IMP_COLS = ["impression_id", "user_id", "ad_id", "event_time", "ad_position", "price", "model_score", "model_version"]
_CLK_COLS = ["click_id", "impression_id", "user_id", "ad_id", "event_time", "price"]


def split_lines(run: Run) -> pd.DataFrame:
    d = run.data.truth.delivered
    return d[d["kind"].isin(["impression", "click"])]


def late_lines(run: Run) -> set[tuple[str, int]]:
    return {(q["source"], q["seq"]) for q in run.outputs["quarantine"] if q["reason"] == "late"}


def kept_events(run: Run) -> set[tuple[str, str]]:
    """(kind, id) of every event with a clean copy that was not behind the watermark."""
    clean = split_lines(run)
    clean = clean[clean["broken"] == ""]
    late = late_lines(run)
    return {(k, e) for s, q, k, e in zip(clean["source"], clean["seq"], clean["kind"], clean["event_id"])
            if (s, q) not in late}


def expected_review(run: Run) -> set[tuple[str, str]]:
    kept = kept_events(run)
    imp, clk = run.data.truth.impressions, run.data.truth.clicks
    min_score = float(run.config.vars["REVIEW_MIN_IMPRESSION_SCORE"])
    min_price = float(run.config.vars["REVIEW_MIN_CLICK_PRICE"])
    out = {("impression", i) for i in imp.loc[imp["model_score"] >= min_score, "impression_id"]}
    out |= {("click", c) for c in clk.loc[clk["price"] >= min_price, "click_id"]}
    return out & kept


def final_ids(run: Run, kind: str) -> set[str]:
    """Ids curated after the review decisions were merged."""
    rejected = {r.split(":", 1)[1] for r in run.rejected if r.startswith(kind + ":")}
    return {e for k, e in kept_events(run) if k == kind} - rejected


def truth_rows(frame: pd.DataFrame, key: str, ids: set[str], cols: list[str]) -> list[dict]:
    rows = frame[frame[key].isin(ids)][cols]
    return sorted(rows.to_dict("records"), key=lambda r: r[key])


def onnx_scores(x: np.ndarray) -> np.ndarray:
    sess = ort.InferenceSession(str(REPO / "models" / "ctr.onnx"), providers=["CPUExecutionProvider"])
    return sess.run(["probability"], {"features": x})[0][:, 0].astype(np.float64)


# -- curation ---------------------------------------------------------------------------------

def test_curation_accounts_for_every_record(curated):
    run, out = curated, curated.outputs
    lines = split_lines(run)
    truth_line = {(s, q): (k, e) for s, q, k, e in zip(lines["source"], lines["seq"], lines["kind"], lines["event_id"])}
    placed = Counter((r["source"], r["seq"]) for t in ("curated_impressions", "curated_clicks", "quarantine",
                                                        "review_queue") for r in out[t])
    assert max(placed.values()) == 1 and set(placed) <= set(truth_line)

    # broken lines are quarantined with the generator's reason; only late-delivered ones are late
    reasons = {(q["source"], q["seq"]): q["reason"] for q in out["quarantine"]}
    assert {k: r for k, r in reasons.items() if r != "late"} == run.data.truth.broken()
    late_injected = lines[lines["late_injected"] & (lines["broken"] == "")]
    assert late_lines(run) <= set(zip(late_injected["source"], late_injected["seq"]))

    # every event with an on-time clean copy is kept exactly once: curated or in review
    kept = Counter([("impression", r["impression_id"]) for r in out["curated_impressions"]]
                   + [("click", r["click_id"]) for r in out["curated_clicks"]]
                   + [(r["kind"], r["event_id"]) for r in out["review_queue"]])
    assert kept == Counter(kept_events(run))
    for t, key in (("curated_impressions", "impression_id"), ("curated_clicks", "click_id"),
                   ("review_queue", "event_id")):
        assert all(truth_line[(r["source"], r["seq"])][1] == r[key] for r in out[t])

    # the lines left out are second copies of kept events, and the counts add up
    dropped = set(truth_line) - set(placed)
    assert {truth_line[k] for k in dropped} <= kept_events(run)
    assert len(dropped) == int((lines["broken"] == "").sum()) - len(late_lines(run)) - len(kept_events(run))
    assert (len(out["curated_impressions"]) + len(out["curated_clicks"]) + len(out["quarantine"])
            + len(out["review_queue"]) + len(dropped)) == len(lines)

    # doubtful records are exactly the outliers; curated records hold the true values
    assert {(r["kind"], r["event_id"]) for r in out["review_queue"]} == expected_review(run)
    assert len(out["review_queue"]) >= 2
    truth = run.data.truth
    imp_ids = {r["impression_id"] for r in out["curated_impressions"]}
    assert sorted(({c: r[c] for c in _IMP_COLS} for r in out["curated_impressions"]),
                  key=lambda r: r["impression_id"]) == truth_rows(truth.impressions, "impression_id", imp_ids,
                                                                  _IMP_COLS)
    clk_ids = {r["click_id"] for r in out["curated_clicks"]}
    assert sorted(({c: r[c] for c in _CLK_COLS} for r in out["curated_clicks"]),
                  key=lambda r: r["click_id"]) == truth_rows(truth.clicks, "click_id", clk_ids, _CLK_COLS)


def test_review_decisions_are_merged(merged):
    run, out = merged, merged.outputs
    assert pending(run.bootstrap, PREFIX) == []
    with pytest.raises(ValidationError, match="already decided"):
        decide(run.bootstrap, [sorted(run.approved)[0]], "reject", "carl", prefix=PREFIX)
    with pytest.raises(ValidationError, match="not in the review queue: impression:nope"):
        decide(run.bootstrap, ["impression:nope"], "approve", "carl", prefix=PREFIX)

    approved = sorted([("impression", r["impression_id"]) for r in out["merged_curated_impressions"]
                       if r["review"] == "approved"]
                      + [("click", r["click_id"]) for r in out["merged_curated_clicks"] if r["review"] == "approved"])
    assert approved == sorted(tuple(r.split(":", 1)) for r in run.approved)
    rejected = [q for q in out["merged_quarantine"] if q["reason"] == "rejected_in_review"]
    assert sorted(f"{q['kind']}:{q['event_id']}" for q in rejected) == sorted(run.rejected)
    assert final_ids(run, "impression") == {r["impression_id"] for r in out["merged_curated_impressions"]}
    assert final_ids(run, "click") == {r["click_id"] for r in out["merged_curated_clicks"]}
    truth = run.data.truth
    merged_imp = [{c: r[c] for c in _IMP_COLS} for r in out["merged_curated_impressions"] if r["review"] == "approved"]
    assert sorted(merged_imp, key=lambda r: r["impression_id"]) == truth_rows(
        truth.impressions, "impression_id", {r["impression_id"] for r in merged_imp}, _IMP_COLS)


# -- analysis ---------------------------------------------------------------------------------

def read_json_dir(path: Path) -> list[dict]:
    rows = []
    for f in sorted(path.rglob("*")):
        if f.is_file() and not f.name.startswith((".", "_")):
            rows += [json.loads(line) for line in f.read_text().splitlines() if line.strip()]
    return rows


def _day(ms: pd.Series) -> pd.Series:
    return pd.to_datetime(ms, unit="ms", utc=True).dt.strftime("%Y-%m-%d")


def test_label_distribution(downstream):
    run = downstream
    got = read_json_dir(run.out / "analysis" / "label_distribution")

    truth = run.data.truth
    source = {r["impression_id"]: r["source"] for r in run.outputs["merged_curated_impressions"]}
    clicked_ids = set(truth.clicks[truth.clicks["click_id"].isin(final_ids(run, "click"))]["impression_id"])
    imp = truth.impressions[truth.impressions["impression_id"].isin(final_ids(run, "impression"))]
    ctr = pd.DataFrame({"dataset": "ctr", "source": imp["impression_id"].map(source), "day": _day(imp["event_time"]),
                        "label": np.where(imp["impression_id"].isin(clicked_ids), "clicked", "not_clicked")})
    outcome = dict(zip(truth.outcomes["suggestion_id"], truth.outcomes["outcome"]))
    sug = truth.suggestions
    reply = pd.DataFrame({"dataset": "reply", "source": "suggestions", "day": _day(sug["event_time"]),
                          "label": sug["suggestion_id"].map(outcome).fillna("no_outcome")})
    counts = pd.concat([ctr, reply]).groupby(["dataset", "source", "day", "label"]).size().rename("n").reset_index()
    counts["total"] = counts.groupby(["dataset", "source", "day"])["n"].transform("sum")
    counts["share"] = counts["n"] / counts["total"]
    want = counts.to_dict("records")
    key = lambda r: (r["dataset"], r["source"], r["day"], r["label"])  # noqa: E731
    assert sorted(got, key=key) == sorted(want, key=key)


def test_hard_negatives(downstream):
    run = downstream
    got = read_json_dir(run.out / "analysis" / "hard_negatives")

    truth = run.data.truth
    clicked_ids = set(truth.clicks[truth.clicks["click_id"].isin(final_ids(run, "click"))]["impression_id"])
    imp = truth.impressions[truth.impressions["impression_id"].isin(final_ids(run, "impression"))
                            & ~truth.impressions["impression_id"].isin(clicked_ids)].reset_index(drop=True)
    imp = imp.assign(score=onnx_scores(ctr_features(imp, run.data.users, run.data.ads)))
    top = imp.sort_values("score", ascending=False).head(50)
    assert [r["impression_id"] for r in got] == top["impression_id"].tolist()
    assert [r["served_score"] for r in got] == top["model_score"].tolist()
    np.testing.assert_allclose([r["score"] for r in got], top["score"].to_numpy(), rtol=1e-6)


# -- scoring ----------------------------------------------------------------------------------

def test_batch_top_ads(curated):
    run = curated
    got = read_json_dir(run.out / "scoring" / "top_ads")

    users, ads = run.data.users, run.data.ads
    cand = users[["user_id"]].merge(ads[["ad_id"]], how="cross")
    cand["event_time"], cand["ad_position"] = SCORING_TIME_MS, 1
    cand["score"] = onnx_scores(ctr_features(cand, users, ads))
    cand = cand.sort_values(["user_id", "score"], ascending=[True, False])
    cand["rank"] = cand.groupby("user_id").cumcount() + 1
    want = cand[cand["rank"] <= 10]
    got = sorted(got, key=lambda r: (r["user_id"], r["rank"]))
    assert [(r["user_id"], r["rank"], r["ad_id"]) for r in got] == list(
        zip(want["user_id"], want["rank"].astype(int), want["ad_id"]))
    np.testing.assert_allclose([r["score"] for r in got], want["score"].to_numpy(), rtol=1e-6)


def test_streaming_scoring(curated):
    run = curated
    got = sorted(run.read("scored_requests"), key=lambda r: r["request_id"])
    req = score_requests(run)
    req["score"] = onnx_scores(ctr_features(req, run.data.users, run.data.ads))
    assert [{k: r[k] for k in ("request_id", "user_id", "ad_id", "ad_position", "event_time")} for r in got] == \
        req.drop(columns="score").to_dict("records")
    np.testing.assert_allclose([r["score"] for r in got], req["score"].to_numpy(), rtol=1e-6)


# -- feedback ---------------------------------------------------------------------------------

def _windows(frame: pd.DataFrame, model: str, positive: str) -> list[dict]:
    rows = []
    start = frame["event_time"] // MINUTE * MINUTE
    for kind, offsets, size in (("tumble_1m", [0], MINUTE), ("hop_5m_1m", range(5), 5 * MINUTE)):
        parts = [frame.assign(ws=start - k * MINUTE) for k in offsets]
        f = pd.concat(parts)
        for (version, ws), g in f.groupby(["model_version", "ws"]):
            rows.append({"model": model, "model_version": version, "window_kind": kind,
                         "window_start": _fmt(ws), "window_end": _fmt(ws + size), "events": len(g),
                         "positives": int(g[positive].sum()), "rate": int(g[positive].sum()) / len(g),
                         "mean_predicted": float(g["model_score"].mean())})
    return rows


def _fmt(ms: int) -> str:
    return pd.Timestamp(int(ms), unit="ms", tz="UTC").strftime("%Y-%m-%d %H:%M:%S")


def test_feedback_windows_late_events_and_training_export(downstream):
    run = downstream
    late = {(r["kind"], r["event_id"]) for r in run.read("late_events")}
    truth = run.data.truth
    late_d = truth.delivered[truth.delivered["late_injected"]]
    late_truth = set(zip(late_d["kind"], late_d["event_id"]))
    approved = {tuple(r.split(":", 1)) for r in run.approved}
    assert late <= late_truth | approved  # merged approvals arrive long after their event time

    imp = truth.impressions[truth.impressions["impression_id"].isin(final_ids(run, "impression"))]
    imp = imp[[("impression", i) not in late for i in imp["impression_id"]]]
    clk = truth.clicks[truth.clicks["click_id"].isin(final_ids(run, "click"))]
    clk = clk[[("click", c) not in late for c in clk["click_id"]]]
    j = imp.merge(clk[["impression_id", "event_time"]].rename(columns={"event_time": "click_time"}),
                  on="impression_id", how="left")
    j["clicked"] = ((j["click_time"] >= j["event_time"]) & (j["click_time"] <= j["event_time"] + MINUTE)).astype(int)
    sug = truth.suggestions[[("suggestion", s) not in late for s in truth.suggestions["suggestion_id"]]]
    out = truth.outcomes[[("outcome", o) not in late for o in truth.outcomes["outcome_id"]]]
    s = sug.merge(out[["suggestion_id", "event_time", "outcome"]].rename(columns={"event_time": "t_out"}),
                  on="suggestion_id", how="left")
    s["accepted"] = ((s["outcome"] == "accepted") & (s["t_out"] >= s["event_time"])
                     & (s["t_out"] <= s["event_time"] + 2 * MINUTE)).astype(int)

    key = lambda r: (r["model"], r["model_version"], r["window_kind"], r["window_start"])  # noqa: E731
    got = sorted(run.read("feedback_metrics"), key=key)
    want = sorted(_windows(j, "ctr", "clicked") + _windows(s, "reply", "accepted"), key=key)
    drop = lambda r: {k: v for k, v in r.items() if k != "mean_predicted"}  # noqa: E731
    assert [drop(r) for r in got] == [drop(r) for r in want]
    assert [r["mean_predicted"] for r in got] == pytest.approx([r["mean_predicted"] for r in want], rel=1e-12)

    rows = read_json_dir(run.out / "training" / "ctr")
    assert sorted(p.name for p in (run.out / "training" / "ctr").iterdir()) == ["dt=2026-01-05"]
    want = [{"impression_id": r.impression_id, "user_id": r.user_id, "ad_id": r.ad_id, "event_time": r.event_time,
             "ad_position": r.ad_position, "model_score": r.model_score, "model_version": r.model_version,
             "label": r.clicked, "click_time": int(r.click_time) if r.clicked else None}
            for r in j.itertuples()]
    assert sorted(rows, key=lambda r: r["impression_id"]) == sorted(want, key=lambda r: r["impression_id"])
