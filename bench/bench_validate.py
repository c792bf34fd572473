"""How long static validation of a ~20-file project takes, against plain parsing of the same text.

Builds a project in a temporary folder: the good fixture project (sources,
UDFs, an ONNX model) plus generated job files, each with its own sink, a
view, a window aggregate, an interval join and a UDF call. Then it times,
over several rounds (best and median):

- baseline: ``sqlglot.parse`` of every file's text with the Flink dialect;
- parse_script: the dialect's located parsing (what the compiler reads);
- validate: ``compile_project`` (load, parse, UDF discovery, catalog,
  resolution, every rule) end to end.

Usage: ``python bench/bench_validate.py [--files 20] [--rounds 7]``
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlglot

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlflow.compiler import compile_project  # noqa: E402
from sqlflow.dialect.script import parse_script  # noqa: E402

GOOD = REPO / "tests" / "fixtures" / "projects" / "good"

JOB = """-- generated job {i}
SET 'table.exec.state.ttl' = '1 h';

CREATE TABLE sink_{i} (
  ad_id BIGINT,
  window_start TIMESTAMP(3),
  shown BIGINT,
  clicked BIGINT,
  score DOUBLE
) WITH (
  'connector' = 'kafka',
  'topic' = 'sink-{i}',
  'properties.bootstrap.servers' = '${{KAFKA_BOOTSTRAP}}',
  'format' = 'json'
);

CREATE VIEW joined_{i} AS
SELECT i.ad_id, i.ts, i.f1, i.f2, i.f3, i.f4, c.impression_id IS NOT NULL AS clicked
FROM impressions AS i
LEFT JOIN clicks AS c
  ON i.impression_id = c.impression_id
 AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '{i}' MINUTE
WHERE i.ad_id % 20 = {i};

INSERT INTO sink_{i}
SELECT
  ad_id,
  window_start,
  COUNT(*) AS shown,
  SUM(CASE WHEN clicked THEN 1 ELSE 0 END) AS clicked,
  AVG(CAST(ctr_score(f1, f2, f3, f4) AS DOUBLE)) AS score
FROM TABLE(TUMBLE(TABLE joined_{i}, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY ad_id, window_start, window_end;
"""


def build(root: Path, files: int) -> list[Path]:
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("__pycache__"))
    jobs = root / "sql" / "jobs"
    jobs.mkdir()
    existing = len(list((root / "sql").rglob("*.sql")))
    for i in range(max(files - existing, 0)):
        (jobs / f"job_{i:02d}.sql").write_text(JOB.format(i=i + 1))
    return sorted((root / "sql").rglob("*.sql"))


def timed(fn, rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        paths = build(root, args.files)
        texts = [p.read_text() for p in paths]
        compiled = compile_project(root)  # warm-up: imports, UDF modules
        if not compiled.ok:
            raise SystemExit("the benchmark project does not validate:\n"
                             + "\n".join(d.render() for d in compiled.errors))
        statements = sum(len(j.statements) for j in compiled.jobs)
        size = sum(len(t) for t in texts)

        base = timed(lambda: [sqlglot.parse(t, read="flink") for t in texts], args.rounds)
        located = timed(lambda: [parse_script(t, str(p)) for t, p in zip(texts, paths)], args.rounds)
        full = timed(lambda: compile_project(root), args.rounds)

    print(f"project: {len(paths)} SQL files, {statements} statements, {size / 1024:.1f} KiB of SQL")
    print(f"{'step':<34}{'best ms':>10}{'median ms':>11}{'x baseline':>12}")
    for name, (best, med) in (("baseline sqlglot.parse (flink)", base), ("dialect parse_script", located),
                              ("validate (compile_project)", full)):
        print(f"{name:<34}{best * 1e3:>10.1f}{med * 1e3:>11.1f}{med / base[1]:>12.2f}")


if __name__ == "__main__":
    main()
