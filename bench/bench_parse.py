"""Parse benchmark over the Flink documentation examples in tests/fixtures/dialect/flink_docs.

Reports the share of examples that parse and round-trip (parse -> generate ->
parse gives the same tree), lists the ones that fail and why, and the parse
speed in statements per second.

    .venv/bin/python bench/bench_parse.py [--repeat N] [--json bench/parse_results.json]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot.errors import UnsupportedError

from sqlflow.dialect import parse_script
from sqlflow.dialect.parser import split_chunks
from sqlflow.dialect.script import _LineIndex, _tokenize
from sqlflow.errors import Diagnostics, SqlflowError

DOCS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "dialect" / "flink_docs"


@dataclass(frozen=True)
class Example:
    """One statement of a documentation page."""

    file: str
    line: int
    sql: str


def examples(folder: Path = DOCS) -> list[Example]:
    """Every statement of every fixture file, in file order."""
    out = []
    for path in sorted(folder.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        index = _LineIndex(text, path.name)
        for chunk in split_chunks(_tokenize(text, index)):
            start = chunk[0].start
            out.append(Example(path.name, index.location(start).line, text[start : chunk[-1].end + 1]))
    return out


def check(example: Example) -> str | None:
    """None when the example parses and round-trips, else why not."""
    try:
        [stmt] = parse_script(example.sql, example.file)
    except Diagnostics as exc:
        return exc.errors[0].message
    except SqlflowError as exc:
        return exc.message + (f" ({exc.hint})" if exc.hint else "")
    try:
        out = stmt.expression.sql(dialect="flink")
    except UnsupportedError as exc:
        return f"cannot be written back: {exc}"
    if sqlglot.parse_one(out, read="flink") != stmt.expression:
        return f"round trip changed the tree: {out}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timing repetitions")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args()
    items = examples()
    failures = [(e, why) for e in items if (why := check(e)) is not None]
    ok = len(items) - len(failures)
    print(f"examples: {len(items)} from {len({e.file for e in items})} pages")
    print(f"parse + round trip: {ok}/{len(items)} = {ok / len(items):.1%}")
    for e, why in failures:
        print(f"  FAIL {e.file}:{e.line}: {why}")
    failed = {id(e) for e, _ in failures}
    good = [e for e in items if id(e) not in failed]
    text = ";\n".join(e.sql for e in good)
    start = time.perf_counter()
    for _ in range(args.repeat):
        parse_script(text)
    elapsed = time.perf_counter() - start
    n = len(good) * args.repeat
    print(f"parse speed: {n / elapsed:,.0f} statements/s ({len(good)} statements x {args.repeat}, {elapsed:.2f} s)")
    if args.json:
        args.json.write_text(json.dumps({
            "examples": len(items),
            "pages": len({e.file for e in items}),
            "round_trip_ok": ok,
            "round_trip_share": round(ok / len(items), 4),
            "failures": [{"example": f"{e.file}:{e.line}", "why": why} for e, why in failures],
            "statements_per_second": round(n / elapsed),
            "load_average": os.getloadavg()[0],
            "cpus": os.cpu_count(),
        }, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
