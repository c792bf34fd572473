"""A vectorized @udf whose result does not fit its declared type fails with its name and the value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sqlflow.udf import udf


def _body(result: str, returns):
    @udf(args=["DOUBLE"], result=result)
    def f(x: pd.Series) -> pd.Series:
        return returns(x)

    return f._func


X = pd.Series([10.0, 2.5])


@pytest.mark.parametrize("result, returns", [
    ("BIGINT", lambda x: (x * 2).astype("int64")),
    ("BIGINT", lambda x: pd.Series([20.0, np.nan])),
    ("INT", lambda x: pd.Series([1, None], dtype=object)),
    ("DOUBLE", lambda x: x * 2),
    ("DOUBLE", lambda x: pd.Series([1, 2.5, None][:2], dtype=object)),
    ("STRING", lambda x: x.astype(str)),
    ("STRING", lambda x: pd.Series(["a", None])),
    ("BOOLEAN", lambda x: x > 3),
    ("TIMESTAMP(3)", lambda x: x.astype(str)),  # not checked
])
def test_results_that_fit_pass_unchanged(result, returns):
    out = returns(X)
    assert _body(result, lambda x: out)(X) is out


@pytest.mark.parametrize("result, returns, message", [
    ("BIGINT", lambda x: x.astype(str), "is declared result='BIGINT' but returned str values such as '10.0'"),
    ("BIGINT", lambda x: x, "is declared result='BIGINT' but returned float values such as 2.5"),
    ("DOUBLE", lambda x: pd.Series(["1.5", "2"]), "is declared result='DOUBLE' but returned str values such as '1.5'"),
    ("STRING", lambda x: x * 2, "is declared result='STRING' but returned float values such as 20.0"),
    ("BOOLEAN", lambda x: pd.Series(["yes", "no"]), "is declared result='BOOLEAN' but returned str values"),
])
def test_a_result_of_the_wrong_type_names_the_udf_and_a_value(result, returns, message):
    with pytest.raises(TypeError) as err:
        _body(result, returns)(X)
    assert str(err.value).startswith("UDF f (udf/test_udf_result_check.py:13) " + message)


def test_a_scalar_or_a_short_result_is_refused():
    with pytest.raises(TypeError, match=r"UDF f \(.*\) is vectorized: it must return a pandas Series of 2 "
                                        r"values, one per row, not float 12.5"):
        _body("DOUBLE", lambda x: x.sum())(X)
    with pytest.raises(TypeError, match=r"returned 1 values for 2 rows"):
        _body("DOUBLE", lambda x: x.head(1))(X)
