"""Benchmark of the native ONNX model runtime (jvm/) against the same job with a SQL expression.

A Flink SQL job datagen (16 DOUBLE columns) -> model (MLP 16-64-32-1) -> blackhole,
three ways, each against the job with a plain SQL expression in the model's place
(the ratio is the cost of the model; machines are noisy, so only same-run ratios
mean much):

* ``sync``: ``CREATE MODEL ... WITH ('provider' = 'onnx')`` + ML_PREDICT, the
  synchronous function (one session run per row);
* ``async``: the same, asynchronous and batched (ML_PREDICT's config map sets
  'async', 'max-concurrent-operations' = batch size and 'timeout' = '0');
* ``splice``: the micro-batching operator spliced in by ``sqlflow.flink.native.predict``.

``--object-reuse`` repeats everything with ``pipeline.object-reuse = true``: without it
Flink copies each row between chained operators, and the splice adds three such hops
(table to stream, the operator, stream to table).

Streaming and batch runtime mode, parallelism 1 and 2. Each is measured per job
(rows over the job's net runtime) and steady (the extra rows of a run ``--factor``
times longer over its extra time, so fixed costs cancel), with the CPU time of the
Flink JVM per row. ML_PREDICT does not plan in batch mode in Flink 2.2.1: those
runs record the planner's refusal. ``--sweep`` also measures the splice's batch
sizes. Results go to ``bench/native_results.json``.

Usage::

    python bench/bench_native.py [--rows N] [--repeats R] [--factor F] [--sweep] [--quick]
                                 [--object-reuse]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlflow.flink import native as native_model  # noqa: E402
from sqlflow.flink.java import message_of  # noqa: E402
from sqlflow.udf.testmodels import build_mlp  # noqa: E402

RESULTS = ROOT / "bench" / "native_results.json"
LAYERS = [16, 64, 32, 1]
FEATURES = [f"f{j}" for j in range(16)]
COLS = ", ".join(FEATURES)
# the same plain SQL stand-in as bench_udf.py: a logistic of a weighted sum
SQL_EXPR = "1 / (1 + EXP(-(" + " + ".join(f"{(j % 5 - 2) / 10} * f{j}" for j in range(16)) + ")))"
KINDS = ("sql", "sync", "async", "splice")


def machine() -> dict:
    info = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()}
    try:
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in
                           Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
        info["loadavg"] = os.getloadavg()
    except (OSError, StopIteration):
        pass
    return info


def jvm_cpu_seconds() -> float:
    """User + system CPU seconds of this process's child processes (the PyFlink JVM)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:  # ppid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def make_env(streaming: bool, parallelism: int, object_reuse: bool = False):
    from pyflink.datastream import StreamExecutionEnvironment
    from pyflink.table import EnvironmentSettings, StreamTableEnvironment

    env = StreamExecutionEnvironment.get_execution_environment()
    settings = EnvironmentSettings.in_streaming_mode() if streaming else EnvironmentSettings.in_batch_mode()
    t_env = StreamTableEnvironment.create(env, environment_settings=settings)
    native_model.add_jar(t_env)
    t_env.get_config().set("parallelism.default", str(parallelism))
    t_env.get_config().set("pipeline.object-reuse", str(object_reuse).lower())
    return t_env


def run_job(t_env, kind: str, rows: int, model: Path, batch: int) -> tuple[float, float]:
    """One datagen -> model -> blackhole job; (rows/s over its net runtime, JVM CPU s per row)."""
    gen = ", ".join(f"'fields.f{j}.min' = '-1', 'fields.f{j}.max' = '1'" for j in range(16))
    cols = ", ".join(f"f{j} DOUBLE" for j in range(16))
    for name in ("src", "sink", "scored"):
        t_env.execute_sql(f"DROP TEMPORARY TABLE IF EXISTS {name}")
        t_env.execute_sql(f"DROP TEMPORARY VIEW IF EXISTS {name}")
    t_env.execute_sql(f"CREATE TEMPORARY TABLE src ({cols}) WITH ('connector' = 'datagen', "
                      f"'number-of-rows' = '{rows}', 'rows-per-second' = '100000000', {gen})")
    t_env.execute_sql("CREATE TEMPORARY TABLE sink (s DOUBLE) WITH ('connector' = 'blackhole')")
    options = {"path": str(model), "batch-size": str(batch), "device": "cpu"}
    if kind == "sql":
        insert = f"INSERT INTO sink SELECT {SQL_EXPR} FROM src"
    elif kind == "splice":
        scored = native_model.predict(t_env, t_env.from_path("src"), FEATURES, options,
                                      [("probability", "FLOAT")])
        t_env.create_temporary_view("scored", scored)
        insert = "INSERT INTO sink SELECT CAST(probability AS DOUBLE) FROM scored"
    else:
        t_env.execute_sql("DROP TEMPORARY MODEL IF EXISTS m")
        with_opts = ", ".join(f"'{k}' = '{v}'" for k, v in {"provider": "onnx", **options}.items())
        t_env.execute_sql(f"CREATE TEMPORARY MODEL m INPUT ({cols}) OUTPUT (probability FLOAT) "
                          f"WITH ({with_opts})")
        config = ("MAP['async', 'false']" if kind == "sync" else
                  f"MAP['async', 'true', 'max-concurrent-operations', '{batch}', 'timeout', '0']")
        insert = (f"INSERT INTO sink SELECT CAST(probability AS DOUBLE) FROM "
                  f"ML_PREDICT(TABLE src, MODEL m, DESCRIPTOR({COLS}), {config})")
    cpu0 = jvm_cpu_seconds()
    result = t_env.execute_sql(insert)
    result.wait()
    cpu = jvm_cpu_seconds() - cpu0
    net_ms = result.get_job_client().get_job_execution_result().result().get_net_runtime()
    return rows / (net_ms / 1000.0), cpu / rows


def steady(rows: int, rate: float, big_rows: int, big_rate: float) -> float:
    extra = big_rows / big_rate - rows / rate
    return (big_rows - rows) / extra if extra > 0 else float("nan")


def measure(streaming: bool, parallelism: int, kinds: tuple[str, ...], rows: int, repeats: int,
            factor: int, model: Path, batch: int, label: str, object_reuse: bool = False) -> dict:
    t_env = make_env(streaming, parallelism, object_reuse)
    job: dict[str, list[float]] = {k: [] for k in kinds}
    stead: dict[str, list[float]] = {k: [] for k in kinds}
    cpu: dict[str, list[float]] = {k: [] for k in kinds}
    scpu: dict[str, list[float]] = {k: [] for k in kinds}
    refused: dict[str, str] = {}
    for k in kinds:  # warm the JVM's code paths
        try:
            run_job(t_env, k, min(rows, 20000), model, batch)
        except Exception as exc:  # ML_PREDICT in batch mode: the planner refuses
            refused[k] = message_of(exc).splitlines()[0][:300]
    live = [k for k in kinds if k not in refused]
    for _ in range(repeats):  # alternate, so the machine's drift hits all alike
        for k in live:
            small_rows = rows // 10 if k == "sync" else rows  # sync is ~10x slower
            rate, per_row = run_job(t_env, k, small_rows, model, batch)
            job[k].append(rate)
            cpu[k].append(per_row)
            if factor > 1:
                big_rate, big_per_row = run_job(t_env, k, small_rows * factor, model, batch)
                stead[k].append(steady(small_rows, rate, small_rows * factor, big_rate))
                extra_cpu = big_per_row * small_rows * factor - per_row * small_rows
                scpu[k].append(extra_cpu / (small_rows * (factor - 1)))
    med = {k: statistics.median(v) for k, v in job.items() if v}
    smed = {k: statistics.median(v) for k, v in stead.items() if v}
    cmed = {k: statistics.median(v) for k, v in cpu.items() if v}
    scmed = {k: statistics.median(v) for k, v in scpu.items() if v}
    rec = {"label": label, "mode": "streaming" if streaming else "batch", "parallelism": parallelism,
           "object_reuse": object_reuse,
           "batch_size": batch, "rows": rows, "rows_per_s": med, "steady_rows_per_s": smed,
           "cpu_us_per_row": {k: v * 1e6 for k, v in cmed.items()},
           "ratio": {k: med[k] / med["sql"] for k in med if k != "sql" and "sql" in med},
           "steady_ratio": {k: smed[k] / smed["sql"] for k in smed if k != "sql" and "sql" in smed},
           "cpu_vs_sql": {k: cmed[k] / cmed["sql"] for k in cmed if k != "sql" and "sql" in cmed},
           "steady_cpu_us_per_row": {k: v * 1e6 for k, v in scmed.items()},
           "steady_cpu_vs_sql": {k: scmed[k] / scmed["sql"] for k in scmed if k != "sql" and "sql" in scmed},
           "refused": refused, "all": job, "steady_all": stead}
    line = "  ".join(f"{k} {med[k]:>9,.0f} ({rec['ratio'].get(k, 1):.2f}, steady "
                     f"{rec['steady_ratio'].get(k, 1) if smed else float('nan'):.2f}, cpu/row "
                     f"{rec['cpu_vs_sql'].get(k, 1):.2f}x, steady "
                     f"{rec['steady_cpu_vs_sql'].get(k, 1) if scmed else float('nan'):.2f}x)"
                     for k in med)
    print(f"{label:28s} {line}" + (f"  refused: {', '.join(refused)}" if refused else ""), flush=True)
    return rec


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--factor", type=int, default=3)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--sweep", action="store_true", help="also sweep the splice's batch size")
    ap.add_argument("--quick", action="store_true", help="one repeat, no steady runs")
    ap.add_argument("--object-reuse", action="store_true",
                    help="also run every job with pipeline.object-reuse = true")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()
    if args.quick:
        args.repeats, args.factor = 1, 1
    native_model.native_jar()  # a clear error naming `make` before any job
    work = Path(tempfile.mkdtemp(prefix="bench_native_"))
    model = build_mlp(work / "mlp16.onnx", LAYERS, seed=0, version="bench")
    print(f"native  rows={args.rows} per job (sync: a tenth), datagen -> model -> blackhole; "
          f"ratio to the SQL-expression job: per job, steady ({args.factor}x run), JVM CPU per row (per job, steady); "
          f"median of {args.repeats}", flush=True)
    t0 = time.time()
    runs = []
    for reuse in (False, True) if args.object_reuse else (False,):
        for streaming in (True, False):
            for par in (1, 2):
                label = f"{'streaming' if streaming else 'batch'} p{par}" + (" reuse" if reuse else "")
                runs.append(measure(streaming, par, KINDS, args.rows, args.repeats, args.factor,
                                    model, args.batch, label, reuse))
    sweep = []
    if args.sweep:
        for batch in (64, 512, 2048):
            sweep.append(measure(True, 1, ("sql", "splice"), args.rows, args.repeats, args.factor,
                                 model, batch, f"sweep streaming p1 B={batch}"))
    out = {"rows": args.rows, "repeats": args.repeats, "factor": args.factor, "model": LAYERS,
           "batch_size": args.batch, "runs": runs, "sweep": sweep, "seconds": time.time() - t0,
           "machine": machine(),
           "note": "2-core machine shared with other work while measured; rerun on a quiet one"}
    args.out.write_text(json.dumps(out, indent=1, default=str) + "\n")
    print(f"wrote {args.out} in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
