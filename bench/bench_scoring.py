"""Benchmark of batch scoring: sql/scoring/batch_top_ads.sql over a million candidates.

The job scores every ad for every user with the CTR model (the ONNX UDF) and
keeps the top K per user. The baseline, measured in the same run on the same
mini-cluster and data, is the same job with the model call replaced by a SQL
expression over the same 16 features (a logistic of their mean), so the ratio
is the cost of running the model through Python. Throughput is candidates per
second of the job's own duration (from Flink's REST API), best of ``--repeat``.

Usage::

    python bench/bench_scoring.py [--users 2000] [--ads 500] [--repeat 1] [--no-results]

Prints the numbers and replaces the "Scoring" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlflow.config import load_config  # noqa: E402
from sqlflow.demo.report import read_json_dir  # noqa: E402
from sqlflow.kafka.topics import produce  # noqa: E402
from sqlflow.gen import GenConfig, iter_batches  # noqa: E402
from sqlflow.kafka.broker import KafkaBroker  # noqa: E402
from sqlflow.compiler import compile_project  # noqa: E402
from sqlflow.flink.cluster import EmbeddedCluster  # noqa: E402
from sqlflow.flink.env import stage_python_files  # noqa: E402
from sqlflow.flink.job import run_job  # noqa: E402

JOB = ROOT / "sql" / "scoring" / "batch_top_ads.sql"
RESULTS = ROOT / "bench" / "RESULTS.md"
PREFIX = "bench_"


def split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments of a call's argument text."""
    args, depth, cur = [], 0, []
    for ch in text:
        if ch == "(" or ch == "[":
            depth += 1
        elif ch == ")" or ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    args.append("".join(cur).strip())
    return args


def baseline_sql(sql: str) -> str:
    """The job with ``ctr_score(<16 features>)`` replaced by a SQL expression of the same features."""
    m = re.search(r"ctr_score\((.*?)\n\s*\) AS score", sql, flags=re.S)
    if not m:
        raise SystemExit("batch_top_ads.sql no longer has the ctr_score(...) AS score call this benchmark replaces")
    feats = split_args(m.group(1))
    expr = "1.0 / (1.0 + EXP(-(" + " + ".join(f"({f})" for f in feats) + f") / {len(feats)}.0))"
    out = sql[:m.start()] + expr + " AS score" + sql[m.end():]
    return re.sub(r"CREATE TEMPORARY FUNCTION ctr_score[^;]*;\n", "", out)


def load_dimensions(bootstrap: str, users: int, ads: int) -> None:
    """Users and ads from the generator (its first batch) into the bench topics."""
    first = next(iter_batches(GenConfig(rows=1000, seed=1, users=users, ads=ads)))
    produce(bootstrap, PREFIX + "users", first.lines["users"])
    produce(bootstrap, PREFIX + "ads", first.lines["ads"])


def run_once(cluster: EmbeddedCluster, job_file: Path, config, pyfiles: Path, out: Path) -> float:
    """Run the job once; returns its duration in seconds as Flink measured it."""
    os.environ["OUT_DIR"] = str(out)
    compiled = compile_project(config=config, paths=[job_file])  # ${OUT_DIR} is read now
    job = compiled.file_of(job_file)
    job_id = run_job(cluster.table_env(streaming=False, python_files=[pyfiles]), job)
    cluster.wait_for_job(job_id, timeout=1800)
    return cluster.rest(f"/jobs/{job_id}")["duration"] / 1000


def write_results(text: str, path: Path = RESULTS) -> None:
    """Replace (or append) the "## Scoring" section of RESULTS.md, leaving the others alone."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    section = re.compile(r"^## Scoring\n.*?(?=^## |\Z)", re.S | re.M)
    block = text.rstrip("\n") + "\n\n"
    new = section.sub(lambda _: block, old) if section.search(old) else old.rstrip("\n") + "\n\n" + block
    new = new.rstrip("\n") + "\n"
    path.write_text(new, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=2000)
    ap.add_argument("--ads", type=int, default=500)
    ap.add_argument("--top-k", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-results", action="store_true", help="Do not touch bench/RESULTS.md.")
    args = ap.parse_args()
    candidates = args.users * args.ads
    work = Path(tempfile.mkdtemp(prefix="bench_scoring_"))
    broker = KafkaBroker(heap="512m", log_level="WARN")
    broker.start()
    cluster = EmbeddedCluster(rest_port=0, slots=4, parallelism=1)
    cluster.start()
    try:
        broker.create_topics([PREFIX + "users", PREFIX + "ads"])
        load_dimensions(broker.bootstrap, args.users, args.ads)
        os.environ.update({"KAFKA_BOOTSTRAP": broker.bootstrap, "TOPIC_PREFIX": PREFIX, "TOP_K": str(args.top_k)})
        config = load_config(ROOT)
        pyfiles = stage_python_files(ROOT, config.udfs_dir, config.models_dir, work / "pyfiles")
        base_file = work / "batch_top_ads_baseline.sql"
        base_file.write_text(baseline_sql(JOB.read_text(encoding="utf-8")), encoding="utf-8")
        try:
            times: dict[str, list[float]] = {"model": [], "baseline": []}
            for _ in range(args.repeat):
                for name, f in (("baseline", base_file), ("model", JOB)):
                    t = run_once(cluster, f, config, pyfiles, work / name)
                    times[name].append(t)
                    rows = read_json_dir(work / name / "scoring" / "top_ads")
                    assert len(rows) == args.users * min(args.top_k, args.ads), (name, len(rows))
                    print(f"{name:<9} {candidates} candidates in {t:6.1f} s = {candidates / t:10.0f} rows/s",
                          flush=True)
        finally:
            base_file.unlink(missing_ok=True)
    finally:
        cluster.close()
        broker.stop()
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0]
    model, base = min(times["model"]), min(times["baseline"])
    ratio = (candidates / model) / (candidates / base)
    print(f"model/baseline throughput ratio: {ratio:.2f}")
    text = (
        "## Scoring\n\n"
        f"`python bench/bench_scoring.py --users {args.users} --ads {args.ads}`: "
        f"sql/scoring/batch_top_ads.sql over {candidates:,} candidates ({args.users:,} users x {args.ads:,} ads, "
        f"top {args.top_k} per user kept), batch mode, parallelism 1, embedded mini-cluster, "
        f"{platform.machine()} with {os.cpu_count()} cores, CPU execution provider. "
        f"Time is the Flink job's duration (start-up included), best of {args.repeat}; the machine's "
        f"1-minute load average at the end was {load:.1f} (it is shared), so only the same-run ratio means much.\n\n"
        "| job | seconds | candidates/s |\n|---|---:|---:|\n"
        f"| CTR model UDF (ONNX, pandas batches) | {model:.1f} | {candidates / model:,.0f} |\n"
        f"| baseline: same job, SQL expression instead of the model | {base:.1f} | {candidates / base:,.0f} |\n\n"
        f"Model / baseline throughput: {ratio:.2f}. Every run (s): model "
        f"{', '.join(f'{t:.1f}' for t in times['model'])}; baseline "
        f"{', '.join(f'{t:.1f}' for t in times['baseline'])}. "
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime())}.\n"
    )
    if not args.no_results:
        write_results(text)
        print(f"wrote the Scoring section of {RESULTS}")


if __name__ == "__main__":
    main()
