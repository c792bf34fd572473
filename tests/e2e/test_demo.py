"""`sqlflow demo` end to end: its report checked against the generator's ground truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest

from sqlflow.config import load_config
from sqlflow.gen import GenConfig, generate
from sqlflow.gen.features import ctr_features

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
MINUTE = 60_000


#: Variables a Python UDF worker run in loopback mode leaves in this process's environment; a
#: child process that inherited them would take itself for a UDF worker and refuse to start Flink.
_WORKER_VARS = ("PYTHON_LOOPBACK_SERVER_ADDRESS", "WORKER_ID", "PIPELINE_OPTIONS", "SEMI_PERSISTENT_DIRECTORY",
                "LOGGING_API_SERVICE_DESCRIPTOR", "CONTROL_API_SERVICE_DESCRIPTOR", "BOOT_LOG_DIR")


def clean_env() -> dict[str, str]:
    """This process's environment without PyFlink's gateway and worker variables."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("PYFLINK_", "_PYFLINK_")) and k not in _WORKER_VARS}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "sqlflow", "demo", "--out", str(out), "--port", "0"],
                          cwd=REPO, capture_output=True, text=True, timeout=600, env=clean_env())
    elapsed = time.monotonic() - t0
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    report = json.loads((out / "demo_report.json").read_text())
    sample = dict(report["sample"], late_extra_ms=tuple(report["sample"]["late_extra_ms"]))
    return proc.stdout, report, generate(GenConfig(**sample)), out, elapsed


def test_demo_runs_within_five_minutes_and_prints_the_dashboard_first(demo):
    stdout, report, _, out, elapsed = demo
    assert elapsed < 300
    first = stdout.splitlines()[0]
    assert first == f"Flink dashboard: {report['dashboard']}" and first.startswith("Flink dashboard: http://127.0.0.1:")
    assert "== sqlflow demo report ==" in stdout
    assert (out / "demo_feedback.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "demo_feedback.png").stat().st_size > 10_000


def test_curation_counts_match_the_ground_truth(demo):
    stdout, report, data, _, _ = demo
    assert report["input_lines"] == dict(data.summary.lines)
    c = report["curation"]
    d = data.truth.delivered
    split = d[d["kind"].isin(["impression", "click"])]
    assert c["input"] == len(split)

    late = {tuple(x) for x in c["late_quarantined"]}
    late_ok = split[split["late_injected"] & (split["broken"] == "")]
    assert late <= set(zip(late_ok["source"], late_ok["seq"]))
    broken = Counter(split.loc[split["broken"] != "", "broken"])
    rejected = len(c["review_rejected_ids"])
    assert c["quarantine_reasons"] == dict(sorted((broken + Counter({"late": len(late),
                                                                      "rejected_in_review": rejected})).items()))
    clean = split[split["broken"] == ""]
    kept = {(k, e) for s, q, k, e in zip(clean["source"], clean["seq"], clean["kind"], clean["event_id"])
            if (s, q) not in late}
    imp, clk = data.truth.impressions, data.truth.clicks
    review_vars = load_config(REPO).vars
    min_score = float(review_vars["REVIEW_MIN_IMPRESSION_SCORE"])
    min_price = float(review_vars["REVIEW_MIN_CLICK_PRICE"])
    review = ({("impression", i) for i in imp.loc[imp["model_score"] >= min_score, "impression_id"]}
              | {("click", x) for x in clk.loc[clk["price"] >= min_price, "click_id"]}) & kept
    assert c["review_queued"] == len(review) and c["review_pending"] == 0
    assert sorted(c["review_approved_ids"] + c["review_rejected_ids"]) == sorted(f"{k}:{e}" for k, e in review)
    assert c["curated"] == len(kept) - rejected
    assert c["curated_from_review"] == len(c["review_approved_ids"])
    assert c["duplicates_dropped"] == len(clean) - len(late) - len(kept)
    assert c["quarantined"] == sum(broken.values()) + len(late) + rejected
    assert c["balanced"] is True
    total = c["curated"] + c["quarantined"] + c["review_pending"] + c["duplicates_dropped"]
    assert (f"  accounting: {c['curated']} + {c['quarantined']} + 0 + {c['duplicates_dropped']} = {total} == "
            f"{c['input']}") in stdout.splitlines()


def test_feedback_per_model_version(demo):
    _, report, data, _, _ = demo
    c, f = report["curation"], report["feedback"]
    late = {tuple(x) for x in f["late_event_ids"]}
    assert f["late_events"] == dict(sorted(Counter(k for k, _ in late).items()))
    d = data.truth.delivered
    late_sources = set(zip(d.loc[d["late_injected"], "kind"], d.loc[d["late_injected"], "event_id"]))
    assert late <= late_sources | {tuple(r.split(":", 1)) for r in c["review_approved_ids"]}

    split = d[d["kind"].isin(["impression", "click"])]
    clean = split[split["broken"] == ""]
    lq = {tuple(x) for x in c["late_quarantined"]}
    rejected = {tuple(r.split(":", 1)) for r in c["review_rejected_ids"]}
    final = {(k, e) for s, q, k, e in zip(clean["source"], clean["seq"], clean["kind"], clean["event_id"])
             if (s, q) not in lq} - rejected
    imp = data.truth.impressions
    imp = imp[[("impression", i) in final and ("impression", i) not in late for i in imp["impression_id"]]]
    clk = data.truth.clicks
    clk = clk[[("click", x) in final and ("click", x) not in late for x in clk["click_id"]]]
    j = imp.merge(clk[["impression_id", "event_time"]].rename(columns={"event_time": "t_click"}),
                  on="impression_id", how="left")
    j["positive"] = (j["t_click"] >= j["event_time"]) & (j["t_click"] <= j["event_time"] + MINUTE)
    sug = data.truth.suggestions
    sug = sug[[("suggestion", s) not in late for s in sug["suggestion_id"]]]
    out = data.truth.outcomes
    out = out[[("outcome", o) not in late for o in out["outcome_id"]]]
    s = sug.merge(out[["suggestion_id", "event_time", "outcome"]].rename(columns={"event_time": "t_out"}),
                  on="suggestion_id", how="left")
    s["positive"] = (s["outcome"] == "accepted") & (s["t_out"] >= s["event_time"]) & (
        s["t_out"] <= s["event_time"] + 2 * MINUTE)
    want = {}
    for model, frame in (("ctr", j), ("reply", s)):
        for version, g in frame.groupby("model_version"):
            want[version] = {"model": model, "windows": int((g["event_time"] // MINUTE).nunique()),
                             "events": len(g), "positives": int(g["positive"].sum()),
                             "rate": pytest.approx(g["positive"].mean(), rel=1e-12),
                             "mean_predicted": pytest.approx(g["model_score"].mean(), rel=1e-9)}
    got = {v: {k: x for k, x in m.items() if k != "calibration"} for v, m in f["per_version"].items()}
    assert got == want
    assert f["training_rows"] == {"ctr": len(j), "reply": len(s)}


def test_scoring_results(demo):
    _, report, data, _, _ = demo
    s = report["scoring"]
    assert s["candidates"] == len(data.users) * len(data.ads) == s["users"] * s["ads"]
    assert s["streaming"]["scored"] == s["streaming"]["requests"] > 0
    sess = ort.InferenceSession(str(REPO / "models" / "ctr.onnx"), providers=["CPUExecutionProvider"])
    for user, top in s["top_ads"].items():
        cand = pd.DataFrame({"user_id": user, "ad_id": data.ads["ad_id"], "event_time": 1767571200000,
                             "ad_position": 1})
        cand["score"] = sess.run(["probability"], {"features": ctr_features(cand, data.users, data.ads)})[0][:, 0]
        best = cand.sort_values("score", ascending=False).head(len(top))
        assert [a["ad_id"] for a in top] == best["ad_id"].tolist()
        np.testing.assert_allclose([a["score"] for a in top], best["score"].to_numpy(), rtol=1e-6)
    assert set(report["throughput"]) == {f"pipelines.{n}" for n in (
        "curation.curate", "scoring.batch_top_ads", "curation.merge_decisions", "feedback.feedback",
        "analysis.label_distribution", "analysis.hard_negatives")}
