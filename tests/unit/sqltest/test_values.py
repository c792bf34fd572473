"""Values: times as strings or epoch millis, the JSON that Flink reads, canonical forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sqlflow.sqltest.values import BadValue, canonical, parse_time, show, to_input, type_family


@pytest.mark.parametrize("value", ["2024-01-01 00:00:10", "2024-01-01T00:00:10", "2024-01-01 00:00:10.000",
                                   "2024-01-01T00:00:10Z", "2024-01-01T01:00:10+01:00", 1704067210000,
                                   "1704067210000", dt.datetime(2024, 1, 1, 0, 0, 10)])
def test_times(value):
    assert parse_time(value) == dt.datetime(2024, 1, 1, 0, 0, 10)


def test_to_input_per_type():
    assert to_input("2024-01-01 00:00:10", "TIMESTAMP(3)") == "2024-01-01 00:00:10.000"
    assert to_input(1704067210500, "TIMESTAMP_LTZ(3)") == "2024-01-01 00:00:10.500Z"
    assert to_input("2024-01-01 00:00:10", "BIGINT") == 1704067210000
    assert to_input("42", "INT") == 42
    assert to_input(1.5, "DECIMAL(10, 2)") == "1.5"
    assert to_input(3, "STRING") == "3"
    assert to_input(dt.date(2024, 1, 2), "DATE") == "2024-01-02"
    assert to_input([1, 2], "ARRAY<INT>") == [1, 2]
    assert to_input("ab", "BYTES") == "YWI="
    with pytest.raises(BadValue, match="'soon' is not a time"):
        to_input("soon", "TIMESTAMP(3)")
    with pytest.raises(BadValue, match="'x' is not a number"):
        to_input("x", "DOUBLE")
    with pytest.raises(BadValue, match="'yes' is not true or false"):
        to_input("yes", "BOOLEAN")


def test_canonical_and_show():
    assert canonical(1704067210000, "TIMESTAMP(3)") == canonical(dt.datetime(2024, 1, 1, 0, 0, 10), "TIMESTAMP")
    assert canonical("1.50", "DECIMAL(4, 2)") == canonical(Decimal("1.5"), "DECIMAL(4, 2)") == Decimal("1.5")
    assert show(canonical("100", "DECIMAL(5, 0)")) == "100"
    assert [canonical(v, "STRING") for v in (dt.date(2024, 1, 2), 7, True, "x")] == ["2024-01-02", "7", "true", "x"]
    assert canonical("2024-01-01 00:00:10", "BIGINT") == canonical(1704067210000, "BIGINT") == 1704067210000
    with pytest.raises(BadValue, match="'ten' is not a whole number"):
        canonical("ten", "INT")
    with pytest.raises(BadValue, match="'x' is not a number"):
        canonical("x", "DECIMAL(3, 1)")
    assert [type_family(t) for t in ("TIMESTAMP(3) WITH LOCAL TIME ZONE", "VARCHAR(3)", "ROW<a INT>")] == [
        "timestamp_ltz", "string", "row"]


@pytest.mark.parametrize("value", [2.211491427572319e+82, 10**20, -(10**20), float("nan"), float("inf")])
def test_epoch_millis_out_of_range_are_bad_values(value):
    # found by fuzzing: timedelta raised OverflowError (an internal error of `sqlflow test`)
    with pytest.raises(BadValue) as err:
        parse_time(value)
    assert err.value.args[0] == f"{value!r} is not a time (epoch milliseconds out of range)"
