"""Turn a batch of SQL columns (pandas Series) into one model input tensor.

Either several numeric (or numeric-string) scalar columns, stacked side by
side, or one ``ARRAY<numeric>`` column with a fixed length per row. A row
that cannot become a valid tensor row is left out and counted by reason; the
caller gives it a NULL result. Note that Flink's Arrow bridge hands NULL and
NaN of a floating-point scalar column to Python alike, as NaN: both count as
``null`` there.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from itertools import repeat
from typing import Sequence

import numpy as np
import pandas as pd

from sqlflow.udf.types import SqlType

#: Why a row was not scored, in the order they are checked.
REASONS: tuple[str, ...] = ("null", "wrong_type", "wrong_length", "nan", "inf")


@dataclass
class Tensorized:
    """The tensor of the valid rows, which rows those are, and why others failed."""

    tensor: np.ndarray  # [n_valid, width]
    valid: np.ndarray  # bool [n_rows]
    bad: dict[str, int] = field(default_factory=dict)

    @property
    def all_valid(self) -> bool:
        return not self.bad


class Tensorizer:
    """Builds model input tensors from the columns of one declared signature."""

    def __init__(self, arg_types: Sequence[SqlType], dtype: np.dtype | str, width: int | None,
                 allow_nan: bool = False, allow_inf: bool = False):
        self.arg_types = tuple(arg_types)
        self.dtype = np.dtype(dtype)
        self.array_input = len(self.arg_types) == 1 and self.arg_types[0].is_array
        if not self.array_input and width is None:
            width = len(self.arg_types)
        if width is None:
            raise ValueError("the width of an ARRAY input is unknown: the model's feature "
                             "axis is dynamic, so declare width=...")
        self.width = int(width)
        if not self.array_input and self.width != len(self.arg_types):
            raise ValueError(f"the model takes {self.width} features per row but "
                             f"{len(self.arg_types)} columns are declared")
        self.allow_nan = allow_nan
        self.allow_inf = allow_inf
        # Build in the model's float type, or in float64 for integer models.
        self.work_dtype = self.dtype if self.dtype.kind == "f" else np.dtype("float64")

    def __call__(self, columns: Sequence[pd.Series | np.ndarray]) -> Tensorized:
        """Tensorize one batch: a Series or numpy array per declared column."""
        if len(columns) != len(self.arg_types):
            raise TypeError(f"expected {len(self.arg_types)} columns, got {len(columns)}")
        n = len(columns[0])
        reason = np.zeros(n, dtype=np.int8)  # 0 = fine, else 1 + index into REASONS
        if self.array_input:
            mat = self._from_array(columns[0], reason)
        else:
            mat = self._from_scalars(columns, reason)
        if mat.dtype.kind == "f" and not (self.allow_nan and self.allow_inf):
            self._check_finite(mat, reason)
        if not reason.any():  # the common case: every row is fine
            return Tensorized(self._cast(mat), np.ones(n, dtype=bool), {})
        valid = reason == 0
        counts = np.bincount(reason, minlength=len(REASONS) + 1)
        bad = {REASONS[i - 1]: int(c) for i, c in enumerate(counts) if i and c}
        return Tensorized(self._cast(mat[valid]), valid, bad)

    def _cast(self, mat: np.ndarray) -> np.ndarray:
        if mat.dtype != self.dtype:
            mat = mat.astype(self.dtype)
        return np.ascontiguousarray(mat)

    # -- many scalar columns ---------------------------------------------------------------

    def _from_scalars(self, columns: Sequence, reason: np.ndarray) -> np.ndarray:
        n = len(columns[0])
        mat = np.empty((n, self.width), dtype=self.work_dtype)
        with np.errstate(over="ignore", invalid="ignore"):  # beyond float32: inf, counted later
            for j, col in enumerate(columns):
                values = np.asarray(col)
                if values.dtype.kind in "fiub":
                    mat[:, j] = values
                    continue
                # object columns: nullable ints/bools, strings, or values of a wrong type
                missing = np.asarray(pd.isna(values), dtype=bool)
                numeric = np.asarray(pd.to_numeric(values, errors="coerce"), dtype="float64")
                _mark(reason, missing, "null")
                _mark(reason, np.isnan(numeric) & ~missing, "wrong_type")
                mat[:, j] = numeric
        return mat

    # -- one ARRAY column ------------------------------------------------------------------

    def _from_array(self, col, reason: np.ndarray) -> np.ndarray:
        n, width = len(col), self.width
        values = np.asarray(col, dtype=object)
        view = _consecutive_view(values, width)
        if view is not None:
            return view
        mat = np.zeros((n, width), dtype=self.work_dtype)
        try:
            lengths = self._lengths(values)
        except TypeError:  # a value with no length: sort the rows out one by one
            return self._from_array_slow(values, reason, mat)
        _mark(reason, lengths == -1, "null")
        _mark(reason, (lengths != width) & (lengths != -1), "wrong_length")
        ok = lengths == width
        if not ok.any():
            return mat
        items = values if ok.all() else values[ok]
        flat = np.concatenate(items) if len(items) > 1 else np.asarray(items[0])
        if flat.dtype.kind not in "fiub":
            return self._from_array_slow(values, reason, mat)
        if ok.all():
            return flat.reshape(n, width).astype(self.work_dtype, copy=False)
        mat[ok] = flat.reshape(-1, width)
        return mat

    def _from_array_slow(self, values: np.ndarray, reason: np.ndarray,
                         mat: np.ndarray) -> np.ndarray:
        for i, v in enumerate(values):
            if reason[i]:
                continue
            if v is None:
                reason[i] = _code("null")
                continue
            try:
                row = np.asarray(v, dtype="float64")
            except (TypeError, ValueError):
                reason[i] = _code("wrong_type")
                continue
            if row.ndim != 1 or row.shape[0] != self.width:
                reason[i] = _code("wrong_length" if row.ndim == 1 else "wrong_type")
                continue
            mat[i] = row
        return mat

    def _check_finite(self, mat: np.ndarray, reason: np.ndarray) -> None:
        """Count NaN and inf rows; one sum over the batch when all is finite."""
        with np.errstate(over="ignore", invalid="ignore"):
            if mat.size == 0 or np.isfinite(mat.sum()):
                return
        # NaN in a scalar column is how Arrow hands over a NULL, so it counts as null there
        nan_reason = "nan" if self.array_input else "null"
        if not self.allow_nan:
            _mark(reason, np.isnan(mat).any(axis=1), nan_reason)
        if not self.allow_inf:
            _mark(reason, np.isinf(mat).any(axis=1), "inf")

    @staticmethod
    def _lengths(values: np.ndarray) -> np.ndarray:
        try:
            return np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        except TypeError:  # None (NULL) rows, or values without a length
            return np.fromiter((-1 if v is None else len(v) for v in values),
                               dtype=np.int64, count=len(values))


_BASE = operator.attrgetter("base")


def _consecutive_view(values: np.ndarray, width: int) -> np.ndarray | None:
    """The rows as one [n, width] view, without copying, when they tile one buffer.

    Arrow's list-to-pandas conversion makes every row a slice, in offset
    order, of one flat values array. When every row is a 1-D view of the same
    base with exactly ``width`` numbers, and the first, last and sampled rows
    sit at consecutive addresses, the rows tile that buffer and a reshape of
    it is the tensor. Anything else (NULL rows, other lengths, copies) takes
    the general path.
    """
    n = len(values)
    first = values[0] if n else None
    if not isinstance(first, np.ndarray) or first.ndim != 1 or first.dtype.kind not in "fiu":
        return None
    base = first.base
    if not isinstance(base, np.ndarray) or not base.flags.c_contiguous or base.dtype != first.dtype:
        return None
    try:  # C-level passes over the rows: same base object, same length
        if not all(map(operator.is_, map(_BASE, values), repeat(base))):
            return None
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    except (AttributeError, TypeError):  # None rows, or values that are not arrays
        return None
    if (lengths != width).any():
        return None
    item = first.dtype.itemsize
    start = first.ctypes.data
    for i in {n - 1, *range(0, n, max(1, n // 16))}:
        if values[i].ctypes.data != start + i * width * item or values[i].strides != (item,):
            return None
    offset = (start - base.ctypes.data) // item
    flat = base.reshape(-1)
    if offset < 0 or offset + n * width > flat.size:
        return None
    return flat[offset:offset + n * width].reshape(n, width)


def _code(name: str) -> int:
    return REASONS.index(name) + 1


def _mark(reason: np.ndarray, mask: np.ndarray, name: str) -> None:
    """Give rows in ``mask`` the reason ``name`` unless an earlier one already holds."""
    if mask.any():
        reason[mask & (reason == 0)] = _code(name)
