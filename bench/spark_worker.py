"""The PySpark side of ``bench_spark.py``: the ONNX model as a ``pandas_udf``.

Runs in its own virtual environment (``$SQLFLOW_CACHE/spark-venv``, made by
``bench_spark.py``), never in the project's. One Spark session, ``local[P]``,
kept alive across runs: 16 FLOAT columns in [-1, 1] made from
``spark.range`` and a seeded ``rand`` (as the Flink side makes them), the
model over them in a ``pandas_udf`` (one onnxruntime session per Python
worker, made on first use), Spark's ``noop`` sink as the blackhole. Only the
action is timed.

Two ways to use it::

    python bench/spark_worker.py --parallelism 1 --model m.onnx --rows 1000000 --repeats 3
    python bench/spark_worker.py --parallelism 1 --model m.onnx --serve

The first warms up once, runs ``repeats`` times and prints one JSON object.
With ``--serve`` it prints a JSON line when ready, then reads row counts on
standard input, one a line, and answers each with a JSON line (so another
process can interleave its own runs with Spark's); an empty line or end of
input stops it. Only these JSON lines go to standard output; Spark's own
output goes to standard error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

N_FEATURES = 16
SEED = 0
#: bench_spark.PRIMES (this module runs in the Spark venv, without the project's packages)
PRIMES = [2003, 2011, 2017, 2027, 2029, 2039, 2053, 2063, 2069, 2081, 2083, 2087, 2089, 2099, 2111, 2113]

_SESSIONS: dict[str, object] = {}


def model_session(path: str):
    """This Python worker's onnxruntime session for ``path``, made on first use.

    The UDF is pickled by reference to this module, so the cache lives once per
    Python worker process (Spark reuses them across tasks), not once per task.
    """
    sess = _SESSIONS.get(path)
    if sess is None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        sess = ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])
        _SESSIONS[path] = sess
    return sess


def score_udf(model: str):
    """A scalar ``pandas_udf``: 16 FLOAT Series in, the model's probability out.

    (numpy and pandas are imported at the top: ``pandas_udf`` reads the type hints.)
    """
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("double")
    def score(*cols: pd.Series) -> pd.Series:
        x = np.empty((len(cols[0]), len(cols)), dtype=np.float32)
        for j, c in enumerate(cols):
            x[:, j] = c.to_numpy()
        y = model_session(model).run(["probability"], {"features": x})[0]
        return pd.Series(y[:, 0].astype(np.float64))

    return score


def features(spark, rows: int, parallelism: int):
    """``rows`` rows of 16 FLOAT columns in [-1, 1], ``parallelism`` partitions, made as the Flink side
    of bench_spark.py makes them: one seeded random long per row, feature j its residue modulo
    ``PRIMES[j]``, scaled (float32, as the model takes them)."""
    from pyspark.sql import functions as F

    r = (F.rand(SEED) * 4611686018427387903).cast("long")
    return spark.range(0, rows, 1, numPartitions=parallelism).select(r.alias("r")).select(
        *[((F.col("r") % p).cast("double") / (p / 2) - 1).cast("float").alias(f"f{j}")
          for j, p in enumerate(PRIMES)])


class Bench:
    """A Spark session and the job, run on demand."""

    def __init__(self, parallelism: int, model: str, arrow_batch: int) -> None:
        from pyspark.sql import SparkSession

        self.parallelism = parallelism
        self.model = str(Path(model).resolve())
        self.spark = (SparkSession.builder.master(f"local[{parallelism}]")
                      .appName("sqlflow-bench-spark")
                      .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(arrow_batch))
                      .config("spark.sql.shuffle.partitions", str(parallelism))
                      .config("spark.python.worker.reuse", "true")
                      .config("spark.ui.enabled", "false")
                      .config("spark.ui.showConsoleProgress", "false")
                      .getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")
        self.score = score_udf(self.model)

    def job(self, rows: int):
        df = features(self.spark, rows, self.parallelism)
        return df.select(self.score(*[df[f"f{j}"] for j in range(N_FEATURES)]).alias("s"))

    def run(self, rows: int) -> dict:
        """One run into the ``noop`` sink; seconds of the action alone."""
        out = self.job(rows)
        t0 = time.perf_counter()
        out.write.format("noop").mode("overwrite").save()
        seconds = time.perf_counter() - t0
        return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds}

    def check(self, rows: int = 2000) -> float:
        """Largest difference between the UDF's scores and the model run here on the same rows."""
        df = features(self.spark, rows, self.parallelism)
        cols = [df[f"f{j}"] for j in range(N_FEATURES)]
        pdf = df.select(*cols, self.score(*cols).alias("s")).toPandas()
        x = pdf[[f"f{j}" for j in range(N_FEATURES)]].to_numpy(np.float32)
        ref = model_session(self.model).run(["probability"], {"features": x})[0][:, 0]
        if len(pdf) != rows:
            raise SystemExit(f"check: {len(pdf)} rows back, expected {rows}")
        return float(np.max(np.abs(pdf["s"].to_numpy() - ref)))

    def info(self) -> dict:
        import onnxruntime as ort
        import pyarrow as pa
        import pyspark

        plan = self.job(10)._jdf.queryExecution().executedPlan().toString()
        return {"pyspark": pyspark.__version__, "spark": self.spark.version,
                "pyarrow": pa.__version__, "pandas": pd.__version__, "numpy": np.__version__,
                "onnxruntime": ort.__version__, "python": sys.version.split()[0],
                "java": self.spark.sparkContext._jvm.System.getProperty("java.version"),
                "master": f"local[{self.parallelism}]",
                "arrow_batch": self.spark.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch"),
                "arrow_eval_in_plan": "ArrowEvalPython" in plan,
                "max_abs_diff_vs_model": self.check()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parallelism", type=int, required=True, help="local[P]")
    ap.add_argument("--model", required=True, help="ONNX model: features [n,16] -> probability")
    ap.add_argument("--arrow-batch", type=int, default=10000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--serve", action="store_true", help="read row counts on standard input")
    args = ap.parse_args()

    # Keep standard output for the JSON lines; the JVM and Spark write to standard error.
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # Python workers import this module to unpickle the UDF.
    here = str(Path(__file__).resolve().parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (here, os.environ.get("PYTHONPATH")) if p)
    os.environ["PYSPARK_PYTHON"] = sys.executable

    bench = Bench(args.parallelism, args.model, args.arrow_batch)
    info = bench.info()
    if args.serve:
        print(json.dumps({"ready": True, **info}), file=out)
        for line in sys.stdin:
            if not line.strip():
                break
            print(json.dumps(bench.run(int(line))), file=out)
        return
    bench.run(args.rows)  # warm up
    runs = [bench.run(args.rows) for _ in range(args.repeats)]
    print(json.dumps({**info, "runs": runs}), file=out)


if __name__ == "__main__":
    # Run as a script, the UDF would belong to __main__ and be pickled by value (its
    # session cache with it); imported as a module it is pickled by reference.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import spark_worker

    spark_worker.main()
