"""``sqlflow plan`` and ``sqlflow run`` on the shipped project: this tree against an earlier revision.

Both run as a user runs them (``python -m sqlflow ...`` in a child process), alternating old and new
in each round, so machine noise hits both alike:

- plan: ``sqlflow plan --target local`` (load, compile, plan every job, ask the target what runs);
- run: ``sqlflow run sql/`` until every shipped job has been started on the embedded mini-cluster
  (the part between the command and Flink: checking, reading, lowering and submitting each file),
  against a real Kafka broker with the topics the jobs read; the run is then interrupted.

The earlier revision is taken from git (``--base``, default: the commit before the back half was
rebuilt on the compiled project) into a temporary folder: its package and its shipped project (the
jobs moved from a Python UDF to ``CREATE MODEL`` + ``ML_PREDICT`` since), each run on its own.
Writes the "Back half" section of bench/RESULTS.md and bench/back_half_results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlflow.demo.topics import PIPELINE_TOPICS, SOURCE_TOPICS  # noqa: E402
from sqlflow.kafka.broker import KafkaBroker  # noqa: E402

from benchlib import checkout, write_section  # noqa: E402

JSON_OUT = ROOT / "bench" / "back_half_results.json"
BASE = "f61dc57"


PROJECT = ("sqlflow", "sql", "udfs", "models", "sqlflow.yaml")


def timed_plan(package_root: Path, env: dict[str, str]) -> float:
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "sqlflow", "plan", "--target", "local", "--project",
                           str(package_root)], cwd=package_root, env={**env, "PYTHONPATH": str(package_root)}, capture_output=True, text=True,
                          timeout=600)
    took = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"plan failed ({package_root}):\n{proc.stderr[-2000:]}")
    return took


def timed_run(package_root: Path, env: dict[str, str], jobs: int) -> float:
    """Seconds from starting ``sqlflow run sql/`` until it printed 'started' for every job."""
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "sqlflow", "run", "sql"], cwd=package_root,
                            env={**env, "PYTHONPATH": str(package_root), "SQLFLOW_REST_PORT": "0"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    started = 0
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("started "):
                started += 1
                if started == jobs:
                    return time.monotonic() - start
        raise SystemExit(f"run ended after {started} of {jobs} jobs ({package_root}):\n"
                         f"{proc.stderr.read()[-2000:] if proc.stderr else ''}")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=60)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)



def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default=BASE, help="The git revision to compare with.")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-results", action="store_true", help="Do not touch bench/RESULTS.md.")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_back_half_"))
    old_root = checkout(args.base, work / "old", PROJECT)
    jobs = {root: len(sorted((root / "sql").rglob("*.sql"))) for root in (old_root, ROOT)}
    broker = KafkaBroker(heap="384m", log_level="WARN")
    broker.start()
    times: dict[str, list[float]] = {"plan old": [], "plan new": [], "run old": [], "run new": []}
    try:
        broker.create_topics([f"bh_{t}" for t in (*SOURCE_TOPICS, *PIPELINE_TOPICS)])
        env = {**os.environ, "KAFKA_BOOTSTRAP": broker.bootstrap, "TOPIC_PREFIX": "bh_",
               "OUT_DIR": str(work / "out")}
        for r in range(args.rounds):
            for name, root in (("old", old_root), ("new", ROOT)):
                times[f"plan {name}"].append(timed_plan(root, env))
                times[f"run {name}"].append(timed_run(root, env, jobs[root]))
            print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in times.items()), flush=True)
    finally:
        broker.stop()
    med = {k: statistics.median(v) for k, v in times.items()}
    load = os.getloadavg()[0]
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                         timeout=30).stdout.strip()
    JSON_OUT.write_text(json.dumps({"base": args.base, "head": rev, "rounds": args.rounds, "jobs": jobs[ROOT],
                                    "seconds": times, "median": med, "load_average": load}, indent=2) + "\n")
    rows = [f"| `sqlflow plan --target local` | {med['plan old']:.1f} | {med['plan new']:.1f} | "
            f"{med['plan new'] / med['plan old']:.2f} |",
            f"| `sqlflow run sql/` until all {jobs[ROOT]} jobs started | {med['run old']:.1f} | {med['run new']:.1f} | "
            f"{med['run new'] / med['run old']:.2f} |"]
    text = "\n".join([
        "## Back half: plan and run on the shipped project",
        "",
        f"`python bench/bench_back_half.py`: this tree ({rev}) against {args.base} (before the back half was "
        f"rebuilt on the compiled project), each with its own shipped project, {args.rounds} alternating rounds, "
        f"median seconds; each command in "
        f"a child process as a user runs it; `run` against a real Kafka broker, timed until every job is "
        f"started. 1-minute load average at the end: {load:.1f} (2 cores).",
        "",
        "| command | before (s) | now (s) | now / before |",
        "|---|---:|---:|---:|",
        *rows,
        "",
        "Every run (s): " + "; ".join(f"{k} " + ", ".join(f"{x:.1f}" for x in v) for k, v in times.items()) + ".",
    ])
    print(text)
    if not args.no_results:
        write_section("Back half: plan and run on the shipped project", text)


if __name__ == "__main__":
    main()
