"""Compare produced rows with expected rows and print the difference row by row.

Only the columns that the expected rows name are compared (as in dbt unit
tests); a column that one expected row names and another leaves out is
expected to be null there. Rows match as a multiset unless the expectation is
``ordered``; missing and unexpected rows with the same key are shown as one
row with per-column differences.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from sqlflow.sqltest.values import same, show

Row = Mapping[str, Any]


@dataclass(frozen=True)
class ExpectedRow:
    """An expected row (canonical values) and where it is written."""

    values: dict[str, Any]
    where: str  # "file:line", or "" when the test came from a dict


@dataclass
class TableDiff:
    """The outcome of comparing one sink table."""

    table: str
    where: str  # where the expectation is written
    columns: tuple[str, ...]
    expected: int
    produced: int
    missing: list[ExpectedRow] = field(default_factory=list)
    unexpected: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[ExpectedRow, dict[str, Any], list[str]]] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # ordered: the 1-based position of each changed row
    key: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.changed or self.notes)


def _project(row: Row, columns: Sequence[str]) -> dict[str, Any]:
    return {c: row.get(c) for c in columns}


def _same_row(a: Row, b: Row, columns: Sequence[str], tolerance: float) -> bool:
    return all(same(a.get(c), b.get(c), tolerance) for c in columns)


def compare(table: str, where: str, expected: Sequence[ExpectedRow], produced: Sequence[Row],
            columns: Sequence[str], key: Sequence[str] = (), ordered: bool = False,
            tolerance: float = 1e-9) -> TableDiff:
    """Match ``produced`` against ``expected`` on ``columns``."""
    cols = tuple(columns)
    rows = [_project(r, cols) for r in produced]
    diff = TableDiff(table, where, cols, len(expected), len(rows),
                     key=tuple(k for k in key if k in cols) if key and all(k in cols for k in key) else ())
    if ordered:
        a = [repr(sorted(e.values.items())) for e in expected]
        b = [repr(sorted(r.items())) for r in rows]
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            if op == "equal":
                continue
            exp_part, got_part = list(expected[i1:i2]), rows[j1:j2]
            if op == "replace" and len(exp_part) == len(got_part):
                for pos, (e, g) in enumerate(zip(exp_part, got_part), j1 + 1):
                    if _same_row(e.values, g, cols, tolerance):
                        continue
                    diff.changed.append((e, g, [c for c in cols if not same(e.values.get(c), g.get(c), tolerance)]))
                    diff.positions.append(pos)
                continue
            diff.missing.extend(exp_part)
            diff.unexpected.extend(got_part)
        return diff
    left = list(rows)
    for e in expected:
        hit = next((i for i, r in enumerate(left) if _same_row(e.values, r, cols, tolerance)), None)
        if hit is None:
            diff.missing.append(e)
        else:
            left.pop(hit)
    diff.unexpected = left
    if diff.key:
        still_missing = []
        for e in diff.missing:
            k = [e.values.get(c) for c in diff.key]
            hit = next((i for i, r in enumerate(diff.unexpected)
                        if all(same(kv, r.get(c), tolerance) for kv, c in zip(k, diff.key))), None)
            if hit is None:
                still_missing.append(e)
                continue
            got = diff.unexpected.pop(hit)
            diff.changed.append((e, got, [c for c in cols if not same(e.values.get(c), got.get(c), tolerance)]))
        diff.missing = still_missing
    return diff


def _row_text(values: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {show(v)}" for k, v in values.items()) + "}"


def render_diff(diff: TableDiff) -> str:
    """The text shown for a failed table: a header at the expectation, then one line per difference."""
    where = f"{diff.where}: " if diff.where else ""
    out = [f"{where}rows of {diff.table} differ ({diff.expected} expected, {diff.produced} produced)"]
    for note in diff.notes:
        out.append(f"  ! {note}")
    for e in diff.missing:
        at = f" ({e.where})" if e.where else ""
        out.append(f"  - missing row{at}: {_row_text(e.values)}")
    for got in diff.unexpected:
        out.append(f"  + unexpected row: {_row_text(got)}")
    for n, (e, got, cols) in enumerate(diff.changed):
        at = f" ({e.where})" if e.where else ""
        if diff.positions:
            which = f"row {diff.positions[n]}"
        else:
            which = "row with " + ", ".join(f"{c}={show(e.values.get(c))}" for c in diff.key)
        out.append(f"  ~ {which}{at}:")
        for c in cols:
            out.append(f"      {c}: expected {show(e.values.get(c))}, got {show(got.get(c))}")
    return "\n".join(out)
