"""``sqlflow demo``: Kafka, a generated sample, the four pipelines on the mini-cluster, a report.

Steps: start a KRaft broker and the embedded mini-cluster (dashboard address
printed first), write the sample to the source topics, then run the shipped
jobs in dependency order with bounded Kafka reads so each finishes when the
sample is processed:

1. curation, batch scoring of every ad for every user, and streaming scoring
   (unbounded: requests are sent while it runs, to measure latency);
2. review: half of the queue approved, the rest rejected, as a person would
   with ``sqlflow review``; then the merge job;
3. feedback, label distribution and hard negative mining.

The report is printed and written as JSON beside a PNG of the feedback windows.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from sqlflow.compiler.compiled import CompiledProject, compile_project
from sqlflow.config import Config, load_config
from sqlflow.demo.plot import plot_feedback
from sqlflow.demo.report import curation_counts, feedback_summary, format_report, read_json_dir, top_ads
from sqlflow.demo.topics import PIPELINE_TOPICS, SOURCE_TOPICS
from sqlflow.errors import JobError
from sqlflow.flink.session import TERMINAL, EmbeddedSession, SubmittedJob
from sqlflow.gen import GenConfig, write_kafka
from sqlflow.kafka.broker import KafkaBroker
from sqlflow.kafka.topics import end_offsets, produce, read_topic
from sqlflow.review import decide, pending

#: The output folders the demo's jobs write under ``out`` (cleared first, since file sinks append).
OUTPUT_DIRS = ("analysis", "scoring", "training")


@dataclass(frozen=True)
class DemoOptions:
    """What the demo generates and where it writes."""

    rows: int = 2000
    seed: int = 7
    rate: float = 5.0
    users: int = 200
    ads: int = 100
    requests: int = 200
    out: Path = Path("out")
    rest_port: int | None = None  # None: the project's embedded.rest_port
    project: Path | None = None


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class Demo:
    """One demo run: the broker, the session, the jobs and their timings."""

    def __init__(self, opts: DemoOptions, echo: Callable[[str], None]) -> None:
        self.opts = opts
        self.echo = echo
        self.out = opts.out.resolve()
        self.t0 = time.monotonic()
        self.timings: dict[str, dict[str, Any]] = {}
        self.broker: KafkaBroker | None = None
        self.session: EmbeddedSession | None = None
        self.compiled: CompiledProject | None = None

    # -- plumbing ---------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.echo(f"[{time.monotonic() - self.t0:5.0f}s] {text}")

    def submit(self, rel: str, streaming: bool = True, compiled: CompiledProject | None = None) -> SubmittedJob:
        """Run one of the project's compiled jobs (``compiled``: one compiled with other ${VARS})."""
        assert self.session is not None and self.compiled is not None
        job = self.session.submit((compiled or self.compiled).job(rel), streaming=streaming)
        self.say(f"deployed {job.name} ({'streaming' if streaming else 'batch'}) as job {job.job_id}")
        return job

    def wait(self, jobs: list[SubmittedJob], show: Callable[[], str], timeout: float = 600) -> None:
        """Wait until ``jobs`` have ended, printing their states and the topics' progress."""
        assert self.session is not None
        cluster = self.session.cluster
        deadline = time.monotonic() + timeout
        last = 0.0
        while True:
            states = {j["jid"]: j["state"] for j in cluster.jobs()}
            for job in jobs:
                if states.get(job.job_id) == "FAILED":
                    raise JobError(f"job {job.name} failed: {cluster.job_failure(job.job_id)}")
            done = all(states.get(j.job_id) in TERMINAL for j in jobs)
            summary = ", ".join(f"{j.name.split('.')[-1]} {states.get(j.job_id, '?')}" for j in jobs)
            if done or time.monotonic() - last > 5:
                last = time.monotonic()
                self.say(f"{summary} | {show()}")
            if done:
                return
            if time.monotonic() > deadline:
                raise JobError(f"jobs still running after {timeout:.0f} s: {summary}")
            time.sleep(1.0)

    def timing(self, job: SubmittedJob, records: int) -> None:
        assert self.session is not None
        info = self.session.cluster.rest(f"/jobs/{job.job_id}")
        seconds = max(info.get("duration", 0), 1) / 1000
        self.timings[job.name] = {"records": records, "seconds": round(seconds, 1),
                                  "records_per_s": round(records / seconds, 1)}

    def cancel(self, job: SubmittedJob) -> None:
        assert self.session is not None
        req = urllib.request.Request(f"{self.session.cluster.url}/jobs/{job.job_id}?mode=cancel", method="PATCH")
        urllib.request.urlopen(req, timeout=10).close()

    # -- the run ----------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        opts = self.opts
        for sub in OUTPUT_DIRS:
            shutil.rmtree(self.out / sub, ignore_errors=True)
        self.out.mkdir(parents=True, exist_ok=True)
        self.broker = KafkaBroker(heap="512m", log_level="WARN")
        self.broker.start()
        bootstrap = self.broker.bootstrap
        env = {"KAFKA_BOOTSTRAP": bootstrap, "SCAN_BOUNDED_MODE": "latest-offset", "OUT_DIR": str(self.out),
               "TOPIC_PREFIX": ""}
        with _environment(env):
            config = load_config(opts.project)
            if opts.rest_port is not None:
                config = replace(config, embedded=replace(config.embedded, rest_port=opts.rest_port))
            self.compiled = compile_project(config=config)
            if not self.compiled.ok:
                raise JobError("the shipped project does not compile: "
                               + "; ".join(str(e) for e in self.compiled.errors[:3]))
            self.session = EmbeddedSession.start(config)
            self.echo(f"Flink dashboard: {self.session.cluster.url}")
            self.say(f"Kafka broker at {bootstrap}")
            return self._stages(config, bootstrap)

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
        if self.broker is not None:
            self.broker.stop()

    def _stages(self, config: Config, bootstrap: str) -> dict[str, Any]:
        opts = self.opts
        assert self.broker is not None
        self.broker.create_topics(list(SOURCE_TOPICS) + list(PIPELINE_TOPICS))
        gen = GenConfig(rows=opts.rows, seed=opts.seed, rate=opts.rate, users=opts.users, ads=opts.ads)
        summary = write_kafka(gen, bootstrap)
        input_lines = {s: summary.lines[s] for s in SOURCE_TOPICS}
        split_in = sum(input_lines[s] for s in ("impressions_json", "impressions_csv", "clicks_json", "clicks_csv"))
        self.say(f"sample written: {sum(input_lines.values())} records, "
                 + ", ".join(f"{s}={n}" for s, n in input_lines.items()))

        def progress() -> str:
            ends = end_offsets(bootstrap, ["curated_impressions", "curated_clicks", "quarantine", "review_queue",
                                           "scored_requests", "feedback_metrics", "late_events"])
            return ", ".join(f"{t}={n}" for t, n in ends.items())

        # 1. curation and scoring
        curate = self.submit("sql/curation/curate.sql")
        top = self.submit("sql/scoring/batch_top_ads.sql", streaming=False)
        with _environment({"SCAN_BOUNDED_MODE": "unbounded"}):  # ${SCAN_BOUNDED_MODE} is read when compiling
            unbounded = compile_project(config=config)
        stream = self.submit("sql/scoring/stream_requests.sql", compiled=unbounded)
        streaming = self._stream_requests(bootstrap, stream)
        self.cancel(stream)
        self.wait([curate, top, stream], progress)
        self.timing(curate, split_in)
        self.timing(top, opts.users * opts.ads)

        # 2. review: a person would run `sqlflow review approve/reject`
        items = pending(bootstrap)
        ids = sorted(i.review_id for i in items)
        approve, reject = ids[::2], ids[1::2]
        if approve:
            decide(bootstrap, approve, "approve", "demo", "looks right")
        if reject:
            decide(bootstrap, reject, "reject", "demo", "serving glitch")
        self.say(f"review: {len(items)} pending -> approved {len(approve)}, rejected {len(reject)}")
        merge = self.submit("sql/curation/merge_decisions.sql")
        self.wait([merge], progress)
        self.timing(merge, len(ids))
        curation = curation_counts(bootstrap, "", input_lines)

        # 3. feedback and analysis
        feedback = self.submit("sql/feedback/feedback.sql")
        labels = self.submit("sql/analysis/label_distribution.sql", streaming=False)
        negatives = self.submit("sql/analysis/hard_negatives.sql", streaming=False)
        self.wait([feedback, labels, negatives], progress)
        reply_in = input_lines["suggestions"] + input_lines["reply_outcomes"]
        self.timing(feedback, curation["curated"] + reply_in)
        self.timing(labels, curation["curated"] + reply_in)
        self.timing(negatives, curation["curated_impressions"])

        fb = feedback_summary(bootstrap, "")
        fb["training_rows"] = {m: len(read_json_dir(self.out / "training" / m)) for m in ("ctr", "reply")}
        plot = plot_feedback(fb["windows"], self.out / "demo_feedback.png")
        hard = read_json_dir(self.out / "analysis" / "hard_negatives")
        report = {
            "sample": asdict(gen) | {"late_extra_ms": list(gen.late_extra_ms)},
            "dashboard": self.session.cluster.url if self.session else None,
            "input_lines": input_lines,
            "curation": curation,
            "analysis": {
                "label_distribution": sorted(read_json_dir(self.out / "analysis" / "label_distribution"),
                                             key=lambda r: (r["dataset"], r["source"], r["day"], r["label"])),
                "hard_negatives": len(hard),
                "hard_negatives_top": sorted(hard, key=lambda r: -r["score"])[:5],
            },
            "scoring": {"users": opts.users, "ads": opts.ads, "candidates": opts.users * opts.ads,
                        "top_k": int(config.lookup_var("TOP_K") or 10),
                        "top_ads": top_ads(self.out), "streaming": streaming},
            "feedback": fb,
            "throughput": self.timings,
            "plot": str(plot),
            "elapsed_s": round(time.monotonic() - self.t0, 1),
        }
        (self.out / "demo_report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        return report

    def _stream_requests(self, bootstrap: str, job: SubmittedJob) -> dict[str, Any]:
        """Send requests while the streaming job runs; latency = result time - request time (Kafka)."""
        opts = self.opts
        rng = np.random.default_rng(opts.seed)
        users = [f"u{k:07d}" for k in range(opts.users)]
        ads = [f"a{k:06d}" for k in range(opts.ads)]

        def request(k: int) -> dict[str, Any]:
            return {"request_id": f"req-{k:06d}", "user_id": users[int(rng.integers(len(users)))],
                    "ad_id": ads[int(rng.integers(len(ads)))], "ad_position": int(rng.integers(1, 6)),
                    "event_time": int(time.time() * 1000)}

        def wait_for(n: int, timeout: float) -> bool:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if len(read_topic(bootstrap, "scored_requests")) >= n:  # records: offsets count commit markers too
                    return True
                self._check_running(job)
                time.sleep(0.5)
            return False

        produce(bootstrap, "score_requests", [request(0)])  # warm-up: the Python worker starts
        if not wait_for(1, 240):
            raise JobError("streaming scoring produced nothing within 240 s")
        self.say("streaming scoring is up; sending requests")
        sent_at = time.monotonic()
        batch = [request(k) for k in range(1, opts.requests + 1)]
        for start in range(0, len(batch), 20):
            produce(bootstrap, "score_requests", batch[start:start + 20])
            time.sleep(0.1)
        total = len(read_topic(bootstrap, "score_requests"))
        wait_for(total, 60)
        requests = {m.value["request_id"]: m.timestamp_ms for m in read_topic(bootstrap, "score_requests")}
        results = {m.value["request_id"]: m.timestamp_ms for m in read_topic(bootstrap, "scored_requests")}
        lat = np.array([results[r] - t for r, t in requests.items() if r in results and r != "req-000000"])
        return {"requests": len(requests), "scored": len(results), "send_seconds": round(time.monotonic() - sent_at, 1),
                "latency_ms_p50": float(np.percentile(lat, 50)) if len(lat) else None,
                "latency_ms_p95": float(np.percentile(lat, 95)) if len(lat) else None,
                "latency_ms_max": float(lat.max()) if len(lat) else None}

    def _check_running(self, job: SubmittedJob) -> None:
        assert self.session is not None
        state = self.session.cluster.rest(f"/jobs/{job.job_id}")["state"]
        if state == "FAILED":
            raise JobError(f"job {job.name} failed: {self.session.cluster.job_failure(job.job_id)}")


def run_demo(opts: DemoOptions, echo: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the whole demo and print its report; everything started is stopped again."""
    demo = Demo(opts, echo)
    try:
        report = demo.run()
    finally:
        demo.close()
    echo(format_report(report))
    return report
