"""Does ``sqlflow validate`` agree with Flink? One-fault mutants of the shipped SQL and the fixture project.

Each mutant makes one mistake of the kinds people make (a renamed column,
table or function, a lost comma, a lost CREATE FUNCTION, a changed type, a
watermark on another column, a broken connector option, a UDF declared with
other types) in a copy of a project. Both judges see every mutant: the static
validator (``compile_project``) and Flink's own planner (``planner_check``,
EXPLAIN in the embedded JVM, on the files the mutant can affect). A mutant
Flink refuses and validate passes is a false clean; for the mutants validate
refuses, the first error must sit at the fault's own line (the line changed,
or a line that uses the changed name).

    .venv/bin/python bench/bench_agreement.py [--per-kind N] [--seed S] [--json bench/agreement_results.json]
                                              [--results bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlglot import exp

from sqlflow.compiler import compile_project
from sqlflow.config import substitute
from sqlflow.dialect import expressions as fx
from sqlflow.dialect import parse_script_partial, statement_texts
from sqlflow.flink.explain import planner_check  # Flink's judgement: the one entry point used here
from sqlflow.flink.parser import flink_parser

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = {"shipped": ROOT, "fixture": ROOT / "tests" / "fixtures" / "projects" / "good"}
BEGIN = "<!-- bench/bench_agreement.py writes this section; edits by hand are replaced -->"
END = "<!-- end of bench/bench_agreement.py's section -->"
KINDS = ("rename-column", "rename-table", "rename-function", "drop-comma", "drop-create-function", "change-type",
         "watermark-column", "connector-option", "udf-types")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TYPE_SWAP = {"BIGINT": "STRING", "INT": "STRING", "DOUBLE": "STRING", "FLOAT": "STRING", "STRING": "BIGINT",
              "BOOLEAN": "INT", "TIMESTAMP(3)": "BIGINT", "TIMESTAMP_LTZ(3)": "STRING", "DATE": "BIGINT"}


@dataclass(frozen=True)
class Mutant:
    """One fault: in ``file`` (relative to the project) the text ``old`` at ``offset`` becomes ``new``."""

    project: str
    kind: str
    file: str
    offset: int
    old: str
    new: str
    line: int
    what: str
    #: (file, line) where the fault is, or shows: the changed line and the lines using the changed name
    fault_lines: frozenset[tuple[str, int]] = field(default=frozenset(), compare=False)

    @property
    def label(self) -> str:
        return f"{self.project}:{self.file}:{self.line} {self.kind}: {self.what}"


@dataclass
class Verdict:
    """What each judge said about one mutant."""

    mutant: Mutant
    static: list[str]  # errors, "file:line:col: [rule] message", in the order validate shows them
    flink: list[str]  # the planner's errors
    first_at_fault: bool

    @property
    def false_clean(self) -> bool:
        return bool(self.flink) and not self.static

    @property
    def false_alarm(self) -> bool:
        return bool(self.static) and not self.flink


# ---------------------------------------------------------------------- finding the places to break

def _sql_files(root: Path) -> list[Path]:
    return sorted((root / "sql").rglob("*.sql"))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _offsets(node: exp.Expression) -> tuple[int, int] | None:
    meta = node._meta  # noqa: SLF001 - sqlglot keeps token offsets there
    if meta and "start" in meta:
        return meta["start"], meta["end"] + 1
    return None


def _uses(root: Path, name: str) -> set[tuple[str, int]]:
    """Every (file, line) of the project's SQL where ``name`` appears as a word (its uses)."""
    out = set()
    for path in _sql_files(root):
        rel = str(path.relative_to(root))
        for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = text.split("--", 1)[0]
            if any(m.group(0) == name for m in _WORD.finditer(code)):
                out.add((rel, n))
    return out


@lru_cache(maxsize=None)
def _inserts_into(root: Path, table: str) -> frozenset[tuple[str, int]]:
    """Every line of the INSERT statements that write ``table``: a changed column shows where it is written."""
    out: set[tuple[str, int]] = set()
    for path in _sql_files(root):
        rel = str(path.relative_to(root))
        for stmt in _statements(path):
            inserts = stmt.expression.expressions if isinstance(stmt.expression, fx.StatementSet) else \
                [stmt.expression]
            for ins in inserts:
                if isinstance(ins, exp.Insert):
                    target = ins.this.this if isinstance(ins.this, exp.Schema) else ins.this
                    if isinstance(target, exp.Table) and target.name == table:
                        text, where = stmt.text_of(ins), stmt.start_of(ins)
                        out |= {(rel, n) for n in range(where.line, where.line + text.count("\n") + 1)}
    return frozenset(out)


def _statements(path: Path):
    return parse_script_partial(path.read_text(encoding="utf-8"), str(path)).statements


def _statement_lines(rel: str, stmt) -> frozenset[tuple[str, int]]:
    first = stmt.location.line
    return frozenset((rel, n) for n in range(first, first + stmt.sql.count("\n") + 1))


def _offsets_deep(node: exp.Expression) -> tuple[int, int] | None:
    starts, ends = [], []
    for n in node.walk():
        pos = _offsets(n)
        if pos is not None:
            starts.append(pos[0])
            ends.append(pos[1])
    return (min(starts), max(ends)) if starts else None


class _Finder:
    """Collects the mutants of one SQL file."""

    def __init__(self, project: str, root: Path, path: Path, out: dict[str, list[Mutant]]):
        self.project, self.root, self.out = project, root, out
        self.rel = str(path.relative_to(root))
        self.text = path.read_text(encoding="utf-8")

    def add(self, kind: str, start: int, end: int, new: str, what: str, faults=frozenset()) -> None:
        old = self.text[start:end]
        if not old or old == new:
            return
        line = _line(self.text, start)
        self.out[kind].append(Mutant(self.project, kind, self.rel, start, old, new, line, what,
                                     frozenset(faults) | {(self.rel, line)}))

    def rename(self, kind: str, node: exp.Expression, suffix: str, what: str, faults=frozenset()) -> None:
        pos = _offsets(node)
        if pos is not None:
            old = self.text[pos[0]:pos[1]]
            new = f"`{old.strip('`')}{suffix}`" if old.startswith("`") else old + suffix
            self.add(kind, pos[0], pos[1], new, what, faults)

    def statement(self, stmt) -> None:
        tree, text, rel = stmt.expression, self.text, self.rel
        if isinstance(tree, exp.Create) and str(tree.kind).upper() == "TABLE" and isinstance(tree.this, exp.Schema):
            self.table(tree, stmt)
        if isinstance(tree, exp.Create) and str(tree.kind).upper() == "FUNCTION":
            start = text.find(stmt.sql)
            if start >= 0:
                end = start + len(stmt.sql) + (1 if text[start + len(stmt.sql):].startswith(";") else 0)
                blank = "".join("\n" if ch == "\n" else " " for ch in text[start:end])
                self.add("drop-create-function", start, end, blank, f"CREATE FUNCTION {tree.this.name} removed",
                         _uses(self.root, tree.this.name))
        for node in tree.walk():
            if isinstance(node, exp.Select) and len(node.expressions) >= 2:
                for a, b in zip(node.expressions, node.expressions[1:]):
                    pa, pb = _offsets_deep(a), _offsets_deep(b)
                    if pa is None or pb is None:
                        continue
                    between = text[pa[1]:pb[0]]
                    if between.count(",") == 1 and "--" not in between and "/*" not in between:
                        comma = pa[1] + between.index(",")
                        self.add("drop-comma", comma, comma + 1, "",
                                 f"comma after {text[pa[0]:pa[1]].splitlines()[0][:30]!r}",
                                 {(rel, _line(text, pa[1] - 1))})
            elif isinstance(node, exp.Table) and node.name and not isinstance(tree, exp.Create) \
                    and not isinstance(node.parent, (exp.Schema, fx.ModelArgument)) and not node.args.get("db"):
                self.rename("rename-table", node.this, "x", f"reference to {node.name} misspelt")
            elif isinstance(node, exp.Column) and not isinstance(tree, exp.Create) and isinstance(node.this,
                                                                                               exp.Identifier):
                self.rename("rename-column", node.this, "x", f"reference to {node.name} misspelt")
            elif isinstance(node, exp.Anonymous) and isinstance(node.this, str) and node.this.isidentifier():
                pos = _offsets(node)
                if pos is not None and text[pos[0]:pos[0] + len(node.this)] == node.this:
                    self.add("rename-function", pos[0], pos[0] + len(node.this), node.this + "x",
                             f"call to {node.this} misspelt")

    def table(self, tree: exp.Create, stmt) -> None:
        table = tree.this.this
        self.rename("rename-table", table.this, "_x", f"table {table.name} renamed", _uses(self.root, table.name))
        cols = [c for c in tree.this.expressions if isinstance(c, exp.ColumnDef)]
        written = _inserts_into(self.root, table.name)
        for c in cols:
            self.rename("rename-column", c.this, "_x", f"column {table.name}.{c.name} renamed",
                        _uses(self.root, c.name) | written)
            kind = c.args.get("kind")
            pos = _offsets_deep(kind) if kind is not None else None
            old = kind.sql(dialect="flink") if kind is not None else ""
            if pos is not None and old in _TYPE_SWAP and self.text[pos[0]:pos[1]].upper() == old:
                self.add("change-type", pos[0], pos[1], _TYPE_SWAP[old],
                         f"{table.name}.{c.name} {old} -> {_TYPE_SWAP[old]}", _uses(self.root, c.name) | written)
        wm = next((w for w in tree.this.expressions if isinstance(w, exp.WatermarkColumnConstraint)), None)
        pos = _offsets(wm.this.this) if wm is not None and isinstance(wm.this.this, exp.Identifier) else None
        if pos is not None:
            for c in [c for c in cols if c.name != wm.this.name and c.args.get("kind") is not None][:3]:
                self.add("watermark-column", pos[0], pos[1], c.name, f"WATERMARK FOR {c.name} ({table.name})")
        lines = _statement_lines(self.rel, stmt)
        for prop in (tree.args.get("properties") or exp.Properties()).expressions:
            if type(prop) is exp.Property and isinstance(prop.this, exp.Literal):
                key = prop.this.name
                pos = _offsets(prop.this)
                if key in ("format", "value.format", "topic", "connector", "path") and pos is not None:
                    old = self.text[pos[0]:pos[1]]
                    broken = key.replace("o", "", 1)
                    self.add("connector-option", pos[0], pos[1], old.replace(key, broken, 1),
                             f"option '{key}' -> '{broken}'", lines)


def candidates(project: str, root: Path) -> dict[str, list[Mutant]]:
    """Every mutant of every kind this project offers, in a stable order."""
    out: dict[str, list[Mutant]] = {k: [] for k in KINDS}
    for path in _sql_files(root):
        finder = _Finder(project, root, path, out)
        for stmt in _statements(path):
            finder.statement(stmt)
    _udf_candidates(project, root, out)
    return out


def _udf_candidates(project: str, root: Path, out: dict[str, list[Mutant]]) -> None:
    """``inputs=["DOUBLE"] * 16`` -> ``["STRING"]``; ``@udf(["BIGINT"], ...)`` -> ``["STRING"]``."""
    for path in sorted((root / "udfs").glob("*.py")):
        rel = str(path.relative_to(root))
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"(inputs=\[|@udf\(\[|args=\[)\"(DOUBLE|FLOAT|BIGINT|STRING|INT)\"", text):
            old = m.group(2)
            new = "STRING" if old != "STRING" else "BIGINT"
            if m.group(1) == "inputs=[":
                found = re.findall(r"onnx_udf\(\s*\"(\w+)\"", text[:m.start()])
                fn = found[-1] if found else ""
            else:
                found = re.search(r"def (\w+)", text[m.end():])
                fn = found.group(1) if found else ""
            line = _line(text, m.start(2))
            faults = {(rel, n) for n in range(max(1, line - 2), line + 1)} | (_uses(root, fn) if fn else set())
            out["udf-types"].append(Mutant(project, "udf-types", rel, m.start(2), old, new, line,
                                           f"{fn or 'a UDF'} declared with {new} for {old}", frozenset(faults)))


def sample(per_kind: int, seed: int) -> list[Mutant]:
    """Up to ``per_kind`` mutants of each kind from each project, drawn with ``seed``."""
    rng = random.Random(seed)
    out = []
    for project, root in PROJECTS.items():
        found = candidates(project, root)
        for kind in KINDS:
            pool = sorted(set(found[kind]), key=lambda m: (m.file, m.offset, m.new))
            out.extend(rng.sample(pool, min(per_kind, len(pool))))
    return out


# ---------------------------------------------------------------------- judging one mutant

def _materialize(m: Mutant, into: Path) -> Path:
    src = PROJECTS[m.project]
    root = into / "project"
    for part in ("sql", "udfs", "models"):  # copies: a project's folders may not lead out of it
        if (src / part).is_dir():
            shutil.copytree(src / part, root / part, ignore=shutil.ignore_patterns("__pycache__", "*.test.yaml"))
    shutil.copy(src / "sqlflow.yaml", root / "sqlflow.yaml")
    target = root / m.file
    text = target.read_text(encoding="utf-8")
    assert text[m.offset:m.offset + len(m.old)] == m.old, m.label
    target.write_text(text[:m.offset] + m.new + text[m.offset + len(m.old):], encoding="utf-8")
    return root


def _forget_udfs(root: Path) -> None:
    """Each mutant imports its own copy of udfs/: drop the last one from this process."""
    for name in [n for n in sys.modules if n == "udfs" or n.startswith("udfs.")]:
        del sys.modules[name]
    sys.path[:] = [p for p in sys.path if not p.startswith(tempfile.gettempdir() + os.sep + "agree-")]
    sys.path.insert(0, str(root))


@lru_cache(maxsize=None)
def _shared_files(project: str) -> frozenset[str]:
    """The project's files of only definitions (every job may read them)."""
    compiled = compile_project(PROJECTS[project])
    return frozenset(f.rel for f in compiled.project.files if not compiled.project.is_job(f))


def _affected(m: Mutant, root: Path, compiled) -> list[Path] | None:
    """The SQL files Flink must plan to see the mutant: its own job file with the files its session
    takes definitions from, or all of them (a shared file or a UDF changed)."""
    shared = _shared_files(m.project)
    if m.file.startswith("sql/") and m.file not in shared:
        needed = {r.rpartition(":")[0] for r in compiled.job(m.file).requires} | set(shared)
        return [root / m.file, *(root / f for f in sorted(needed - {m.file}))]
    return None


def judge(m: Mutant) -> Verdict:
    """Both judges on one mutant."""
    with tempfile.TemporaryDirectory(prefix="agree-") as tmp:
        root = _materialize(m, Path(tmp))
        _forget_udfs(root)
        whole = compile_project(root)
        static = [d for d in whole.diagnostics if d.severity == "error"]
        compiled = compile_project(root, _affected(m, root, whole))
        flink = [_line_of(d) for d in planner_check(compiled) if d.severity == "error"]
        flink += _flink_parser_errors(root, m.file, compiled)
    first = static[0] if static else None
    at_fault = first is not None and first.location is not None and (
        (first.location.file, first.location.line) in m.fault_lines | _lines(flink))
    return Verdict(m, [_line_of(d) for d in static], flink, at_fault)


def _lines(flink: list[str]) -> set[tuple[str, int]]:
    """The (file, line) Flink blames: where it sees the fault is the fault's place as much as the edit is."""
    out = set()
    for said in flink:
        file, _, rest = said.partition(":")
        line = rest.split(":", 1)[0]
        if line.isdigit():
            out.add((file, int(line)))
    return out


def _flink_parser_errors(root: Path, rel: str, compiled) -> list[str]:
    """Flink's parser on every statement of the mutated SQL file: the planner only sees what parses here."""
    if not rel.endswith(".sql"):
        return []
    text, _ = substitute((root / rel).read_text(encoding="utf-8"), compiled.config.lookup_var)
    out = []
    for sql, start in statement_texts(text):
        verdict = flink_parser().parse(sql)
        if not verdict.ok:
            out.append(f"{rel}:{start.line + max(verdict.line - 1, 0)}: [flink-parser] {verdict.message[:160]}")
    return out


def _line_of(d) -> str:
    loc = d.location
    where = f"{loc.file}:{loc.line}:{loc.column}" if loc is not None and loc.line else (loc.file if loc else "?")
    return f"{where}: [{d.rule}] {d.message.splitlines()[0][:160]}"


# ---------------------------------------------------------------------- figures

def summary(verdicts: list[Verdict], seconds: float) -> dict:
    refused_static = [v for v in verdicts if v.static]
    refused_flink = [v for v in verdicts if v.flink]
    by_kind: dict[str, dict[str, int]] = {}
    for v in verdicts:
        k = by_kind.setdefault(v.mutant.kind, {"mutants": 0, "static": 0, "flink": 0, "false_clean": 0,
                                               "false_alarm": 0, "first_at_fault": 0})
        k["mutants"] += 1
        k["static"] += bool(v.static)
        k["flink"] += bool(v.flink)
        k["false_clean"] += v.false_clean
        k["false_alarm"] += v.false_alarm
        k["first_at_fault"] += bool(v.static) and v.first_at_fault
    at_fault = sum(1 for v in refused_static if v.first_at_fault)
    return {
        "date": datetime.date.today().isoformat(),
        "seconds": round(seconds),
        "load_average": round(os.getloadavg()[0], 1),
        "mutants": len(verdicts),
        "refused_by_validate": len(refused_static),
        "refused_by_flink": len(refused_flink),
        "false_clean": len([v for v in verdicts if v.false_clean]),
        "false_alarm": len([v for v in verdicts if v.false_alarm]),
        "first_error_at_fault": at_fault,
        "first_error_at_fault_share": round(at_fault / len(refused_static), 4) if refused_static else None,
        "by_kind": by_kind,
        "disagreements": [
            {"mutant": v.mutant.label, "validate": v.static[:3], "flink": v.flink[:3],
             "false_clean": v.false_clean} for v in verdicts if v.false_clean or v.false_alarm],
        "not_at_fault": [{"mutant": v.mutant.label, "first_error": v.static[0]}
                         for v in refused_static if not v.first_at_fault],
    }


def results_section(s: dict, per_kind: int, seed: int) -> str:
    share = s["first_error_at_fault_share"]
    lines = [
        BEGIN,
        "### Agreement with Flink on one-fault mutants",
        "",
        f"`python bench/bench_agreement.py --per-kind {per_kind} --seed {seed} --results bench/RESULTS.md`,"
        f" {s['date']}, {s['seconds']} s (load average {s['load_average']}; the machine is shared). Every mutant"
        " makes one mistake in a copy of the shipped project (`sql/`, `udfs/`) or the fixture project"
        " (`tests/fixtures/projects/good`); `sqlflow validate` and Flink 2.2.1's planner (EXPLAIN in the embedded"
        " JVM, `planner_check`) judge each. Raw figures: `bench/agreement_results.json`.",
        "",
        "| what | mutants |",
        "|---|---:|",
        f"| mutants | {s['mutants']} |",
        f"| refused by `sqlflow validate` | {s['refused_by_validate']} |",
        f"| refused by Flink's planner | {s['refused_by_flink']} |",
        f"| **false clean** (Flink refuses, validate passes) | **{s['false_clean']}** |",
        f"| false alarm (validate refuses, Flink's planner passes) | {s['false_alarm']} |",
        f"| refused by validate with the cause as the first error, at the fault's line | {s['first_error_at_fault']}"
        f" / {s['refused_by_validate']} = {share:.1%} |" if share is not None else "| ... | - |",
        "",
        "| kind | mutants | validate refuses | Flink refuses | false clean | false alarm | cause first |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, k in sorted(s["by_kind"].items()):
        lines.append(f"| {kind} | {k['mutants']} | {k['static']} | {k['flink']} | {k['false_clean']} |"
                     f" {k['false_alarm']} | {k['first_at_fault']} |")
    lines.append("")
    if s["disagreements"]:
        lines.append("Disagreements:")
        lines.append("")
        for d in s["disagreements"]:
            said = d["flink"][0] if d["false_clean"] else d["validate"][0]
            who = "Flink" if d["false_clean"] else "validate"
            lines.append(f"- {d['mutant']}: only {who} refuses: {said}")
        lines.append("")
    if s["not_at_fault"]:
        lines.append("Refused, but the first error is elsewhere:")
        lines.append("")
        lines += [f"- {d['mutant']}: {d['first_error']}" for d in s["not_at_fault"]]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write_results(path: Path, section: str) -> None:
    """Replace this script's section of RESULTS.md (or put it after the parse section)."""
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        anchor = "<!-- end of bench/bench_parse.py's section -->\n"
        head, rest = text.split(anchor, 1)
        text = head + anchor + "\n" + section + "\n" + rest
    path.write_text(text, encoding="utf-8")


def run(per_kind: int, seed: int, progress: bool = False) -> tuple[list[Verdict], float]:
    mutants = sample(per_kind, seed)
    start = time.perf_counter()
    verdicts = []
    for i, m in enumerate(mutants, start=1):
        v = judge(m)
        verdicts.append(v)
        if progress:
            flag = "FALSE CLEAN" if v.false_clean else "false alarm" if v.false_alarm else ""
            print(f"[{i}/{len(mutants)}] {m.label}: validate {len(v.static)}, flink {len(v.flink)}"
                  f"{'' if v.first_at_fault or not v.static else ' (first error elsewhere)'} {flag}", flush=True)
    return verdicts, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=8, help="mutants of each kind from each project")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--results", type=Path, help="write the figures into this RESULTS.md")
    args = parser.parse_args()
    verdicts, seconds = run(args.per_kind, args.seed, progress=True)
    s = summary(verdicts, seconds)
    print(json.dumps({k: v for k, v in s.items() if k not in ("by_kind",)}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(s, indent=2) + "\n", encoding="utf-8")
    if args.results:
        write_results(args.results, results_section(s, args.per_kind, args.seed))


if __name__ == "__main__":
    main()
