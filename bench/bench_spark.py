"""Benchmark of batch scoring against PySpark: sqlflow's native ML_PREDICT job and Spark's ``pandas_udf``.

The same model (MLP 16-64-32-1), the same rows (16 float32 columns in [-1, 1], made on both
sides the same cheap way: one random long per row, feature j its residue modulo the j-th of 16
primes, scaled), the same row count, the same cores:

* Flink: a SQL file of a throwaway sqlflow project, compiled and run by sqlflow's Flink layer on
  the embedded mini-cluster (what ``sqlflow run`` does): ``datagen -> features (a view) ->
  ML_PREDICT (CREATE MODEL ... 'provider' = 'onnx', native) -> blackhole``, batch mode,
  parallelism P; rows/s over Flink's duration of the job (start-up included);
* Spark: ``spark.range`` with a seeded ``rand`` ``-> features -> pandas_udf -> noop``, ``local[P]``, one
  onnxruntime session per Python worker (reused across jobs), Arrow batches of 10,000; rows/s over
  the action's time, JVM start and warm-up left out (``spark_worker.py``).

For P = 1 and 2, each side is warmed up, then the runs alternate (the order turning) ``repeats``
times, each paired with one ``--steady-factor`` times longer: per job and steady (the extra rows
over the extra time, so fixed costs cancel) rates, their medians and the ratio Flink / Spark.
Target: >= 1.5 per job and steady.

PySpark lives in its own virtual environment, ``$SQLFLOW_CACHE/spark-venv``, made here on first
use with pinned versions (Flink pins its own pyarrow and pandas, so the two cannot share one).
Writes bench/spark_results.json and the "Batch scoring against PySpark" section of
bench/RESULTS.md.

Usage::

    python bench/bench_spark.py [--rows N] [--repeats R] [--parallelism 1 2] [--quick] [--no-results]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (DEFAULTS, defaults_text, ROOT, BenchProject, Compiled, Variant, compare as compare_jobs, fmt_rate,  # noqa: E402
                      machine, model_ddl, predict_call, save_json, steady_rate, write_section)
from sqlflow.paths import cache_dir  # noqa: E402

JSON = ROOT / "bench" / "spark_results.json"
WORKER = ROOT / "bench" / "spark_worker.py"
SECTION = "Batch scoring against PySpark"
LAYERS = [16, 64, 32, 1]
# pyspark 4.3.0 wants pyarrow >= 18 (the project's lock has 16.1.0); numpy, pandas and
# onnxruntime are the lock's versions (plain onnxruntime for its onnxruntime-gpu), the
# rest what pip resolves for these on Python 3.11.
SPARK_PINS = [
    "pyspark==4.3.0", "py4j==0.10.9.9", "pyarrow==26.0.1", "numpy==2.1.3", "pandas==2.2.3",
    "onnxruntime==1.31.1", "flatbuffers==25.12.19", "packaging==26.4", "protobuf==7.36.2",
    "python-dateutil==4.0.0", "pytz==2026.6", "tzdata==2026.6",
]
ARROW_BATCH = 10000
#: Settings passed to the Flink job: those proposed as sqlflow's defaults for batch jobs with native models.
SETTINGS = DEFAULTS[("native", "batch")]


def spark_venv() -> Path:
    return cache_dir() / "spark-venv"


def spark_python() -> Path:
    """The Spark venv's interpreter; the venv is made (minutes: pyspark is a 450 MB
    source package) when missing or made with other pins."""
    venv = spark_venv()
    python = venv / "bin" / "python"
    stamp = venv / ".installed"
    want = "\n".join(SPARK_PINS) + "\n"
    if python.exists() and stamp.exists() and stamp.read_text() == want:
        return python
    t0 = time.monotonic()
    print(f"making the PySpark venv {venv} (takes minutes): {' '.join(SPARK_PINS)}", flush=True)
    stamp.unlink(missing_ok=True)
    base = getattr(sys, "_base_executable", sys.executable)  # not this venv's interpreter
    subprocess.run([base, "-m", "venv", "--clear", str(venv)], check=True)
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", *SPARK_PINS]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PIP_NO_INPUT": "1"})
    for line in proc.stdout:
        print(f"  [{time.monotonic() - t0:5.0f} s] pip: {line.rstrip()}", flush=True)
    if proc.wait() != 0:
        raise SystemExit(f"error: pip install into {venv} failed (exit {proc.returncode})")
    stamp.write_text(want)
    print(f"PySpark venv ready in {time.monotonic() - t0:.0f} s", flush=True)
    return python


class SparkWorker:
    """``spark_worker.py --serve`` in the Spark venv: one Spark session, runs on demand."""

    def __init__(self, python: Path, parallelism: int, model: Path, log: Path) -> None:
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log
        self.log = log.open("a")
        self.log.write(f"\n=== local[{parallelism}] {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        self.log.flush()
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "SPARK_HOME")}
        self.proc = subprocess.Popen(
            [str(python), str(WORKER), "--parallelism", str(parallelism), "--model", str(model),
             "--arrow-batch", str(ARROW_BATCH), "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, env=env)
        self.info = self._reply()

    def _reply(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self.log.flush()
            tail = "".join(self.log_path.read_text().splitlines(keepends=True)[-30:])
            raise SystemExit(f"error: the Spark worker stopped (exit {self.proc.returncode}); "
                             f"end of {self.log_path}:\n{tail}")
        return json.loads(line)

    def seconds(self, rows: int) -> float:
        self.proc.stdin.write(f"{rows}\n")
        self.proc.stdin.flush()
        return self._reply()["seconds"]

    def close(self) -> None:
        try:
            self.proc.stdin.write("\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.log.close()


#: Both sides make the same rows the same cheap way: one random long ``r`` per row, and feature j
#: = ``r mod P[j]`` scaled into [-1, 1] (spark_worker.py holds the same primes). Flink's datagen with
#: 16 random columns costs far more per row than Spark's ``rand`` (it dominates a profile of the job).
PRIMES = [2003, 2011, 2017, 2027, 2029, 2039, 2053, 2063, 2069, 2081, 2083, 2087, 2089, 2099, 2111, 2113]


def flink_sql(model: str) -> str:
    feats = ",\n    ".join(f"CAST(CAST(MOD(r, {p}) AS DOUBLE) / {p / 2} - 1 AS FLOAT) AS f{j}"
                          for j, p in enumerate(PRIMES))
    return ("CREATE TEMPORARY TABLE seeds (r BIGINT) WITH (\n    'connector' = 'datagen',\n"
            "    'number-of-rows' = '${BENCH_ROWS}',\n    'rows-per-second' = '1000000000',\n"
            "    'fields.r.min' = '0',\n    'fields.r.max' = '4611686018427387903'\n);\n"
            f"CREATE TEMPORARY VIEW src AS\nSELECT\n    {feats}\nFROM seeds;\n"
            "CREATE TEMPORARY TABLE sink (s DOUBLE) WITH ('connector' = 'blackhole');\n"
            + model_ddl("m", model) + f"INSERT INTO sink SELECT CAST(probability AS DOUBLE) FROM {predict_call()};\n")


def compare(parallelism: int, rows: int, repeats: int, factor: int, compiled: Compiled, job: Path,
            python: Path, model: Path, as_is: bool) -> list[dict]:
    """Flink and Spark at one parallelism, interleaved; one record each."""
    settings = {"parallelism.default": str(parallelism), **({} if as_is else SETTINGS)}
    spark = SparkWorker(python, parallelism, model, cache_dir() / "spark-worker.log")
    warm: set = set()
    try:
        spark.seconds(rows)  # warm up
        rates: dict[str, list[float]] = {"flink": [], "spark": []}
        steady: dict[str, list[float]] = {"flink": [], "spark": []}
        for i in range(repeats):
            for side in (("flink", "spark") if i % 2 == 0 else ("spark", "flink")):
                if side == "flink":
                    r = compare_jobs(compiled, {"flink": Variant(job, settings)}, rows, False, 1, factor, warm)["flink"]
                    rates["flink"].append(r["rate"])
                    if factor > 1:
                        steady["flink"].append(r["steady"])
                else:
                    small = spark.seconds(rows)
                    rates["spark"].append(rows / small)
                    if factor > 1:
                        steady["spark"].append(steady_rate(rows, small, rows * factor, spark.seconds(rows * factor)))
        info = spark.info
    finally:
        spark.close()
    out = []
    for side in ("flink", "spark"):
        rec = {"system": side, "parallelism": parallelism, "rows_per_s": statistics.median(rates[side]),
               "all": rates[side], **({"spark": info} if side == "spark" else {"settings": settings})}
        if factor > 1:
            rec.update(steady_rows_per_s=statistics.median(steady[side]), steady_all=steady[side])
        out.append(rec)
    f, s = out
    f["ratio_vs_spark"] = f["rows_per_s"] / s["rows_per_s"]
    if factor > 1:
        f["steady_ratio_vs_spark"] = f["steady_rows_per_s"] / s["steady_rows_per_s"]
    print(f"  p{parallelism}: Flink native {fmt_rate(f['rows_per_s'])}/{fmt_rate(f.get('steady_rows_per_s'))}, "
          f"Spark pandas_udf {fmt_rate(s['rows_per_s'])}/{fmt_rate(s.get('steady_rows_per_s'))} (per job / steady); "
          f"Flink / Spark {f['ratio_vs_spark']:.2f} / {f.get('steady_ratio_vs_spark', float('nan')):.2f}", flush=True)
    return out


def report(data: dict) -> str:
    m = data["machine"]
    info = next(r["spark"] for r in data["runs"] if "spark" in r)
    lines = [
        f"`python bench/bench_spark.py{' --quick' if data['quick'] else ''}` (`make bench-spark`), {data['date']}, "
        f"{m.get('cpus')} cores ({m.get('cpu', '?')}), load average {data['load_start']:.1f} at the start and "
        f"{m['loadavg'][0]:.1f} at the end"
        + (" (**a shared, loaded machine: read the ratios, not the rates**)"
           if max(data["load_start"], m["loadavg"][0]) > 1.5 else "")
        + f"; {data['seconds'] / 60:.1f} minutes. Same model (MLP 16-64-32-1), same rows (16 float columns in [-1, 1] "
        "made the same cheap way on both sides: a random long per row, feature j its residue modulo the j-th of 16 "
        f"primes, scaled; {data['rows']:,} per job and a {data['steady_factor']}x twin for the steady rate), same cores. "
        "*Flink*: a sqlflow project's SQL file (`CREATE MODEL ... 'provider' = 'onnx'` + `ML_PREDICT`, native), "
        "compiled and run by sqlflow on the embedded mini-cluster, datagen -> model -> blackhole, batch mode, "
        "rows over Flink's duration of the job (start-up included); "
        + ("no settings passed (sqlflow's defaults)" if data["as_is"] else
           "sqlflow's defaults passed explicitly: " + (defaults_text([("native batch", SETTINGS)])))
        + ". "
        f"*Spark*: PySpark {info.get('pyspark')} `pandas_udf` (pyarrow {info.get('pyarrow')}, onnxruntime "
        f"{info.get('onnxruntime')}, one session per Python worker, Arrow batches of {ARROW_BATCH:,}), `range` + "
        "`rand` -> UDF -> `noop`, `local[P]`, rows over the action's time (the session started and warmed up "
        f"before); its scores match the model (max |diff| {info.get('max_abs_diff_vs_model', float('nan')):.1e}). "
        f"Median of {data['repeats']} alternating runs.",
        "",
        "| parallelism | Flink per job | Spark per job | Flink / Spark per job | Flink steady | Spark steady | "
        "Flink / Spark steady |", "|---|---:|---:|---:|---:|---:|---:|",
    ]
    by_par: dict[int, dict] = {}
    for r in data["runs"]:
        by_par.setdefault(r["parallelism"], {})[r["system"]] = r
    ok = True
    for p, d in sorted(by_par.items()):
        f, s = d["flink"], d["spark"]
        ok = ok and f["ratio_vs_spark"] >= 1.5 and f.get("steady_ratio_vs_spark", 0) >= 1.5
        lines.append(f"| {p} | {fmt_rate(f['rows_per_s'])} | {fmt_rate(s['rows_per_s'])} | "
                     f"**{f['ratio_vs_spark']:.2f}** | {fmt_rate(f.get('steady_rows_per_s'))} | "
                     f"{fmt_rate(s.get('steady_rows_per_s'))} | **{f.get('steady_ratio_vs_spark', float('nan')):.2f}** |")
    lines += ["", f"Target Flink / Spark >= 1.5, per job and steady: **{'met' if ok else 'missed'}**.", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=None, help="rows per run (default 2,000,000; quick 200,000)")
    ap.add_argument("--repeats", type=int, default=None, help="alternating runs (default 3; quick 1)")
    ap.add_argument("--parallelism", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--steady-factor", type=int, default=4,
                    help="also run each job this many times longer, for the steady rate (1: off)")
    ap.add_argument("--explicit", dest="as_is", action="store_false",
                    help="pass sqlflow's defaults to the Flink job as settings (by default it gets them from sqlflow)")
    ap.add_argument("--quick", action="store_true", help="small runs, to check the script (figures indicative)")
    ap.add_argument("--no-results", action="store_true", help="leave bench/RESULTS.md alone")
    args = ap.parse_args()
    rows = args.rows or (200_000 if args.quick else 2_000_000)
    repeats = args.repeats or (1 if args.quick else 3)

    python = spark_python()
    t0 = time.time()
    load_start = os.getloadavg()[0]
    print(f"spark  rows={rows:,} per run, median of {repeats} alternating runs after a warm-up; Flink: native "
          f"ML_PREDICT job, batch; Spark: pandas_udf; Arrow batch {ARROW_BATCH}", flush=True)
    runs = []
    project = BenchProject("spark")
    try:
        model_rel = project.model(LAYERS)
        job = project.write("score.sql", flink_sql(model_rel))
        project.start()
        compiled = Compiled(project)
        for par in args.parallelism:
            runs += compare(par, rows, repeats, args.steady_factor, compiled, job, python,
                            project.root / model_rel, args.as_is)
    finally:
        project.close()
    data = {"quick": args.quick, "rows": rows, "repeats": repeats, "steady_factor": args.steady_factor,
            "as_is": args.as_is, "model": LAYERS, "arrow_batch": ARROW_BATCH, "runs": runs, "spark_venv": SPARK_PINS,
            "seconds": time.time() - t0, "load_start": load_start,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine()}
    save_json(JSON, data)
    print(f"wrote bench/spark_results.json ({data['seconds'] / 60:.1f} min)")
    if not args.no_results:
        write_section(SECTION, report(data))
        print(f"wrote the '{SECTION}' section of bench/RESULTS.md")


if __name__ == "__main__":
    main()
