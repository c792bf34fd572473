"""Parse benchmark over the Flink documentation examples in tests/fixtures/dialect/flink_docs.

Reports the share of examples that parse and round-trip (parse -> generate ->
parse gives the same tree), lists the ones that fail and why, and the parse
speed in statements per second. With ``--flink`` it also runs Flink 2.2.1's own
SQL parser over every example as written and over its ``sqlflow fmt`` output:
every statement Flink accepts as written must still be accepted after
formatting. ``--results`` writes the figures into bench/RESULTS.md (the
section between this script's markers, replaced whole).

    .venv/bin/python bench/bench_parse.py [--repeat N] [--flink] [--json bench/parse_results.json]
                                          [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import time
from dataclasses import dataclass, replace
from pathlib import Path

import sqlglot
from sqlglot.errors import UnsupportedError

from sqlflow import FLINK_VERSION
from sqlflow.dialect import format_sql, parse_script
from sqlflow.dialect.parser import split_chunks
from sqlflow.dialect.script import _LineIndex, _tokenize
from sqlflow.errors import Diagnostics, SqlflowError

DOCS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "dialect" / "flink_docs"
#: The second collection: pages of Flink 2.x features (materialized tables, PTFs, ...).
DOCS_2X = DOCS / "flink2"
BEGIN = "<!-- bench/bench_parse.py writes this section; edits by hand are replaced -->"
END = "<!-- end of bench/bench_parse.py's section -->"


@dataclass(frozen=True)
class Example:
    """One statement of a documentation page."""

    file: str
    line: int
    sql: str


def examples(folder: Path = DOCS) -> list[Example]:
    """Every statement of every fixture file in ``folder`` (not below it), in file order."""
    out = []
    for path in sorted(folder.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        index = _LineIndex(text, path.name)
        for chunk in split_chunks(_tokenize(text, index)):
            start = chunk[0].start
            out.append(Example(path.name, index.location(start).line, text[start : chunk[-1].end + 1]))
    return out


def documented() -> list[Example]:
    """Both collections: the SQL docs pages, then the Flink 2.x pages (named ``flink2/<page>.sql``)."""
    return [*examples(DOCS), *(replace(e, file=f"{DOCS_2X.name}/{e.file}") for e in examples(DOCS_2X))]


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


@dataclass(frozen=True)
class FlinkVerdict:
    """Flink's parser on one example: as written, and after ``sqlflow fmt`` (None when fmt refused it)."""

    example: Example
    before: bool
    before_message: str
    after: bool | None
    after_message: str
    ours: str | None  # why sqlflow refused it, None when it parsed and round-tripped


def flink_verdicts(items: list[Example]) -> list[FlinkVerdict]:
    """Run Flink's own parser over each example as written and over its formatted text."""
    from sqlflow.flink.parser import flink_parser

    parser = flink_parser()
    out = []
    for e in items:
        before = parser.parse(e.sql)
        ours = check(e)
        after = after_message = None
        if ours is None:
            verdict = parser.parse(format_sql(e.sql, e.file))
            after, after_message = verdict.ok, verdict.message
        out.append(FlinkVerdict(e, before.ok, before.message, after, after_message or "", ours))
    return out


def _speed(items: list[Example], good: set[int], repeat: int) -> tuple[float, int]:
    text = ";\n".join(e.sql for e in items if id(e) in good)
    start = time.perf_counter()
    for _ in range(repeat):
        parse_script(text)
    elapsed = time.perf_counter() - start
    n = len(good) * repeat
    return n / elapsed, n


def summary(items: list[Example], failures: list[tuple[Example, str]], verdicts: list[FlinkVerdict] | None,
            speed: float) -> dict:
    """The figures, as written to the JSON file and the RESULTS section."""
    ok = len(items) - len(failures)
    out: dict = {
        "examples": len(items),
        "pages": len({e.file for e in items}),
        "round_trip_ok": ok,
        "round_trip_share": round(ok / len(items), 4),
        "failures": [{"example": f"{e.file}:{e.line}", "why": why} for e, why in failures],
        "statements_per_second": round(speed),
        "load_average": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "sqlglot": sqlglot.__version__,
    }
    if verdicts is not None:
        accepted = [v for v in verdicts if v.before]
        kept = [v for v in accepted if v.after]
        out["flink"] = {
            "version": FLINK_VERSION,
            "accepted_as_written": len(accepted),
            "formatted_and_accepted": len(kept),
            "formatted_and_accepted_share": round(len(kept) / len(accepted), 4) if accepted else None,
            "fmt_broke": [{"example": f"{v.example.file}:{v.example.line}", "flink": v.after_message}
                          for v in accepted if v.after is False],
            "sqlflow_refused": [{"example": f"{v.example.file}:{v.example.line}", "why": v.ours}
                                for v in accepted if v.ours is not None],
            "refused_by_flink": [{"example": f"{v.example.file}:{v.example.line}", "flink": v.before_message,
                                  "sqlflow": v.ours or "accepted"} for v in verdicts if not v.before],
        }
    return out


def results_section(s: dict) -> str:
    """The RESULTS.md section for the figures ``s`` (see :func:`summary`)."""
    lines = [
        BEGIN,
        "### Flink's documented statements",
        "",
        f"`python bench/bench_parse.py --flink --results bench/RESULTS.md`, {s['date']}: Python {s['python']},"
        f" sqlglot {s['sqlglot']}, {s['cpus']} CPUs (load average {s['load_average']}; the machine is shared).",
        f"Every concrete SQL example collected from Flink's own documentation, all kinds of statement"
        f" (DDL, DML, queries, SHOW, DESCRIBE, EXPLAIN, plans, ...): {s['examples']} statements from"
        f" {s['pages']} pages (`tests/fixtures/dialect/flink_docs/` and its `flink2/`).",
        "",
        "| what | statements | share |",
        "|---|---:|---:|",
        f"| parse and round-trip in sqlflow's dialect (parse, generate, parse again: same tree) |"
        f" {s['round_trip_ok']} / {s['examples']} | {s['round_trip_share']:.1%} |",
    ]
    flink = s.get("flink")
    if flink:
        share = flink["formatted_and_accepted_share"]
        lines += [
            f"| accepted by Flink {flink['version']}'s own parser as written | {flink['accepted_as_written']} /"
            f" {s['examples']} | {flink['accepted_as_written'] / s['examples']:.1%} |",
            f"| of those: parsed, round-tripped, formatted by `sqlflow fmt` and accepted by Flink's parser again |"
            f" {flink['formatted_and_accepted']} / {flink['accepted_as_written']} |"
            f" {share:.1%} |" if share is not None else "| of those: ... | 0 / 0 | - |",
        ]
    lines += [f"| parse speed | {s['statements_per_second']:,} statements/s | |", ""]
    if flink:
        if flink["fmt_broke"] or flink["sqlflow_refused"]:
            lines.append("Accepted by Flink but not kept by sqlflow:")
            lines += [f"- {x['example']}: fmt output refused: {x['flink']}" for x in flink["fmt_broke"]]
            lines += [f"- {x['example']}: sqlflow refused it: {x['why']}" for x in flink["sqlflow_refused"]]
            lines.append("")
        refused = flink["refused_by_flink"]
        if refused:
            lines.append(f"Refused by Flink {flink['version']}'s parser as written ({len(refused)}: mistakes in the"
                         " examples, or syntax Flink's parser does not take), and what sqlflow says:")
            lines.append("")
            lines.append("| example | Flink's parser | sqlflow |")
            lines.append("|---|---|---|")
            for x in refused:
                lines.append(f"| {x['example']} | {_cell(x['flink'])} | {_cell(x['sqlflow'])} |")
            lines.append("")
    else:
        lines += ["Failures:"] + [f"- {f['example']}: {f['why']}" for f in s["failures"]] + [""]
    lines.append(END)
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_results(path: Path, section: str) -> None:
    """Replace this script's section of RESULTS.md (or put it first under the compiler heading)."""
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        anchor = "## Compiler: parsing and validation\n"
        head, rest = text.split(anchor, 1)
        text = head + anchor + "\n" + section + "\n" + rest
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timing repetitions")
    parser.add_argument("--flink", action="store_true", help="also run Flink's own parser (starts a JVM)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--results", type=Path, help="write the figures into this RESULTS.md")
    args = parser.parse_args()
    items = documented()
    failures = [(e, why) for e in items if (why := check(e)) is not None]
    ok = len(items) - len(failures)
    print(f"examples: {len(items)} from {len({e.file for e in items})} pages")
    print(f"parse + round trip: {ok}/{len(items)} = {ok / len(items):.1%}")
    for e, why in failures:
        print(f"  FAIL {e.file}:{e.line}: {why}")
    failed = {id(e) for e, _ in failures}
    speed, n = _speed(items, {id(e) for e in items if id(e) not in failed}, args.repeat)
    print(f"parse speed: {speed:,.0f} statements/s ({n} parses)")
    verdicts = flink_verdicts(items) if args.flink else None
    s = summary(items, failures, verdicts, speed)
    if verdicts is not None:
        f = s["flink"]
        print(f"Flink's parser: {f['accepted_as_written']} accepted as written;"
              f" {f['formatted_and_accepted']} of them accepted after sqlflow fmt")
        for x in f["fmt_broke"] + f["sqlflow_refused"]:
            print(f"  NOT KEPT {x}")
    if args.json:
        args.json.write_text(json.dumps(s, indent=2) + "\n", encoding="utf-8")
    if args.results:
        write_results(args.results, results_section(s))


if __name__ == "__main__":
    main()
