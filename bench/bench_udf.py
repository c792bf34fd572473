"""Benchmark of the ONNX UDF runtime.

Three parts, each printing ratios against a baseline measured in the same run
(machines are noisy, so only same-run ratios mean much):

* ``micro``: rows/s of the runtime (``OnnxFunction.eval`` on the pandas Series
  Flink hands a vectorized UDF) against raw onnxruntime ``session.run`` on the
  same batches as numpy arrays: the ceiling. Target ratio >= 0.9.
* ``flink``: a Flink SQL job datagen -> model UDF -> blackhole against the
  same job with the call replaced by a plain SQL expression: the cost of the
  Python bridge. Target ratio >= 0.8. A third job calls a no-op pandas UDF
  with the same 16 columns, which splits the cost between the bridge (no-op
  vs SQL) and the runtime (model vs no-op). Each is measured per job (rows over
  the job's net runtime) and steady (paired with a run ``--steady-factor``
  times longer: extra rows over extra time, so the fixed cost of a job, such as
  starting the Python worker, cancels). Batch and streaming, parallelism 1 and
  2, plus a sweep of Arrow batch size, bundle size, execution mode and
  feature passing (one ARRAY column or 16 DOUBLE columns).
* ``gpu``: the runtime against raw onnxruntime on CUDA with a large MLP
  (256-4096-4096-1024-1), batch sizes 1k-64k, fp32 and fp16. Target >= 0.8.
  ``--repeat`` saves a second run beside the first (the run-to-run spread),
  ``--no-io-binding`` one with plain ``session.run``.

Usage::

    python bench/bench_udf.py micro
    python bench/bench_udf.py micro-sweep
    python bench/bench_udf.py flink [--quick]
    python bench/bench_udf.py gpu [--repeat | --no-io-binding] [--out DIR]
    python bench/bench_udf.py plot
    python bench/bench_udf.py results

Results go to ``bench/udf_results.json`` (merged by part), the plot to
``bench/udf_throughput.png``, and the "UDF runtime" section of
bench/RESULTS.md is rendered from the JSON alone (``bench/udf_report.py``):
every part that updates the JSON re-renders it (not with ``--out``, whose JSON
holds only that run's parts, nor with ``--no-results``); ``results``
re-renders it without measuring.
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

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import udf_report  # noqa: E402

from sqlflow.udf import onnx_function, onnx_udf, python_config  # noqa: E402
from sqlflow.udf.testmodels import build_mlp  # noqa: E402

RESULTS = ROOT / "bench" / "udf_results.json"
SMALL = [16, 64, 32, 1]
LARGE = [256, 4096, 4096, 1024, 1]


def machine() -> dict:
    info = {"python": platform.python_version(), "cpus": os.cpu_count(),
            "platform": platform.platform()}
    try:
        import onnxruntime as ort

        info["onnxruntime"] = ort.__version__
    except ImportError:
        pass
    try:
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in
                           Path("/proc/cpuinfo").read_text().splitlines()
                           if line.startswith("model name"))
        info["loadavg"] = os.getloadavg()
    except (OSError, StopIteration):
        pass
    return info


def today() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


def save(part: str, data: dict, path: Path = RESULTS, render: bool = True) -> None:
    """Merge one part into the results JSON; with ``render``, re-render RESULTS.md's section from it."""
    results = json.loads(path.read_text()) if path.exists() else {}
    results[part] = data
    path.write_text(json.dumps(results, indent=1, default=str) + "\n")
    if render:
        udf_report.write(path)
        print(f"wrote the '{udf_report.SECTION}' section of bench/RESULTS.md")


# -- micro: runtime vs raw onnxruntime on the CPU --------------------------------------------

def arrow_series(x: np.ndarray) -> pd.Series:
    """Rows of ``x`` as the pandas Series PyFlink hands a UDF for an ARRAY column."""
    import pyarrow as pa

    n, w = x.shape
    offsets = pa.array(np.arange(0, (n + 1) * w, w, dtype=np.int32))
    return pa.ListArray.from_arrays(offsets, pa.array(x.reshape(-1))).to_pandas()


def _rate(rows: int, fn) -> float:
    t0 = time.perf_counter()
    fn()
    return rows / (time.perf_counter() - t0)


def micro(rows: int, batch: int, repeats: int, workdir: Path, layers: list[int] = SMALL) -> dict:
    import onnxruntime as ort

    model = build_mlp(workdir / "mlp16.onnx", layers, seed=0, version="bench")
    width = layers[0]
    x = np.random.default_rng(0).normal(size=(rows, width)).astype(np.float32)
    chunks = [x[i:i + batch] for i in range(0, rows, batch)]
    as_arrays = [arrow_series(c) for c in chunks]  # what Flink hands for ARRAY<FLOAT>
    as_columns = [[pd.Series(c[:, j].astype(np.float64)) for j in range(width)] for c in chunks]
    as_floats = [[pd.Series(c[:, j]) for j in range(width)] for c in chunks]  # FLOAT columns

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(model), sess_options=opts, providers=["CPUExecutionProvider"])
    def declare(inputs, **kw):
        fn = onnx_function(onnx_udf("s", model=str(model), inputs=inputs, result="DOUBLE",
                                    device="cpu", **kw))
        fn.open(None)
        return fn

    sub = max(batch // 4, 1)
    arr = declare(["ARRAY<FLOAT>"], batch_size=None)
    cols = declare(["DOUBLE"] * width, batch_size=None)
    floats = declare(["FLOAT"] * width, batch_size=None)
    piped = declare(["DOUBLE"] * width, batch_size=sub, pipeline=True)

    def raw():
        for c in chunks:
            sess.run(["probability"], {"features": c})

    def by_hand():  # the least a hand-written pandas UDF does with the same DOUBLE Series
        for cs in as_columns:
            t = np.column_stack([c.to_numpy() for c in cs]).astype(np.float32)
            pd.Series(sess.run(["probability"], {"features": t})[0][:, 0].astype(np.float64))

    def run_arr():
        for s in as_arrays:
            arr.eval(s)

    def run_cols():
        for cs in as_columns:
            cols.eval(*cs)

    def run_floats():
        for cs in as_floats:
            floats.eval(*cs)

    def run_piped():
        for cs in as_columns:
            piped.eval(*cs)

    runs = {"raw": raw, "by_hand": by_hand, "columns": run_cols, "float_columns": run_floats,
            "array": run_arr, "columns_pipelined": run_piped}
    rates: dict[str, list[float]] = {k: [] for k in runs}
    for fn in runs.values():
        fn()  # warm up
    for _ in range(repeats):  # interleaved, so drift hits all alike
        for k, fn in runs.items():
            rates[k].append(_rate(rows, fn))
    med = {k: statistics.median(v) for k, v in rates.items()}
    out = {"rows": rows, "batch": batch, "model_batch": sub, "repeats": repeats, "model": layers,
           "rows_per_s": med, "ratio": {k: med[k] / med["raw"] for k in runs if k != "raw"},
           "all": rates, "machine": machine(), "date": today()}
    print(f"micro  model={'-'.join(map(str, layers))} rows={rows} pandas batch={batch} "
          f"(median of {repeats}); one model batch per "
          f"pandas batch, except columns_pipelined: model batches of {sub}, pipelined")
    for k in runs:
        ratio = "" if k == "raw" else f"  vs raw {med[k] / med['raw']:.3f}"
        if k not in ("raw", "by_hand"):
            ratio += f"  vs by hand {med[k] / med['by_hand']:.3f}"
        print(f"  {k:17s} {med[k]:>12,.0f} rows/s{ratio}")
    out["ratio_by_hand"] = {k: med[k] / med["by_hand"] for k in runs if k not in ("raw", "by_hand")}
    return out


#: Models of growing size for ``micro-sweep``: the runtime's overhead per row is
#: fixed, so its share falls as the model grows.
SWEEP = [SMALL, [16, 128, 64, 1], [16, 256, 128, 1], [16, 512, 256, 1]]


def micro_sweep(rows: int, batch: int, repeats: int, workdir: Path) -> dict:
    return {"-".join(map(str, layers)): micro(rows, batch, repeats, workdir, layers)
            for layers in SWEEP}


# -- flink: datagen -> UDF -> blackhole vs the same job with a SQL expression ----------------

UDF_MODULE = '''
from sqlflow.udf import onnx_udf, udf

score_arr = onnx_udf("score_arr", model={model!r}, inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                     batch_size=None, device="cpu")
score_cols = onnx_udf("score_cols", model={model!r}, inputs=["DOUBLE"] * 16, result="DOUBLE",
                      batch_size=None, device="cpu")


@udf(args=["DOUBLE"] * 16, result="DOUBLE")
def noop_cols(*cols):
    """The same 16 columns in and one out, and no work: the bridge alone."""
    return cols[0] * 0.0
'''


def _flink_env(streaming: bool, parallelism: int, project: Path, **tuning):
    from pyflink.table import EnvironmentSettings, TableEnvironment

    from sqlflow.udf import configure

    settings = EnvironmentSettings.in_streaming_mode() if streaming \
        else EnvironmentSettings.in_batch_mode()
    env = TableEnvironment.create(settings)
    configure(env, project, metrics=True, **tuning)
    env.get_config().set("parallelism.default", str(parallelism))
    for name in ("score_arr", "score_cols", "noop_cols"):
        env.execute_sql(f"CREATE TEMPORARY FUNCTION {name} AS 'bench_udfs.models.{name}' "
                        "LANGUAGE PYTHON")
    return env


def _flink_job(env, rows: int, call: str) -> float:
    """Run datagen -> call -> blackhole; rows/s over the job's net runtime (Flink's own
    measure: from the job's start to its end, planning and submission left out)."""
    cols = ", ".join(f"f{j} DOUBLE" for j in range(16))
    gen = ", ".join(f"'fields.f{j}.min' = '-1', 'fields.f{j}.max' = '1'" for j in range(16))
    env.execute_sql("DROP TEMPORARY TABLE IF EXISTS src")
    env.execute_sql("DROP TEMPORARY TABLE IF EXISTS sink")
    env.execute_sql(f"CREATE TEMPORARY TABLE src ({cols}) WITH ('connector' = 'datagen', "
                    f"'number-of-rows' = '{rows}', 'rows-per-second' = '100000000', {gen})")
    env.execute_sql("CREATE TEMPORARY TABLE sink (s DOUBLE) WITH ('connector' = 'blackhole')")
    result = env.execute_sql(f"INSERT INTO sink SELECT {call} FROM src")
    result.wait()
    net_ms = result.get_job_client().get_job_execution_result().result().get_net_runtime()
    return rows / (net_ms / 1000.0)


ARRAY_ARG = "ARRAY[" + ", ".join(f"CAST(f{j} AS FLOAT)" for j in range(16)) + "]"
COLS_ARG = ", ".join(f"f{j}" for j in range(16))
# A plain SQL stand-in of similar arithmetic shape: a logistic of a weighted sum.
SQL_EXPR = "1 / (1 + EXP(-(" + " + ".join(f"{(j % 5 - 2) / 10} * f{j}" for j in range(16)) + ")))"


def steady_rate(rows: int, rate: float, big_rows: int, big_rate: float) -> float:
    """Rows/s once running: the extra rows of the longer run over its extra time, so a
    job's fixed costs (scheduling, starting the Python worker, loading the model) cancel."""
    extra = big_rows / big_rate - rows / rate
    return (big_rows - rows) / extra if extra > 0 else float("nan")


#: python_config's keys that name this machine's interpreter and paths, not a setting compared.
LOCAL_KEYS = {"python.executable", "python.client.executable", "python.pythonpath"}


def flink(rows: int, quick: bool, workdir: Path, repeats: int = 3, factor: int = 4,
          exec_modes: tuple[str, ...] = ("process",)) -> dict:
    model = build_mlp(workdir / "mlp16.onnx", SMALL, seed=0, version="bench")
    pkg = workdir / "bench_udfs"
    pkg.mkdir(exist_ok=True)
    (pkg / "models.py").write_text(UDF_MODULE.format(model=str(model)))
    sys.path.insert(0, str(workdir))
    runs = []

    def one(label: str, streaming: bool, parallelism: int, feature: str, **tuning):
        env = _flink_env(streaming, parallelism, workdir, **tuning)
        call = f"score_arr({ARRAY_ARG})" if feature == "array" else f"score_cols({COLS_ARG})"
        base_call = SQL_EXPR if feature == "columns" else \
            f"CARDINALITY({ARRAY_ARG}) * 0 + {SQL_EXPR}"
        noop_call = f"noop_cols({COLS_ARG})" if feature == "columns" else None
        calls = {"udf": call, "sql": base_call, **({"noop": noop_call} if noop_call else {})}
        _flink_job(env, min(rows, 20000), call)  # warm the JVM code paths
        job: dict[str, list[float]] = {k: [] for k in calls}
        steady: dict[str, list[float]] = {k: [] for k in calls}
        for _ in range(repeats):  # alternate, so the machine's drift hits all alike
            for k, c in calls.items():
                small = _flink_job(env, rows, c)
                job[k].append(small)
                if factor > 1:
                    steady[k].append(steady_rate(rows, small, rows * factor,
                                                 _flink_job(env, rows * factor, c)))
        med = {k: statistics.median(v) for k, v in job.items()}
        smed = {k: statistics.median(v) for k, v in steady.items() if v}
        rec = {"label": label, "mode": "streaming" if streaming else "batch",
               "parallelism": parallelism, "feature": feature, "tuning": tuning,
               "settings": {k: v for k, v in python_config(workdir, metrics=True, **tuning).items()
                            if k not in LOCAL_KEYS},
               "udf_rows_per_s": med["udf"], "sql_rows_per_s": med["sql"],
               "ratio": med["udf"] / med["sql"], "udf_all": job["udf"], "sql_all": job["sql"],
               "noop_rows_per_s": med.get("noop"), "noop_all": job.get("noop", []),
               "steady_factor": factor, "steady_rows_per_s": smed, "steady_all": steady,
               "steady_ratio": smed["udf"] / smed["sql"] if smed else None}
        runs.append(rec)
        print(f"  {label:30s} job: udf {med['udf']:>9,.0f} sql {med['sql']:>9,.0f} "
              f"ratio {med['udf'] / med['sql']:.3f}"
              + (f" no-op {med['noop']:>9,.0f}" if "noop" in med else ""), flush=True)
        if smed:
            print(f"  {'':30s} steady: udf {smed['udf']:>9,.0f} sql {smed['sql']:>9,.0f} "
                  f"ratio {smed['udf'] / smed['sql']:.3f}"
                  + (f" no-op {smed['noop']:>9,.0f} model/no-op {smed['udf'] / smed['noop']:.3f} "
                     f"no-op/sql {smed['noop'] / smed['sql']:.3f}" if "noop" in smed else ""),
                  flush=True)

    print(f"flink  rows={rows} per job (datagen -> f -> blackhole; rows/s over the job's net "
          f"runtime, median of {repeats} alternating runs; steady: the extra rows of a "
          f"{factor}x longer run over its extra time)")
    base = {"arrow_batch_size": 10000, "bundle_size": 100000}
    for exec_mode in exec_modes:
        for streaming in (False, True):
            for par in (1, 2):
                mode = "streaming" if streaming else "batch"
                one(f"{mode} p{par} {exec_mode}", streaming, par, "columns",
                    execution_mode=exec_mode, **base)
    if not quick:  # the sweep, one setting changed at a time from thread mode, batch, p1
        thread = {"execution_mode": "thread"}
        one("batch p1 thread ARRAY column", False, 1, "array", **thread, **base)
        one("batch p1 thread arrow 1000", False, 1, "columns", **thread,
            arrow_batch_size=1000, bundle_size=100000)
        one("batch p1 thread arrow 50000", False, 1, "columns", **thread,
            arrow_batch_size=50000, bundle_size=100000)
        one("batch p1 thread bundle 10000", False, 1, "columns", **thread,
            arrow_batch_size=10000, bundle_size=10000)
        one("batch p1 thread Flink defaults", False, 1, "columns", **thread)
    return {"rows": rows, "repeats": repeats, "steady_factor": factor, "model": SMALL, "runs": runs,
            "arrow_unsafe_memory_access": os.environ.get("ARROW_ENABLE_UNSAFE_MEMORY_ACCESS"),
            "machine": machine(), "date": today()}


# -- gpu: runtime vs raw onnxruntime on CUDA --------------------------------------------------

def gpu(workdir: Path, batches: list[int], total_rows: int, repeats: int,
        io_binding: bool = True) -> dict:
    import onnxruntime as ort

    from sqlflow.udf.fp16 import to_fp16
    from sqlflow.udf.provider import cuda_unusable_reason

    reason = cuda_unusable_reason(0)
    if reason is not None:
        raise SystemExit(f"no usable GPU: {reason}")
    model = build_mlp(workdir / "mlp_large.onnx", LARGE, seed=0, version="bench-large")
    width = LARGE[0]
    rng = np.random.default_rng(0)
    results = []
    print(f"gpu    model {'-'.join(map(str, LARGE))}, rows per measurement ~{total_rows}")
    for precision in ("fp32", "fp16"):
        data = model.read_bytes() if precision == "fp32" else to_fp16(model.read_bytes())
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        sess = ort.InferenceSession(data, sess_options=opts,
                                    providers=[("CUDAExecutionProvider", {"device_id": "0"})])
        for batch in batches:
            # The runtime gets pandas batches of 4 model batches (Flink's Arrow batch size set
            # to 4x the model batch), so it can tensorize one while the GPU runs another.
            arrow_rows = 4 * batch
            n_batches = max(4, total_rows // batch) // 4 * 4
            x = rng.normal(size=(batch * n_batches, width)).astype(np.float32)
            chunks = [x[i * batch:(i + 1) * batch] for i in range(n_batches)]
            series = [arrow_series(x[i:i + arrow_rows]) for i in range(0, len(x), arrow_rows)]
            fn = onnx_function(onnx_udf("g", model=str(model), inputs=["ARRAY<FLOAT>"],
                                        result="DOUBLE", batch_size=batch, device="cuda",
                                        fp16=precision == "fp16", io_binding=io_binding))
            fn.open(None)
            serial = onnx_function(onnx_udf("g", model=str(model), inputs=["ARRAY<FLOAT>"],
                                            result="DOUBLE", batch_size=batch, device="cuda",
                                            fp16=precision == "fp16", pipeline=False,
                                            io_binding=io_binding))
            serial.open(None)

            def raw():
                for c in chunks:
                    sess.run(["probability"], {"features": c})

            def runtime():
                for s in series:
                    fn.eval(s)

            def runtime_serial():
                for s in series:
                    serial.eval(s)

            raw()
            runtime()
            runtime_serial()
            r_raw, r_rt, r_ser = [], [], []
            for _ in range(repeats):
                r_raw.append(_rate(len(x), raw))
                r_rt.append(_rate(len(x), runtime))
                r_ser.append(_rate(len(x), runtime_serial))
            # same function on both paths
            ref = np.concatenate([sess.run(["probability"], {"features": c})[0][:, 0]
                                  for c in chunks[:4]])
            got = fn.eval(series[0]).to_numpy()
            rel = float(np.linalg.norm(got - ref) / np.linalg.norm(ref))
            rec = {"precision": precision, "batch": batch, "arrow_rows": arrow_rows,
                   "raw_rows_per_s": statistics.median(r_raw),
                   "runtime_rows_per_s": statistics.median(r_rt), "rel_err_vs_raw": rel,
                   "serial_rows_per_s": statistics.median(r_ser),
                   **_breakdown(fn, series[0])}
            rec["ratio"] = rec["runtime_rows_per_s"] / rec["raw_rows_per_s"]
            rec["serial_ratio"] = rec["serial_rows_per_s"] / rec["raw_rows_per_s"]
            results.append(rec)
            print(f"  {precision} batch {batch:>6}: raw {rec['raw_rows_per_s']:>12,.0f}  "
                  f"runtime {rec['runtime_rows_per_s']:>12,.0f}  ratio {rec['ratio']:.3f}  "
                  f"serial {rec['serial_ratio']:.3f}  "
                  f"rel.err {rel:.1e}  per pandas batch: tensorize {rec['tensorize_ms']:.1f} ms, "
                  f"model {rec['run_ms']:.1f} ms, eval {rec['eval_ms']:.1f} ms", flush=True)
            fn.close()
            serial.close()
    return {"model": LARGE, "runs": results, "machine": machine(), "device": _gpu_name(),
            "io_binding": io_binding, "rows": total_rows, "repeats": repeats, "date": today()}


def _breakdown(fn, series: pd.Series) -> dict:
    """Milliseconds per pandas batch: tensorizing alone, the model batches alone, all of eval."""
    arrays = [series.to_numpy()]
    t = fn.tensorizer(arrays)
    timings = {}
    for name, call in (("tensorize_ms", lambda: fn.tensorizer(arrays)),
                       ("run_ms", lambda: fn.runner.run(t.tensor)),
                       ("eval_ms", lambda: fn.eval(series))):
        call()
        t0 = time.perf_counter()
        for _ in range(3):
            call()
        timings[name] = (time.perf_counter() - t0) / 3 * 1e3
    return timings


def gpu_profile(workdir: Path, batch: int = 16384, fp16: bool = True) -> None:
    """Where eval's time goes on the GPU: model batches with and without I/O binding
    against raw ``session.run``, then cProfile of eval, top entries."""
    import cProfile
    import pstats

    import onnxruntime as ort

    from sqlflow.udf.fp16 import to_fp16

    model = build_mlp(workdir / "mlp_large.onnx", LARGE, seed=0)
    x = np.random.default_rng(0).normal(size=(4 * batch, LARGE[0])).astype(np.float32)
    s = arrow_series(x)
    for half in (False, True):
        data = to_fp16(model.read_bytes()) if half else model.read_bytes()
        sess = ort.InferenceSession(data, providers=[("CUDAExecutionProvider", {"device_id": "0"})])
        timings = {"raw session.run": lambda: [sess.run(["probability"], {"features": x[i:i + batch]})
                                               for i in range(0, len(x), batch)]}
        for bind in (True, False):
            fn = onnx_function(onnx_udf("g", model=str(model), inputs=["ARRAY<FLOAT>"],
                                        result="DOUBLE", batch_size=batch, device="cuda",
                                        fp16=half, io_binding=bind))
            fn.open(None)
            timings[f"runner io_binding={bind}"] = (lambda f: lambda: f.runner.run(x))(fn)
        for name, call in timings.items():
            call()
            t0 = time.perf_counter()
            for _ in range(5):
                call()
            print(f"  fp16={half} {name:26s} {(time.perf_counter() - t0) / 5 * 1e3:7.2f} ms "
                  f"per {len(x)} rows", flush=True)
    for pipeline in (False, True):
        fn = onnx_function(onnx_udf("g", model=str(model), inputs=["ARRAY<FLOAT>"],
                                    result="DOUBLE", batch_size=batch, device="cuda", fp16=fp16,
                                    pipeline=pipeline))
        fn.open(None)
        fn.eval(s)
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(5):
            fn.eval(s)
        prof.disable()
        print(f"--- pipeline={pipeline} batch={batch} fp16={fp16}")
        pstats.Stats(prof).sort_stats("tottime").print_stats(8)
        fn.close()


def _gpu_name() -> str:
    import subprocess

    try:
        return subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total",
                               "--format=csv,noheader"], capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("part", choices=["micro", "micro-sweep", "flink", "gpu", "gpu-profile",
                                     "plot", "results"])
    ap.add_argument("--rows", type=int, default=None)
    ap.add_argument("--batch", type=int, default=10000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--exec-modes", default="process",
                    help="flink: python.execution-mode values to run, comma-separated (pandas UDFs "
                         "run in a worker process either way)")
    ap.add_argument("--steady-factor", type=int, default=4,
                    help="flink: also run jobs this many times longer, for the steady rate (1: off)")
    ap.add_argument("--no-io-binding", action="store_true", help="gpu: plain session.run")
    ap.add_argument("--repeat", action="store_true", help="gpu: save as gpu_repeat, a second run")
    ap.add_argument("--out", type=Path, default=None, help="results JSON (default bench/)")
    ap.add_argument("--no-results", action="store_true", help="leave bench/RESULTS.md alone")
    args = ap.parse_args()
    out = args.out / "udf_results.json" if args.out else RESULTS
    render = not args.out and not args.no_results
    if args.part == "plot":
        udf_report.plot(out)
        return
    if args.part == "results":
        udf_report.write(out)
        print(f"wrote the '{udf_report.SECTION}' section of bench/RESULTS.md from {out}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.part == "micro":
            save("micro", micro(args.rows or 1_000_000, args.batch, args.repeats, work), out, render)
        elif args.part == "micro-sweep":
            save("micro_sweep", micro_sweep(args.rows or 500_000, args.batch, args.repeats, work),
                 out, render)
        elif args.part == "gpu-profile":
            gpu_profile(work)
        elif args.part == "flink":
            save("flink", flink(args.rows or 1_000_000, args.quick, work, args.repeats,
                                args.steady_factor, tuple(args.exec_modes.split(","))), out, render)
        else:
            batches = [1024, 4096, 16384, 65536]
            part = "gpu_no_io_binding" if args.no_io_binding else "gpu_repeat" if args.repeat else "gpu"
            save(part, gpu(work, batches, args.rows or 262144, args.repeats,
                           io_binding=not args.no_io_binding), out, render)


if __name__ == "__main__":
    main()
