"""Declaring UDFs in ``udfs/``: ``onnx_udf(...)`` for models, ``@udf(...)`` for the rest.

Each declaration returns a real PyFlink function object (what
``pyflink.table.udf.udf`` returns), so a job registers it with
``CREATE TEMPORARY FUNCTION f AS 'udfs.scoring.f' LANGUAGE PYTHON`` or
``t_env.create_temporary_function``; its ``spec`` attribute is the
:class:`~sqlflow.udf.spec.UdfSpec` the compiler checks calls against.

Example::

    from sqlflow.udf import onnx_udf, udf

    ctr_score = onnx_udf("ctr_score", model="models/ctr.onnx",
                         inputs=["ARRAY<FLOAT>"], result="DOUBLE", output="probability")

    @udf(args=["STRING"], result="BIGINT")
    def text_length(s):
        return s.str.len()
"""

from __future__ import annotations

import decimal
import functools
import inspect
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from pyflink.table.udf import UserDefinedScalarFunctionWrapper
from pyflink.table.udf import udf as flink_udf

from sqlflow.errors import Location, UdfError
from sqlflow.udf.function import VERSION, OnnxFunction, OnnxUdfConfig
from sqlflow.udf.runner import RunOptions
from sqlflow.udf.spec import UdfSpec
from sqlflow.udf.types import SqlType, TypeParseError, parse_type

_VERSION_FIELDS = ("model_version", "version")


def onnx_udf(name: str, model: str, inputs: Sequence[str], result: str, *,
             output: str | None = None, input: str | None = None,
             fields: Mapping[str, str] | None = None, width: int | None = None,
             batch_size: int | None = 4096, device: str = "auto", device_id: int | None = None,
             fp16: bool = False, io_binding: bool = True, intra_op_threads: int = 1,
             pipeline: bool | None = None,
             allow_nan: bool = False, allow_inf: bool = False,
             doc: str | None = None) -> UserDefinedScalarFunctionWrapper:
    """Declare a vectorized UDF that runs an ONNX model.

    ``inputs`` are the SQL argument types: several numeric scalar columns
    (stacked into one ``[batch, n]`` tensor) or one ``ARRAY<...>`` column.
    ``output`` names the model output for a scalar or ARRAY ``result``
    ("name" or "name[i]" for one column of a wider output). For a ROW
    ``result``, ``fields`` maps field names to outputs or to
    :data:`VERSION`; by default a ``model_version``/``version`` STRING
    field gets the model version, the first other field ``output`` and the
    rest the output of their own name.

    Run options: ``batch_size`` rows per model batch (a model with a fixed
    batch axis is split and padded to it); ``device`` "auto" (CUDA where a
    GPU is usable), "cuda" or "cpu"; ``device_id`` a fixed GPU (default: the
    one Flink assigned); ``fp16`` and ``io_binding`` on the GPU;
    ``pipeline`` overlaps tensorizing with inference (default: on the GPU);
    ``allow_nan``/``allow_inf`` let such values reach the model instead of
    giving NULL.
    """
    file, line = _caller()
    where = Location(file, line, 1) if file else None
    arg_types = tuple(inputs)
    parsed_args = [_parse(t, "argument", where) for t in arg_types]
    parsed_result = _parse(result, "result", where)
    _check_model_args(name, parsed_args, where)
    row_fields: tuple[tuple[str, str], ...] = ()
    if parsed_result.is_row:
        row_fields = _row_sources(name, parsed_result, output, fields or {}, where)
    elif fields:
        raise UdfError(f"UDF {name}: fields=... needs a ROW result, not {result}",
                       location=where, rule="udf-declaration")
    elif not (parsed_result.is_numeric or parsed_result.is_array):
        raise UdfError(f"UDF {name}: a model result must be numeric, ARRAY or ROW, not {result}",
                       location=where, rule="udf-declaration")
    if device not in ("auto", "cuda", "cpu"):
        raise UdfError(f"UDF {name}: device must be 'auto', 'cuda' or 'cpu', not {device!r}",
                       location=where, rule="udf-declaration")
    if batch_size is not None and batch_size < 1:
        raise UdfError(f"UDF {name}: batch_size must be positive", location=where,
                       rule="udf-declaration")
    config = OnnxUdfConfig(
        name=name, model=str(model), arg_types=arg_types, result_type=result,
        output=output, input=input, fields=row_fields, width=width,
        allow_nan=allow_nan, allow_inf=allow_inf, device=device, device_id=device_id,
        run=RunOptions(batch_size=batch_size, intra_op_threads=intra_op_threads,
                       pipeline=pipeline, fp16=fp16, io_binding=io_binding),
        base_dir=_project_dir(file), file=file, line=line)
    wrapper = flink_udf(OnnxFunction(config), input_types=list(arg_types), result_type=result,
                        func_type="pandas", name=name, deterministic=True)
    wrapper.spec = UdfSpec(name=name, module=_caller_module(), attr=name, arg_types=arg_types,
                           result_type=result, func_type="pandas", file=file, line=line,
                           model=str(model), doc=doc,
                           options={"output": output, "input": input, "fields": dict(row_fields),
                                    "batch_size": batch_size, "device": device, "fp16": fp16,
                                    "pipeline": pipeline})
    return wrapper


def udf(args: Sequence[str], result: str, *, name: str | None = None, vectorized: bool = True,
        deterministic: bool = True) -> Callable[[Callable], UserDefinedScalarFunctionWrapper]:
    """Declare a plain Python UDF; vectorized ones get and return pandas Series."""

    def wrap(func: Callable) -> UserDefinedScalarFunctionWrapper:
        file = inspect.getsourcefile(func)
        line = func.__code__.co_firstlineno
        where = Location(file, line, 1) if file else None
        arg_types = tuple(args)
        for t in arg_types:
            _parse(t, "argument", where)
        _parse(result, "result", where)
        sql_name = name or func.__name__
        func_type = "pandas" if vectorized else "general"
        body = func
        if vectorized:
            at = f"{Path(file).parent.name}/{Path(file).name}:{line}" if file else "?"
            body = _CheckedResult(func, sql_name, result, at)
        wrapper = flink_udf(body, input_types=list(arg_types), result_type=result,
                            func_type=func_type, name=sql_name, deterministic=deterministic)
        wrapper.spec = UdfSpec(name=sql_name, module=func.__module__, attr=func.__name__,
                               arg_types=arg_types, result_type=result, func_type=func_type,
                               file=file, line=line, doc=inspect.getdoc(func))
        return wrapper

    return wrap


_INTEGERS = ("TINYINT", "SMALLINT", "INT", "INTEGER", "BIGINT")
_FLOATS = ("FLOAT", "DOUBLE", "REAL")


class _CheckedResult:
    """A vectorized UDF body that checks what it returns against its declared result type, so a
    mismatch names the UDF and the value (Arrow's own conversion error names neither). Only
    STRING, BOOLEAN and integer and floating-point results are checked; a batch of the expected
    dtype costs one dtype test."""

    def __init__(self, func: Callable, name: str, result: str, where: str):
        self.func, self.name, self.result, self.where = func, name, result, where
        parsed = parse_type(result)
        self.family = ("integer" if parsed.name in _INTEGERS else "float" if parsed.name in _FLOATS
                       else "boolean" if parsed.name == "BOOLEAN" else "string" if parsed.is_string else None)
        functools.update_wrapper(self, func)

    def __call__(self, *args: Any) -> Any:
        out = self.func(*args)
        rows = len(args[0]) if args and hasattr(args[0], "__len__") else None
        if rows is not None and (not hasattr(out, "__len__") or isinstance(out, (str, bytes))):
            raise TypeError(f"UDF {self.name} ({self.where}) is vectorized: it must return a pandas Series "
                            f"of {rows} values, one per row, not {type(_plain(out)).__name__} {_show(out)}")
        if rows is not None and len(out) != rows:
            raise TypeError(f"UDF {self.name} ({self.where}) returned {len(out)} values for {rows} rows: "
                            "a vectorized UDF returns one value per row")
        bad = self._bad_value(out) if self.family else None
        if bad is not None:
            raise TypeError(f"UDF {self.name} ({self.where}) is declared result={self.result!r} but returned "
                            f"{type(_plain(bad)).__name__} values such as {_show(bad)}: convert them "
                            f"(.astype(...)) or declare the result type it returns")
        return out

    def _bad_value(self, out: Any) -> Any:
        """A returned value that does not fit the declared family, or None."""
        import numpy as np
        import pandas as pd

        values = out if isinstance(out, pd.Series) else pd.Series(out)
        kind = values.dtype.kind
        family = self.family
        if (family == "integer" and kind in "iub") or (family == "float" and kind in "iufb") \
                or (family == "boolean" and kind == "b"):
            return None
        if family == "integer" and kind == "f":
            finite = values[np.isfinite(values)]
            fractional = finite[finite != np.floor(finite)]
            return fractional.iloc[0] if len(fractional) else None
        if kind != "O" and not (family == "string" and isinstance(values.dtype, pd.StringDtype)):
            return values.iloc[0] if len(values) else None
        fits = {"integer": lambda v: isinstance(v, (int, np.integer)) or (isinstance(v, float) and v.is_integer()),
                "float": lambda v: isinstance(v, (int, float, decimal.Decimal, np.number)),
                "boolean": lambda v: isinstance(v, (bool, np.bool_)),
                "string": lambda v: isinstance(v, (str, bytes))}[family]
        for v in values:
            if v is not None and v is not pd.NA and not (isinstance(v, float) and v != v) and not fits(v):
                return v
        return None


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds (its repr is what a user wrote)."""
    return value.item() if hasattr(value, "item") and getattr(value, "ndim", None) == 0 else value


def _show(value: Any) -> str:
    text = repr(_plain(value))
    return text if len(text) <= 40 else text[:37] + "..."


def spec_of(obj: object) -> UdfSpec | None:
    """The UdfSpec of an object declared with :func:`onnx_udf` or :func:`udf`, else None."""
    spec = getattr(obj, "spec", None)
    if isinstance(obj, UserDefinedScalarFunctionWrapper) and isinstance(spec, UdfSpec):
        return spec
    return None


def onnx_function(obj: UserDefinedScalarFunctionWrapper) -> OnnxFunction:
    """The :class:`OnnxFunction` inside a declared ONNX UDF (to open and call it directly)."""
    func = getattr(obj, "_func", None)
    if not isinstance(func, OnnxFunction):
        raise TypeError(f"{obj!r} is not an ONNX UDF")
    return func


def with_options(obj: UserDefinedScalarFunctionWrapper, **changes) -> UserDefinedScalarFunctionWrapper:
    """A copy of an ONNX UDF with other run options (batch_size, fp16, device, ...)."""
    cfg = onnx_function(obj).config
    run_keys = {"batch_size", "intra_op_threads", "pipeline", "fp16", "io_binding"}
    run = replace(cfg.run, **{k: v for k, v in changes.items() if k in run_keys})
    cfg = replace(cfg, run=run, **{k: v for k, v in changes.items() if k not in run_keys})
    wrapper = flink_udf(OnnxFunction(cfg), input_types=list(cfg.arg_types),
                        result_type=cfg.result_type, func_type="pandas", name=cfg.name,
                        deterministic=True)
    wrapper.spec = obj.spec
    return wrapper


# -- helpers --------------------------------------------------------------------------------

def _parse(text: str, what: str, where: Location | None) -> SqlType:
    try:
        return parse_type(text)
    except (TypeParseError, AttributeError, TypeError) as exc:
        loc = _locate_text(where, text)
        raise UdfError(f"bad {what} type {text!r}: {exc}", location=loc,
                       rule="udf-type") from None


def _locate_text(where: Location | None, text: object) -> Location | None:
    """Point at the type string in the declaration's line, when it is there."""
    if where is None or not isinstance(text, str):
        return where
    line = where.source_line() or ""
    col = line.find(text)
    if col >= 0:
        return Location(where.file, where.line, col + 1, max(len(text), 1))
    return where


def _check_model_args(name: str, args: list[SqlType], where: Location | None) -> None:
    if not args:
        raise UdfError(f"UDF {name}: a model UDF needs at least one input column",
                       location=where, rule="udf-declaration")
    if len(args) == 1 and args[0].is_array:
        if not (args[0].elem.is_numeric or args[0].elem.is_string):
            raise UdfError(f"UDF {name}: ARRAY input must hold numbers, not {args[0].elem}",
                           location=where, rule="udf-declaration")
        return
    for t in args:
        if t.is_array or t.is_row:
            raise UdfError(f"UDF {name}: give either one ARRAY column or scalar columns, "
                           f"not {t} among {len(args)} inputs", location=where,
                           rule="udf-declaration")
        if not (t.is_numeric or t.is_string):
            raise UdfError(f"UDF {name}: input type {t} cannot feed a model",
                           location=where, rule="udf-declaration")


def _row_sources(name: str, result: SqlType, output: str | None, fields: Mapping[str, str],
                 where: Location | None) -> tuple[tuple[str, str], ...]:
    known = {f for f, _ in result.fields}
    for extra in set(fields) - known:
        raise UdfError(f"UDF {name}: fields names {extra!r}, which the ROW result lacks",
                       location=where, rule="udf-declaration")
    sources, used_default = [], False
    for fname, ftype in result.fields:
        if fname in fields:
            src = fields[fname]
        elif ftype.is_string and fname in _VERSION_FIELDS:
            src = VERSION
        elif output is not None and not used_default:
            src, used_default = output, True
        else:
            src = fname
        if src == VERSION and not ftype.is_string:
            raise UdfError(f"UDF {name}: field {fname} carries the model version, so it "
                           f"must be STRING, not {ftype}", location=where, rule="udf-declaration")
        if src != VERSION and not (ftype.is_numeric or ftype.is_array):
            raise UdfError(f"UDF {name}: field {fname} {ftype} cannot hold a model output",
                           location=where, rule="udf-declaration")
        sources.append((fname, src))
    return tuple(sources)


def _caller() -> tuple[str | None, int]:
    frame = sys._getframe(2)
    return frame.f_code.co_filename, frame.f_lineno


def _caller_module() -> str:
    return sys._getframe(2).f_globals.get("__name__", "__main__")


def _project_dir(file: str | None) -> str | None:
    """The project root for a declaration in ``<root>/udfs/x.py``: the folder above udfs/."""
    if not file or file.startswith("<"):
        return None
    return str(Path(file).resolve().parent.parent)
