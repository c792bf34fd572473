"""Benchmark of the Flink SQL job with the ONNX model UDF against PySpark's ``pandas_udf``.

The same model (MLP 16-64-32-1, ``bench_udf.py``'s), the same data (16 DOUBLE
columns uniform in [-1, 1]), the same row count and Arrow batch size (10,000):

* Flink: ``datagen -> score_cols(f0..f15) -> blackhole``, batch mode, parallelism
  P, Python UDFs in ``process`` and in ``thread`` execution mode; rows/s over the
  job's net runtime (``bench_udf._flink_job``).
* Spark: ``spark.range`` with seeded ``rand`` columns ``-> pandas_udf -> noop``,
  ``local[P]``, one onnxruntime session per Python worker; rows/s over the
  action's time, JVM start and warm-up left out (``spark_worker.py``).

For P = 1 and 2: each side is warmed up once, then the Flink runs and the Spark
run alternate ``repeats`` times (the machine is noisy, so only same-run ratios
mean much); the medians and the ratio Flink / Spark are printed, per job (rows
over the whole job) and steady (each run is paired with one ``--steady-factor``
times longer: the extra rows over the extra time, so fixed costs per job
cancel; Flink starts a Python worker for every job, Spark reuses its workers). The target is a
ratio above 1 (the issue's reference point on this kind of machine: PySpark 4.3
``pandas_udf``, 243k rows/s).

PySpark lives in its own virtual environment, ``.cache/spark-venv``, made here on
first use with pinned versions (Flink pins its own pyarrow and pandas, so the two
cannot share one). Results go to ``bench/spark_results.json``.

Usage::

    python bench/bench_spark.py [--rows N] [--repeats R] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_udf  # noqa: E402
from bench_udf import COLS_ARG, ROOT, SMALL, UDF_MODULE, build_mlp, machine  # noqa: E402

RESULTS = ROOT / "bench" / "spark_results.json"
WORKER = ROOT / "bench" / "spark_worker.py"
SPARK_VENV = ROOT / ".cache" / "spark-venv"
SPARK_LOG = ROOT / ".cache" / "spark-worker.log"
# pyspark 4.3.0 wants pyarrow >= 18 (the project's lock has 16.1.0); numpy, pandas and
# onnxruntime are the lock's versions (plain onnxruntime for its onnxruntime-gpu), the
# rest what pip resolves for these on Python 3.11.
SPARK_PINS = [
    "pyspark==4.3.0", "py4j==0.10.9.9", "pyarrow==26.0.1", "numpy==2.1.3", "pandas==2.2.3",
    "onnxruntime==1.31.1", "flatbuffers==25.12.19", "packaging==26.4", "protobuf==7.36.2",
    "python-dateutil==4.0.0", "pytz==2026.6", "tzdata==2026.6",
]
ARROW_BATCH = 10000
BUNDLE = 100000


def spark_python() -> Path:
    """The Spark venv's interpreter; the venv is made (minutes: pyspark is a 450 MB
    source package) when missing or made with other pins."""
    python = SPARK_VENV / "bin" / "python"
    stamp = SPARK_VENV / ".installed"
    want = "\n".join(SPARK_PINS) + "\n"
    if python.exists() and stamp.exists() and stamp.read_text() == want:
        return python
    t0 = time.monotonic()
    print(f"making the PySpark venv {SPARK_VENV.relative_to(ROOT)} (takes minutes): "
          f"{' '.join(SPARK_PINS)}", flush=True)
    stamp.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(SPARK_VENV)], check=True)
    # Base interpreter, not this venv's: ``python -m venv`` from inside a venv uses its base.
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check",
           "--progress-bar", "off", *SPARK_PINS]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PIP_NO_INPUT": "1"})
    for line in proc.stdout:
        print(f"  [{time.monotonic() - t0:5.0f} s] pip: {line.rstrip()}", flush=True)
    if proc.wait() != 0:
        raise SystemExit(f"error: pip install into {SPARK_VENV} failed (exit {proc.returncode})")
    stamp.write_text(want)
    print(f"PySpark venv ready in {time.monotonic() - t0:.0f} s", flush=True)
    return python


class SparkWorker:
    """``spark_worker.py --serve`` in the Spark venv: one Spark session, runs on demand."""

    def __init__(self, python: Path, parallelism: int, model: Path) -> None:
        SPARK_LOG.parent.mkdir(parents=True, exist_ok=True)
        self.log = SPARK_LOG.open("a")
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
            tail = "".join(SPARK_LOG.read_text().splitlines(keepends=True)[-30:])
            raise SystemExit(f"error: the Spark worker stopped (exit {self.proc.returncode}); "
                             f"end of {SPARK_LOG}:\n{tail}")
        return json.loads(line)

    def run(self, rows: int) -> float:
        self.proc.stdin.write(f"{rows}\n")
        self.proc.stdin.flush()
        return self._reply()["rows_per_s"]

    def close(self) -> None:
        try:
            self.proc.stdin.write("\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def flink_project(workdir: Path) -> Path:
    """``bench_udf``'s model and UDF module under ``workdir``; the model's path."""
    model = build_mlp(workdir / "mlp16.onnx", SMALL, seed=0, version="bench")
    pkg = workdir / "bench_udfs"
    pkg.mkdir(exist_ok=True)
    (pkg / "models.py").write_text(UDF_MODULE.format(model=str(model)))
    sys.path.insert(0, str(workdir))
    return model


def compare(parallelism: int, rows: int, repeats: int, workdir: Path, model: Path,
            python: Path, factor: int = 4) -> list[dict]:
    """Flink (process, thread) and Spark at one parallelism, interleaved; one record each.

    Each run is a pair: ``rows`` and ``factor`` times as many; the steady rate is the
    extra rows over the extra time, so fixed costs per job cancel (Flink starts its
    Python worker for every job, Spark reuses its workers across jobs).
    """
    call = f"score_cols({COLS_ARG})"
    envs = {mode: bench_udf._flink_env(False, parallelism, workdir, execution_mode=mode,
                                       arrow_batch_size=ARROW_BATCH, bundle_size=BUNDLE)
            for mode in ("process", "thread")}
    spark = SparkWorker(python, parallelism, model)
    try:
        def flink_run(env):
            return lambda n: bench_udf._flink_job(env, n, call)

        runners = {f"flink batch {mode}": flink_run(env) for mode, env in envs.items()}
        runners["spark pandas_udf"] = spark.run
        for fn in runners.values():
            fn(rows)  # warm up
        rates: dict[str, list[float]] = {k: [] for k in runners}
        steady: dict[str, list[float]] = {k: [] for k in runners}
        names = list(runners)
        for i in range(repeats):  # alternate, turning the order, so drift hits all alike
            for name in names[i % len(names):] + names[:i % len(names)]:
                small = runners[name](rows)
                rates[name].append(small)
                if factor > 1:
                    big = runners[name](rows * factor)
                    steady[name].append(bench_udf.steady_rate(rows, small, rows * factor, big))
        info = spark.info
    finally:
        spark.close()
    spark_rate = statistics.median(rates["spark pandas_udf"])
    spark_steady = statistics.median(steady["spark pandas_udf"]) if factor > 1 else None
    out = []
    for name, v in rates.items():
        rec = {"system": name.split()[0], "label": name, "parallelism": parallelism,
               "rows_per_s": statistics.median(v),
               "ratio_vs_spark": statistics.median(v) / spark_rate, "all": v,
               **({"spark": info} if name.startswith("spark") else {})}
        if spark_steady:
            s = statistics.median(steady[name])
            rec.update(steady_rows_per_s=s, steady_ratio_vs_spark=s / spark_steady,
                       steady_all=steady[name])
        out.append(rec)
    return out


def row(r: dict) -> str:
    """One line of the table: median rows/s and ratio to Spark (Flink's lines), per job and
    steady, and every run."""
    ratio = f"{r['ratio_vs_spark']:6.3f}" if r["system"] == "flink" else " " * 6
    every = " ".join(f"{v / 1e3:.0f}" for v in r["all"])
    par = f"p{r['parallelism']}"
    line = f"{par:4s} {r['label']:20s} {r['rows_per_s']:>10,.0f} {ratio}"
    if "steady_rows_per_s" in r:
        sratio = f"{r['steady_ratio_vs_spark']:6.3f}" if r["system"] == "flink" else " " * 6
        line += f"   {r['steady_rows_per_s']:>10,.0f} {sratio}"
        every += " | " + " ".join(f"{v / 1e3:.0f}" for v in r["steady_all"])
    return f"{line}   {every}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=None, help="rows per run (default 1,000,000)")
    ap.add_argument("--repeats", type=int, default=None, help="interleaved runs (default 3)")
    ap.add_argument("--parallelism", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--quick", action="store_true", help="100,000 rows, 1 repeat")
    ap.add_argument("--steady-factor", type=int, default=4,
                    help="also run each job this many times longer, for the steady rate (1: off)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    rows = args.rows or (100_000 if args.quick else 1_000_000)
    repeats = args.repeats or (1 if args.quick else 3)

    python = spark_python()
    start = {"time": time.strftime("%Y-%m-%d %H:%M:%S"), "loadavg": os.getloadavg()}
    print(f"spark  rows={rows} per run, median of {repeats} interleaved runs after one warm-up; "
          f"Flink: datagen -> score_cols -> blackhole, batch, rows/s over the job's net runtime; "
          f"Spark: range+rand -> pandas_udf -> noop, rows/s over the action; Arrow batch "
          f"{ARROW_BATCH}; load average {start['loadavg'][0]:.2f}", flush=True)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        model = flink_project(workdir)
        for par in args.parallelism:
            recs = compare(par, rows, repeats, workdir, model, python, args.steady_factor)
            runs += recs
            for r in recs:
                print(f"  {row(r)}", flush=True)
    spark_info = next(r["spark"] for r in runs if "spark" in r)
    end = {"time": time.strftime("%Y-%m-%d %H:%M:%S"), "loadavg": os.getloadavg()}
    print(f"\nrows={rows}, median of {repeats} interleaved runs, {start['time']} to "
          f"{end['time'][11:]}, load average {start['loadavg'][0]:.2f} at start, "
          f"{end['loadavg'][0]:.2f} at end")
    print(f"  {'par':4s} {'job':20s} {'job rows/s':>10s} {'/spark':>6s}   {'steady':>10s} {'/spark':>6s}"
          f"   every run (k rows/s: job | steady)")
    for r in runs:
        print(f"  {row(r)}")
    print(f"  Spark side: pyspark {spark_info['pyspark']}, pyarrow {spark_info['pyarrow']}, "
          f"onnxruntime {spark_info['onnxruntime']}; its scores match the model "
          f"(max |diff| {spark_info['max_abs_diff_vs_model']:.1e})")
    args.out.write_text(json.dumps(
        {"rows": rows, "repeats": repeats, "quick": args.quick, "model": SMALL,
         "arrow_batch": ARROW_BATCH, "flink_bundle": BUNDLE, "steady_factor": args.steady_factor,
         "runs": runs, "start": start,
         "end": end, "spark_venv": SPARK_PINS, "machine": machine()},
        indent=1, default=str) + "\n")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
