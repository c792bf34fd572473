"""Benchmark of the settings that make model calls fast: the measurements behind sqlflow's defaults.

Every job is a SQL file of a throwaway sqlflow project run by sqlflow's own Flink layer on the
embedded mini-cluster (as ``sqlflow run`` runs it), with each setting passed to it explicitly, so
the comparison holds whatever defaults sqlflow gives jobs at the time. Parts:

* ``reuse``: ``pipeline.object-reuse`` off and on, for the plain SQL job (datagen -> SQL
  expression -> blackhole) and the native ``ML_PREDICT`` job, streaming (parallelism 1 and 2) and
  batch; also what Flink reports for a batch job that does not set it (its planner turns object
  reuse on for batch jobs of its own).
* ``native``: the native runtime's ``batch-size`` (rows per model run) for a small and a large
  model, batch and streaming, steady rows/s.
* ``python``: the Python runtime's ``python.fn-execution.arrow.batch.size`` and ``bundle.size``
  (and, streaming, ``bundle.time``), batch and streaming, steady rows/s.
* ``latency``: Kafka -> model -> Kafka at a fixed 5,000 requests/s (bench_streaming.py's harness):
  end-to-end p50/p99 of the native runtime by ``flush-interval`` and of the Python runtime by
  ``bundle.time``.

Each table marks the fastest setting; steady = the extra rows of a ``--factor`` times longer run
over its extra time (fixed costs cancel). Writes bench/defaults_results.json and the "Defaults:
the settings model calls run with" section of bench/RESULTS.md.

Usage::

    python bench/bench_defaults.py [--quick] [--parts reuse,native,python,latency] [--rows N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (MODELS, ROOT, SQL_EXPR, BenchProject, Compiled, Variant, compare,  # noqa: E402
                      datagen_table, fmt_rate, machine, model_ddl, predict_call, save_json, write_section)

JSON = ROOT / "bench" / "defaults_results.json"
SECTION = "Defaults: the settings model calls run with"
SINK = "CREATE TEMPORARY TABLE sink (s DOUBLE) WITH ('connector' = 'blackhole');\n"
REUSE = "pipeline.object-reuse"
ARROW, BUNDLE, BUNDLE_TIME = ("python.fn-execution.arrow.batch.size", "python.fn-execution.bundle.size",
                              "python.fn-execution.bundle.time")
#: Python runtime settings compared: (arrow batch, bundle size); the first is Flink's default.
PYTHON_SETTINGS = [(1000, 1000), (1000, 10000), (10000, 10000), (10000, 100000), (50000, 100000)]
BATCH_SIZES = [64, 256, 512, 1024, 4096]
FLUSH_MS = [1, 5, 10, 50]
BUNDLE_TIMES = [10, 50, 1000]


class Files:
    """The project's job files, written on first use."""

    def __init__(self, project: BenchProject):
        self.project = project
        self.compiled = Compiled(project)
        self.paths: dict[str, Path] = {}

    def sql(self) -> Path:
        return self._file("sql.sql", datagen_table() + SINK + f"INSERT INTO sink SELECT {SQL_EXPR} FROM src;\n")

    def model(self, layers: list[int], runtime: str = "native", **options: object) -> Path:
        path = self.project.model(layers)
        opts = {k.replace("_", "-"): str(v) for k, v in options.items()}
        name = (f"{runtime}_{'-'.join(map(str, layers))}" + "".join(f"_{k}{v}" for k, v in opts.items())
                ).replace("-", "_") + ".sql"
        sql = (datagen_table() + SINK + model_ddl("m", path, runtime="python" if runtime == "python" else None,
                                                  options=opts)
               + f"INSERT INTO sink SELECT CAST(probability AS DOUBLE) FROM {predict_call()};\n")
        return self._file(name, sql)

    def _file(self, name: str, sql: str) -> Path:
        if name not in self.paths:
            self.paths[name] = self.project.write(name, sql)
        return self.paths[name]


def best(results: dict[str, dict], key: str = "steady") -> str:
    vals = {k: v.get(key, float("nan")) for k, v in results.items()}
    vals = {k: v for k, v in vals.items() if v == v}
    return max(vals, key=vals.get) if vals else ""


def show(title: str, results: dict[str, dict]) -> None:
    top = best(results)
    print(f"  {title}: " + "  ".join(f"{k} {fmt_rate(v['rate'])}/{fmt_rate(v.get('steady'))}{' *' if k == top else ''}"
                                     for k, v in results.items()), flush=True)


def part_reuse(files: Files, rows: int, repeats: int, factor: int, warm: set) -> list[dict]:
    """Streaming jobs with object reuse off and on; batch jobs only to see what Flink makes of the setting
    (its planner turns object reuse on for every batch job of its own, whatever the job says)."""
    small = MODELS["16-64-32-1"]
    out = []
    for mode, par in (("streaming", 1), ("streaming", 2), ("batch", 1)):
        variants = {}
        for job, path in (("sql", files.sql()), ("native", files.model(small))):
            for reuse in ("false", "true"):
                variants[f"{job} reuse {reuse}"] = Variant(path, {"parallelism.default": str(par), REUSE: reuse})
        batch = mode == "batch"
        res = compare(files.compiled, variants, rows // 5 if batch else rows, not batch,
                      1 if batch else repeats, 1 if batch else factor, warm)
        show(f"reuse {mode} p{par}", res)
        out.append({"mode": mode, "parallelism": par, "results": res})
    return out


def part_native(files: Files, rows: int, repeats: int, factor: int, warm: set) -> list[dict]:
    out = []
    for model in ("16-64-32-1", "16-256-128-1"):
        n = rows if model == "16-64-32-1" else rows // 2
        for mode in ("batch", "streaming"):
            variants = {f"batch-size {b}": Variant(files.model(MODELS[model], batch_size=b),
                                                   {"parallelism.default": "1", REUSE: "true"})
                        for b in BATCH_SIZES}
            res = compare(files.compiled, variants, n, mode == "streaming", repeats, factor, warm)
            show(f"native {model} {mode}", res)
            out.append({"model": model, "mode": mode, "rows": n, "results": res})
    return out


def part_python(files: Files, rows: int, repeats: int, factor: int, warm: set) -> list[dict]:
    small = MODELS["16-64-32-1"]
    out = []
    for mode in ("batch", "streaming"):
        variants = {f"arrow {a} bundle {b}": Variant(files.model(small, "python"),
                                                     {"parallelism.default": "1", ARROW: str(a), BUNDLE: str(b)})
                    for a, b in PYTHON_SETTINGS}
        if mode == "streaming":
            for t in BUNDLE_TIMES[:-1]:
                variants[f"arrow 10000 bundle 100000 time {t}"] = Variant(
                    files.model(small, "python"),
                    {"parallelism.default": "1", ARROW: "10000", BUNDLE: "100000", BUNDLE_TIME: str(t)})
        res = compare(files.compiled, variants, rows, mode == "streaming", repeats, factor, warm)
        show(f"python {mode}", res)
        out.append({"mode": mode, "rows": rows, "results": res})
    return out


def part_latency(args: argparse.Namespace) -> list[dict]:
    """Latency at a fixed rate, by the native flush interval and the Python bundle time."""
    import bench_streaming

    ns = argparse.Namespace(rate=args.rate, seconds=args.latency_seconds, warmup=3, checkpoint_ms=1000,
                            service_batch=500, prefill=0, saturation_limit=0, as_is=False, quick=args.quick)
    bench = bench_streaming.Bench(ns)
    out = []
    try:
        bench.start()
        runs = [("native", {"flush-interval": f"{ms} ms"}, {}) for ms in FLUSH_MS]
        runs += [("python", {}, {BUNDLE_TIME: str(t)}) for t in BUNDLE_TIMES]
        for runtime, options, settings in runs:
            rec = bench.latency(runtime, model_options=options, settings=settings)
            rec["model_options"], rec["flink_settings"] = options, settings
            out.append(rec)
    finally:
        bench.close()
    return out


def table(results: dict[str, dict], label: str = "setting") -> list[str]:
    top = best(results)
    lines = [f"| {label} | rows/s per job | steady rows/s | JVM CPU us/row (steady) |", "|---|---:|---:|---:|"]
    for k, v in results.items():
        mark = " (fastest)" if k == top else ""
        lines.append(f"| {k}{mark} | {fmt_rate(v['rate'])} | {fmt_rate(v.get('steady'))} | "
                     f"{v.get('steady_cpu', float('nan')):.2f} |")
    return lines


def report(data: dict) -> str:
    m = data["machine"]
    lines = [
        f"`python bench/bench_defaults.py{' --quick' if data['quick'] else ''}` (`make bench-defaults`), "
        f"{data['date']}, {m.get('cpus')} cores, load average {data['load_start']:.1f} at the start and "
        f"{m['loadavg'][0]:.1f} at the end"
        + (" (**a shared, loaded machine: indicative only**)" if max(data["load_start"], m["loadavg"][0]) > 1.5 else "")
        + f"; {data['seconds'] / 60:.1f} minutes. Jobs: datagen (16 FLOAT columns) -> model or SQL expression -> "
        f"blackhole, {data['rows']:,} rows and a {data['factor']}x twin (steady), median of {data['repeats']}; each "
        "setting passed to the job explicitly.",
        "",
    ]
    for rec in data.get("reuse", []):
        flags = ", ".join(f"{k}: {v.get('object_reuse')}" for k, v in rec["results"].items())
        if rec["mode"] == "batch":
            lines += [f"`{REUSE}` in batch jobs: object reuse as Flink reports it for the job ({flags}): Flink's "
                      "planner turns it on for every batch job, whatever the job sets.", ""]
            continue
        lines += [f"`{REUSE}`, {rec['mode']}, parallelism {rec['parallelism']} (object reuse as Flink reports it "
                  f"for the job: {flags}):", "", *table(rec["results"]), ""]
    for rec in data.get("native", []):
        lines += [f"Native runtime `batch-size`, MLP {rec['model']}, {rec['mode']}, parallelism 1, object reuse on "
                  f"({rec['rows']:,} rows):", "", *table(rec["results"]), ""]
    for rec in data.get("python", []):
        lines += [f"Python runtime (`'runtime' = 'python'`), {rec['mode']}, parallelism 1 (arrow = "
                  f"`{ARROW}`, bundle = `{BUNDLE}`, time = `{BUNDLE_TIME}` ms; Flink's defaults are 1000, 1000, "
                  "1000):", "", *table(rec["results"]), ""]
    if data.get("latency"):
        lines += [f"Latency, Kafka -> model -> Kafka at {data['rate']:,.0f} requests/s for {data['latency_seconds']} s "
                  "(bench_streaming.py's harness, at-least-once sink):", "",
                  "| runtime | setting | p50 ms | p99 ms | scorer p50 / p99 ms |", "|---|---|---:|---:|---:|"]
        for r in data["latency"]:
            setting = ", ".join(f"`{k}` = {v}" for k, v in {**r["model_options"], **r["flink_settings"]}.items())
            hop = r.get("hops", {}).get("scorer", {})
            lines.append(f"| {r['scorer']} | {setting} | {r.get('p50', float('nan')):.0f} | "
                         f"{r.get('p99', float('nan')):.0f} | {hop.get('p50', float('nan')):.0f} / "
                         f"{hop.get('p99', float('nan')):.0f} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parts", default="reuse,native,python,latency")
    ap.add_argument("--rows", type=int, default=None, help="rows per job (default 1,000,000; quick 200,000)")
    ap.add_argument("--repeats", type=int, default=None, help="alternating samples (default 2; quick 1)")
    ap.add_argument("--factor", type=int, default=4)
    ap.add_argument("--rate", type=float, default=5000)
    ap.add_argument("--latency-seconds", type=float, default=None, help="per latency run (default 15; quick 8)")
    ap.add_argument("--quick", action="store_true", help="small runs, to check the script (figures indicative)")
    ap.add_argument("--no-results", action="store_true", help="leave bench/RESULTS.md alone")
    args = ap.parse_args()
    rows = args.rows or (200_000 if args.quick else 1_000_000)
    repeats = args.repeats or (1 if args.quick else 2)
    args.latency_seconds = args.latency_seconds or (8 if args.quick else 15)
    parts = args.parts.split(",")
    t0 = time.time()
    load_start = os.getloadavg()[0]
    data: dict = {"quick": args.quick, "rows": rows, "repeats": repeats, "factor": args.factor, "rate": args.rate,
                  "latency_seconds": args.latency_seconds, "load_start": load_start}
    if {"reuse", "native", "python"} & set(parts):
        project = BenchProject("defaults")
        try:
            project.start()
            files = Files(project)
            warm: set = set()
            if "reuse" in parts:
                data["reuse"] = part_reuse(files, rows, repeats, args.factor, warm)
            if "native" in parts:
                data["native"] = part_native(files, rows, repeats, args.factor, warm)
            if "python" in parts:
                data["python"] = part_python(files, rows, repeats, args.factor, warm)
        finally:
            project.close()
    if "latency" in parts:
        data["latency"] = part_latency(args)
    data.update(seconds=time.time() - t0, date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), machine=machine())
    save_json(JSON, data)
    print(f"wrote bench/defaults_results.json ({data['seconds'] / 60:.1f} min)")
    if not args.no_results:
        write_section(SECTION, report(data))
        print(f"wrote the '{SECTION}' section of bench/RESULTS.md")


if __name__ == "__main__":
    main()
