from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sqlflow.udf.tensorize import Tensorizer
from sqlflow.udf.types import parse_type


def scalars(n: int) -> Tensorizer:
    return Tensorizer([parse_type("DOUBLE")] * n, "float32", None)


def test_scalar_columns_stack_in_order():
    cols = [pd.Series([1.0, 2.0]), pd.Series([3.0, 4.0]), pd.Series([5.0, 6.0])]
    t = scalars(3)(cols)
    assert t.tensor.dtype == np.float32
    np.testing.assert_array_equal(t.tensor, [[1, 3, 5], [2, 4, 6]])
    assert t.valid.tolist() == [True, True] and t.bad == {}


def test_scalar_null_nan_inf_and_nullable_ints():
    cols = [pd.Series([1.0, np.nan, 3.0, 4.0]),
            pd.Series([1.0, 2.0, np.inf, 4.0]),
            pd.Series([1, 2, 3, None], dtype=object)]
    t = Tensorizer([parse_type("DOUBLE"), parse_type("DOUBLE"), parse_type("BIGINT")],
                   "float32", None)(cols)
    assert t.valid.tolist() == [True, False, False, False]
    assert t.bad == {"null": 2, "inf": 1}
    np.testing.assert_array_equal(t.tensor, [[1, 1, 1]])


def test_string_columns_parse_or_count_wrong_type():
    cols = [pd.Series(["1.5", "x", None]), pd.Series([1.0, 2.0, 3.0])]
    t = Tensorizer([parse_type("STRING"), parse_type("DOUBLE")], "float32", None)(cols)
    assert t.valid.tolist() == [True, False, False]
    assert t.bad == {"wrong_type": 1, "null": 1}
    np.testing.assert_array_equal(t.tensor, [[1.5, 1.0]])


def test_out_of_float32_range_is_inf():
    t = scalars(1)([pd.Series([1e300, 2.0])])
    assert t.bad == {"inf": 1} and t.tensor.tolist() == [[2.0]]


def test_allow_nan_passes_nan_through():
    t = Tensorizer([parse_type("DOUBLE")] * 2, "float32", None, allow_nan=True)(
        [pd.Series([np.nan, 1.0]), pd.Series([2.0, np.inf])])
    assert t.bad == {"inf": 1}
    assert np.isnan(t.tensor[0, 0]) and t.tensor[0, 1] == 2.0 and t.tensor.shape == (1, 2)


def test_array_column_all_valid_is_one_reshape():
    rows = [np.arange(4, dtype=np.float32) + i for i in range(3)]
    t = Tensorizer([parse_type("ARRAY<FLOAT>")], "float32", 4)([pd.Series(rows)])
    np.testing.assert_array_equal(t.tensor, np.stack(rows))
    assert t.bad == {}


def test_array_bad_rows_by_reason():
    rows = [np.array([1.0, 2.0]), None, np.array([1.0]), np.array([np.nan, 1.0]),
            np.array([np.inf, 1.0]), np.array([3.0, 4.0]), np.array([1.0, 2.0, 3.0])]
    t = Tensorizer([parse_type("ARRAY<DOUBLE>")], "float32", 2)([pd.Series(rows, dtype=object)])
    assert t.valid.tolist() == [True, False, False, False, False, True, False]
    assert t.bad == {"null": 1, "wrong_length": 2, "nan": 1, "inf": 1}
    np.testing.assert_array_equal(t.tensor, [[1, 2], [3, 4]])


def test_array_of_wrong_types_goes_row_by_row():
    rows = [[1.0, 2.0], ["a", "b"], 5, [3, 4], [[1, 2]]]
    t = Tensorizer([parse_type("ARRAY<DOUBLE>")], "float32", 2)([pd.Series(rows, dtype=object)])
    assert t.valid.tolist() == [True, False, False, True, False]
    assert t.bad == {"wrong_type": 3}
    np.testing.assert_array_equal(t.tensor, [[1, 2], [3, 4]])


def test_integer_model_input():
    t = Tensorizer([parse_type("BIGINT")] * 2, "int64", None)(
        [pd.Series([1, 2]), pd.Series([3, 4])])
    assert t.tensor.dtype == np.int64 and t.tensor.tolist() == [[1, 3], [2, 4]]


def test_width_mismatch_and_unknown_width_fail():
    with pytest.raises(ValueError, match="takes 16 features per row but 3 columns"):
        Tensorizer([parse_type("DOUBLE")] * 3, "float32", 16)
    with pytest.raises(ValueError, match="declare width"):
        Tensorizer([parse_type("ARRAY<FLOAT>")], "float32", None)


def test_arrow_made_rows_become_one_view_without_copy():
    import pyarrow as pa

    x = np.arange(40, dtype=np.float32).reshape(10, 4)
    series = pa.array(list(x), type=pa.list_(pa.float32())).to_pandas()
    t = Tensorizer([parse_type("ARRAY<FLOAT>")], "float32", 4)([series])
    np.testing.assert_array_equal(t.tensor, x)
    assert np.shares_memory(t.tensor, series.iloc[0])  # no copy was made
    part = Tensorizer([parse_type("ARRAY<FLOAT>")], "float32", 4)([series.to_numpy()[3:7]])
    np.testing.assert_array_equal(part.tensor, x[3:7])


def test_rows_of_one_buffer_out_of_order_are_copied_in_row_order():
    x = np.arange(64, dtype=np.float32).reshape(16, 4)
    order = [0, 2, 1] + list(range(3, 16))  # first and last in place, two rows swapped
    rows = np.empty(16, dtype=object)
    rows[:] = [x[i] for i in order]
    t = Tensorizer([parse_type("ARRAY<FLOAT>")], "float32", 4)([rows])
    np.testing.assert_array_equal(t.tensor, x[order])
