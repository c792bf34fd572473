"""The row diff: multiset and ordered matching, keys, tolerance, and the printed text."""

from __future__ import annotations

from decimal import Decimal

from sqlflow.sqltest.changelog import apply_changelog
from sqlflow.sqltest.diff import ExpectedRow, compare, render_diff
from sqlflow.sqltest.values import canonical


def _exp(*rows):
    return [ExpectedRow(r, f"t.yaml:{10 + i}") for i, r in enumerate(rows)]


def test_multiset_match_in_any_order_passes():
    diff = compare("out", "t.yaml:9", _exp({"a": 1}, {"a": 2}, {"a": 2}), [{"a": 2}, {"a": 1}, {"a": 2}], ["a"])
    assert diff.ok and (diff.expected, diff.produced) == (3, 3)


def test_missing_unexpected_and_changed_rows_are_printed():
    expected = _exp({"id": 1, "n": 2, "s": "x"}, {"id": 2, "n": 1, "s": "y"}, {"id": 3, "n": 1, "s": None})
    produced = [{"id": 1, "n": 3, "s": "x'"}, {"id": 4, "n": 1, "s": "z"}, {"id": 3, "n": 1, "s": None}]
    diff = compare("out", "t.yaml:9", expected, produced, ["id", "n", "s"], key=["id"])
    assert render_diff(diff).splitlines() == [
        "t.yaml:9: rows of out differ (3 expected, 3 produced)",
        "  - missing row (t.yaml:11): {id: 2, n: 1, s: 'y'}",
        "  + unexpected row: {id: 4, n: 1, s: 'z'}",
        "  ~ row with id=1 (t.yaml:10):",
        "      n: expected 2, got 3",
        "      s: expected 'x', got 'x'''",
    ]


def test_without_a_key_rows_are_only_missing_or_unexpected():
    diff = compare("out", "", _exp({"id": 1, "n": 2}), [{"id": 1, "n": 3}], ["id", "n"])
    assert render_diff(diff).splitlines() == [
        "rows of out differ (1 expected, 1 produced)",
        "  - missing row (t.yaml:10): {id: 1, n: 2}",
        "  + unexpected row: {id: 1, n: 3}",
    ]


def test_only_named_columns_are_compared():
    diff = compare("out", "", _exp({"id": 1}), [{"id": 1, "other": "ignored"}], ["id"])
    assert diff.ok


def test_ordered_compares_positions():
    expected = _exp({"r": 1}, {"r": 2}, {"r": 3})
    assert compare("out", "", expected, [{"r": 1}, {"r": 2}, {"r": 3}], ["r"], ordered=True).ok
    diff = compare("out", "", expected, [{"r": 1}, {"r": 3}, {"r": 2}], ["r"], ordered=True)
    assert render_diff(diff).splitlines() == [
        "rows of out differ (3 expected, 3 produced)",
        "  - missing row (t.yaml:11): {r: 2}",
        "  + unexpected row: {r: 2}",
    ] or render_diff(diff).splitlines() == [
        "rows of out differ (3 expected, 3 produced)",
        "  - missing row (t.yaml:12): {r: 3}",
        "  + unexpected row: {r: 3}",
    ]
    swapped = compare("out", "", expected, [{"r": 1}, {"r": 9}, {"r": 3}], ["r"], ordered=True)
    assert render_diff(swapped).splitlines() == [
        "rows of out differ (3 expected, 3 produced)",
        "  ~ row 2 (t.yaml:11):",
        "      r: expected 2, got 9",
    ]


def test_tolerance_for_floats_and_decimals():
    exp = _exp({"x": canonical(0.3333, "DOUBLE"), "d": canonical("1.50", "DECIMAL(10, 2)")})
    got = [{"x": canonical(1 / 3, "DOUBLE"), "d": canonical(Decimal("1.5"), "DECIMAL(10, 2)")}]
    assert not compare("out", "", exp, got, ["x", "d"]).ok
    assert compare("out", "", exp, got, ["x", "d"], tolerance=1e-3).ok


def test_changelog_applied_with_and_without_key():
    changes = [("+I", (1, 1)), ("-U", (1, 1)), ("+U", (1, 2)), ("+I", (2, 1)), ("-D", (2, 1))]
    assert apply_changelog(changes) == [(1, 2)]
    assert apply_changelog([("+I", (1, "a")), ("+I", (1, "b"))], key=[0]) == [(1, "b")]
    assert apply_changelog([("+I", (1, "a")), ("+I", (1, "a"))]) == [(1, "a"), (1, "a")]
