"""Benchmark of batch scoring: the shipped sql/scoring/batch_top_ads.sql, from a million candidates to fifty.

The job scores every ad for every user with the CTR model (``CREATE MODEL`` + ``ML_PREDICT``, run
natively) and keeps the top K per user. It runs as the shipped project compiles it, on the
embedded mini-cluster, as ``sqlflow run`` runs it, over Kafka topics of users and ads filled by
the generator. Two measurements:

* ``compare``: ``--users`` x ``--ads`` candidates (a million), the job against the same job with a
  SQL expression over the same 16 features in the model's place (a logistic of their mean),
  interleaved, best of ``--repeat``: the cost of the model;
* ``scale``: the job alone over ``--scale`` candidates (10M and 50M; 500 ads, users to match):
  seconds, candidates/s, CPU and the JVM's peak memory (the mini-cluster, so the TaskManager,
  runs in the PyFlink gateway JVM: its peak resident set, and its used heap sampled every 0.25 s).
  Target: the cost per candidate flat as they grow, at most 10% more at 50M than at 10M.

Time is Flink's duration of the job (start-up included). Writes bench/scoring_results.json and
the "Scoring" section of bench/RESULTS.md.

Usage::

    python bench/bench_scoring.py [--quick] [--parts compare,scale] [--users 2000] [--ads 500]
                                  [--scale 10000000,50000000] [--repeat 1] [--no-results]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from benchlib import (HeapSampler, fmt_rate, gateway_pid, machine, save_json, tree_cpu_seconds,  # noqa: E402
                      write_section)
from sqlflow.compiler import compile_project  # noqa: E402
from sqlflow.config import load_config  # noqa: E402
from sqlflow.demo.report import read_json_dir  # noqa: E402
from sqlflow.flink.cluster import EmbeddedCluster  # noqa: E402
from sqlflow.flink.session import EmbeddedSession  # noqa: E402
from sqlflow.gen import GenConfig, iter_batches  # noqa: E402
from sqlflow.kafka.broker import KafkaBroker  # noqa: E402
from sqlflow.kafka.topics import produce  # noqa: E402

JOB = ROOT / "sql" / "scoring" / "batch_top_ads.sql"
JSON = ROOT / "bench" / "scoring_results.json"
TOP_K = 10  # the shipped project's vars.TOP_K


def split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments of a call's argument text."""
    args, depth, cur = [], 0, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    args.append("".join(cur).strip())
    return args


def _call_end(sql: str, open_at: int) -> int:
    """The index just past the parenthesis that closes the one at ``open_at``."""
    depth = 0
    for i in range(open_at, len(sql)):
        if sql[i] == "(":
            depth += 1
        elif sql[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    raise ValueError("unbalanced parentheses")


def baseline_sql(sql: str) -> str:
    """The job with its ``ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(<16 features>))`` replaced by the table
    ``t`` and the model's output column by a SQL expression of the same features; its model dropped."""
    m = re.search(r"\bML_PREDICT\s*\(", sql)
    if not m:
        raise SystemExit("batch_top_ads.sql no longer calls ML_PREDICT, which this benchmark replaces")
    end = _call_end(sql, m.end() - 1)
    args = split_args(sql[m.end():end - 1])
    table = next(a for a in args if a.upper().startswith("TABLE "))[6:].strip()
    model = next(a for a in args if a.upper().startswith("MODEL "))[6:].strip()
    desc = next(a for a in args if a.upper().startswith("DESCRIPTOR"))
    feats = split_args(desc[desc.index("(") + 1:desc.rindex(")")])
    create = re.search(rf"CREATE\s+(?:TEMPORARY\s+)?MODEL\s+{re.escape(model)}\b.*?;\n", sql, flags=re.S | re.I)
    outputs = re.search(r"OUTPUT\s*\(\s*(\w+)", create.group(0), flags=re.I) if create else None
    if not create or not outputs:
        raise SystemExit(f"batch_top_ads.sql declares no model {model} with an OUTPUT column")
    expr = "(1.0 / (1.0 + EXP(-(" + " + ".join(f"{f}" for f in feats) + f") / {len(feats)}.0)))"
    start = sql.rfind(";", 0, m.start()) + 1  # the statement that calls it
    stmt_end = sql.index(";", end)
    stmt = sql[start:m.start()] + table + sql[end:stmt_end]
    stmt = re.sub(rf"\b{re.escape(outputs.group(1))}\b", expr, stmt)
    out = sql[:start] + stmt + sql[stmt_end:]
    return out[:create.start()] + out[create.end():]


def load_dimensions(bootstrap: str, prefix: str, users: int, ads: int) -> None:
    """Users and ads from the generator (its first batch) into the topics of ``prefix``."""
    first = next(iter_batches(GenConfig(rows=1000, seed=1, users=users, ads=ads)))
    produce(bootstrap, prefix + "users", first.lines["users"])
    produce(bootstrap, prefix + "ads", first.lines["ads"])


class Scoring:
    """A broker, the shipped project's embedded session, and one run of the job."""

    def __init__(self, work: Path):
        self.work = work
        self.broker = KafkaBroker(heap="512m", log_level="WARN")
        self.session: EmbeddedSession | None = None
        self.pid = 0
        self.loaded: set[tuple[int, int]] = set()

    def start(self) -> None:
        self.broker.start()
        os.environ["KAFKA_BOOTSTRAP"] = self.broker.bootstrap
        self.config = load_config(ROOT)
        cluster = EmbeddedCluster(rest_port=0, slots=4, parallelism=1, flink_config=dict(self.config.flink))
        cluster.start()
        self.session = EmbeddedSession(config=self.config, cluster=cluster)
        self.pid = gateway_pid()

    def close(self) -> None:
        try:
            if self.session is not None:
                self.session.close()
        finally:
            self.broker.stop()

    def topics(self, users: int, ads: int) -> str:
        """The topic prefix holding ``users`` users and ``ads`` ads (filled once)."""
        prefix = f"bench_{users}x{ads}_"
        if (users, ads) not in self.loaded:
            t0 = time.time()
            self.broker.create_topics([prefix + "users", prefix + "ads"])
            load_dimensions(self.broker.bootstrap, prefix, users, ads)
            self.loaded.add((users, ads))
            print(f"  topics {prefix}*: {users:,} users, {ads:,} ads in {time.time() - t0:.0f} s", flush=True)
        return prefix

    def run(self, job_file: Path, users: int, ads: int, name: str, memory: bool = False) -> dict:
        """Run the job once over ``users`` x ``ads``; its duration, rate, CPU (and peak memory)."""
        prefix = self.topics(users, ads)
        out = self.work / name
        shutil.rmtree(out, ignore_errors=True)
        os.environ.update({"TOPIC_PREFIX": prefix, "OUT_DIR": str(out)})
        compiled = compile_project(config=self.config, paths=[job_file])  # ${VARS} are read now
        job = compiled.file_of(job_file)
        cpu0 = tree_cpu_seconds(self.pid)
        sampler = HeapSampler(self.pid) if memory else None
        if sampler:
            sampler.__enter__()
        try:
            job_id = self.session.submit(job, streaming=False).job_id
            self.session.cluster.wait_for_job(job_id, timeout=3600)
        finally:
            if sampler:
                sampler.__exit__(None, None, None)
        cpu = tree_cpu_seconds(self.pid) - cpu0
        seconds = self.session.cluster.rest(f"/jobs/{job_id}")["duration"] / 1000
        rows = read_json_dir(out / "scoring" / "top_ads")
        want = users * min(TOP_K, ads)
        if len(rows) != want:
            raise SystemExit(f"{name}: {len(rows):,} top rows written, expected {want:,}")
        shutil.rmtree(out, ignore_errors=True)
        n = users * ads
        rec = {"name": name, "users": users, "ads": ads, "candidates": n, "seconds": seconds, "rate": n / seconds,
               "us_per_candidate": seconds / n * 1e6, "cpu_seconds": cpu, "cpu_us_per_candidate": cpu / n * 1e6}
        if sampler:
            rec.update(peak_heap_bytes=sampler.peak_heap, peak_rss_bytes=sampler.peak_rss, heap_samples=sampler.samples)
        mem = (f", peak heap {sampler.peak_heap / 2**30:.2f} GiB, peak RSS {sampler.peak_rss / 2**30:.2f} GiB"
               if sampler else "")
        print(f"  {name:<9} {n:>11,} candidates in {seconds:6.1f} s = {fmt_rate(n / seconds):>6}/s, "
              f"CPU {cpu / n * 1e6:.2f} us/candidate{mem}", flush=True)
        return rec


def report(data: dict) -> str:
    m = data["machine"]
    lines = [
        f"`python bench/bench_scoring.py{' --quick' if data['quick'] else ''}` (`make bench-scoring`), {data['date']}, "
        f"{m.get('cpus')} cores ({m.get('cpu', '?')}), load average {data['load_start']:.1f} at the start and "
        f"{m['loadavg'][0]:.1f} at the end"
        + (" (**a shared, loaded machine: read the ratios, not the rates**)"
           if max(data["load_start"], m["loadavg"][0]) > 1.5 else "")
        + f"; {data['seconds'] / 60:.1f} minutes. `sql/scoring/batch_top_ads.sql` as the shipped project compiles "
        "it (the CTR model through `CREATE MODEL` + `ML_PREDICT`, natively; top "
        f"{TOP_K} per user by `ROW_NUMBER`), batch mode, parallelism 1, on the embedded mini-cluster as `sqlflow run` "
        "runs it, over Kafka topics of users and ads filled by the generator; candidates = users x ads. Time is "
        "Flink's duration of the job, start-up included; CPU is the JVM's (the mini-cluster runs in it).",
        "",
    ]
    if data["compare"]:
        c = data["compare"]
        lines += [f"Against the same job with a SQL expression of the same 16 features in the model's place, "
                  f"{c['candidates']:,} candidates, best of {c['repeat']} (interleaved):", "",
                  "| job | seconds | candidates/s |", "|---|---:|---:|",
                  f"| CTR model, native `ML_PREDICT` | {c['model']['seconds']:.1f} | {fmt_rate(c['model']['rate'])} |",
                  f"| baseline: SQL expression instead of the model | {c['baseline']['seconds']:.1f} | "
                  f"{fmt_rate(c['baseline']['rate'])} |", "",
                  f"Model / baseline throughput: **{c['ratio']:.2f}**. Every run (s): model "
                  f"{', '.join(f'{t:.1f}' for t in c['all']['model'])}; baseline "
                  f"{', '.join(f'{t:.1f}' for t in c['all']['baseline'])}.", ""]
    if data["scale"]:
        lines += ["Scale (the job alone; peak memory of the gateway JVM that holds the mini-cluster: resident set, "
                  "and used heap sampled every 0.25 s):", "",
                  "| candidates | users x ads | seconds | candidates/s | us per candidate | CPU us per candidate | "
                  "peak heap GiB | peak RSS GiB |", "|---:|---|---:|---:|---:|---:|---:|---:|"]
        for r in data["scale"]:
            lines.append(f"| {r['candidates']:,} | {r['users']:,} x {r['ads']} | {r['seconds']:.1f} | "
                         f"{fmt_rate(r['rate'])} | {r['us_per_candidate']:.3f} | {r['cpu_us_per_candidate']:.3f} | "
                         f"{r['peak_heap_bytes'] / 2**30:.2f} | {r['peak_rss_bytes'] / 2**30:.2f} |")
        if len(data["scale"]) > 1:
            a, b = data["scale"][0], data["scale"][-1]
            rise = b["us_per_candidate"] / a["us_per_candidate"] - 1
            cpu_rise = b["cpu_us_per_candidate"] / a["cpu_us_per_candidate"] - 1
            lines += ["", f"Cost per candidate from {a['candidates']:,} to {b['candidates']:,}: time {rise:+.0%}, "
                          f"CPU {cpu_rise:+.0%}. Target at most +10%: **{'met' if rise <= 0.10 else 'missed'}**."]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parts", default="compare,scale")
    ap.add_argument("--users", type=int, default=None, help="compare: users (default 2,000; quick 200)")
    ap.add_argument("--ads", type=int, default=500)
    ap.add_argument("--scale", default=None, help="scale: candidate counts (default 10M,50M; quick 200k,1M)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="small sizes, to check the script (figures indicative)")
    ap.add_argument("--no-results", action="store_true", help="Do not touch bench/RESULTS.md.")
    args = ap.parse_args()
    users = args.users or (200 if args.quick else 2000)
    scale = [int(float(x)) for x in (args.scale or ("200000,1000000" if args.quick else "10000000,50000000")).split(",")]
    parts = args.parts.split(",")
    t0 = time.time()
    load_start = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="bench_scoring_"))
    bench = Scoring(work)
    compare, scaled = None, []
    try:
        bench.start()
        if "compare" in parts:
            base_file = work / "batch_top_ads_baseline.sql"
            base_file.write_text(baseline_sql(JOB.read_text(encoding="utf-8")), encoding="utf-8")
            try:
                runs: dict[str, list[dict]] = {"baseline": [], "model": []}
                for _ in range(args.repeat):
                    for name, f in (("baseline", base_file), ("model", JOB)):
                        runs[name].append(bench.run(f, users, args.ads, name))
            finally:
                base_file.unlink(missing_ok=True)
            best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
            compare = {"candidates": users * args.ads, "repeat": args.repeat, **best,
                       "ratio": best["model"]["rate"] / best["baseline"]["rate"],
                       "all": {k: [r["seconds"] for r in v] for k, v in runs.items()}}
            print(f"  model/baseline throughput ratio: {compare['ratio']:.2f}", flush=True)
        if "scale" in parts:
            for n in scale:
                scaled.append(bench.run(JOB, max(n // args.ads, 1), args.ads, f"{n / 1e6:g}M", memory=True))
    finally:
        bench.close()
        shutil.rmtree(work, ignore_errors=True)
    data = {"quick": args.quick, "compare": compare, "scale": scaled, "seconds": time.time() - t0,
            "load_start": load_start, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine()}
    save_json(JSON, data)
    print(f"wrote bench/scoring_results.json ({data['seconds'] / 60:.1f} min)")
    if not args.no_results:
        write_section("Scoring", report(data))
        print("wrote the Scoring section of bench/RESULTS.md")


if __name__ == "__main__":
    main()
