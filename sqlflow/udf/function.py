"""The PyFlink scalar function that runs an ONNX model over pandas batches.

Flink pickles the function object on the client and unpickles it in each
Python worker, so the constructor only stores the declaration; the model is
read, the provider chosen and the session created in :meth:`open`.
"""

from __future__ import annotations

import os
import sys
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pyflink.table.udf import FunctionContext, ScalarFunction

from sqlflow.errors import Location, ModelError, did_you_mean
from sqlflow.udf import provider
from sqlflow.udf.metrics import UdfMetrics, UdfStats
from sqlflow.udf.model import model_signature
from sqlflow.udf.runner import Runner, RunOptions
from sqlflow.udf.tensorize import Tensorizer
from sqlflow.udf.types import SqlType, parse_type

#: A ROW field's source that means "the model version" rather than a model output.
VERSION = "$version"
_SOURCE = re.compile(r"^(?P<name>[^\[\]]+)(\[(?P<index>\d+)\])?$")


@dataclass(frozen=True)
class OnnxUdfConfig:
    """Everything an ONNX UDF declaration says; picklable, no runtime state."""

    name: str
    model: str
    arg_types: tuple[str, ...]
    result_type: str
    output: str | None = None  # model output (optionally "name[i]") for a non-ROW result
    input: str | None = None  # model input fed from the columns; default: its only input
    fields: tuple[tuple[str, str], ...] = ()  # ROW field -> output source or VERSION
    width: int | None = None  # features per row, where the model's shape does not say
    allow_nan: bool = False
    allow_inf: bool = False
    device: str = "auto"  # "auto", "cuda" or "cpu"
    device_id: int | None = None  # a fixed GPU; default: the one Flink assigned
    run: RunOptions = field(default_factory=RunOptions)
    base_dir: str | None = None  # where a relative model path is looked up first
    file: str | None = None  # the declaration, for error locations
    line: int = 0


class OnnxFunction(ScalarFunction):
    """Scores rows with an ONNX model; bad rows give NULL and a counted reason."""

    def __init__(self, config: OnnxUdfConfig):
        self.config = config
        self._reset()

    def _reset(self) -> None:
        self.runner: Runner | None = None
        self.tensorizer: Tensorizer | None = None
        self.metrics: UdfMetrics | None = None
        self.version: str | None = None
        self.model_path: str | None = None
        self._result: SqlType | None = None
        self._pool = None  # one helper thread for pipelining, made in open()
        self._sources: list[tuple[str, str, int | None]] = []  # field, output, column

    def __getstate__(self) -> dict:
        return {"config": self.config}

    def __setstate__(self, state: dict) -> None:
        self.config = state["config"]
        self._reset()

    @property
    def stats(self) -> UdfStats:
        """Rows, batches, bad rows and inference time since :meth:`open`."""
        return self.metrics.stats if self.metrics else UdfStats()

    @property
    def placement(self) -> provider.Placement | None:
        return self.runner.placement if self.runner else None

    # -- lifecycle -------------------------------------------------------------------------

    def open(self, function_context: FunctionContext | None = None) -> None:
        """Load the model, choose the provider and create the session (once per worker)."""
        cfg = self.config
        path = self.resolve_model()
        signature = model_signature(path)
        self.model_path, self.version = str(path), signature.version
        inp = self._model_input(signature)
        self._result = parse_type(cfg.result_type)
        self._sources = self._output_sources(signature)
        width = cfg.width
        if width is None and len(inp.shape) >= 2 and isinstance(inp.shape[-1], int):
            width = inp.shape[-1]
        args = [parse_type(t) for t in cfg.arg_types]
        try:
            self.tensorizer = Tensorizer(args, inp.elem_type, width, cfg.allow_nan, cfg.allow_inf)
        except ValueError as exc:
            raise self._error(f"UDF {cfg.name}: {exc}", "model-signature") from None
        gpu = provider.assigned_gpu(function_context, cfg.device_id)
        placement = provider.choose(cfg.device, gpu)
        needed = sorted({src for _, src, _ in self._sources if src != VERSION})
        self.runner = Runner(path.read_bytes(), placement, inp.name, needed, cfg.run)
        if self.runner.provider != placement.provider:  # the session fell back
            placement = provider.Placement(self.runner.provider, 0, "session fell back to CPU")
            self.runner.placement = placement
        provider.log_once(cfg.name, placement)
        self.metrics = UdfMetrics(function_context)
        pipeline = placement.on_gpu if cfg.run.pipeline is None else cfg.run.pipeline
        if pipeline and self.runner.step:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix=f"sqlflow-udf-{cfg.name}")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self._reset()

    def resolve_model(self) -> Path:
        """The model file: absolute, or under $SQLFLOW_PROJECT_ROOT, the project, or the cwd."""
        cfg = self.config
        model = Path(cfg.model)
        if model.is_absolute():
            return model
        roots = [os.environ.get("SQLFLOW_PROJECT_ROOT"), cfg.base_dir, os.getcwd()]
        for root in roots:
            if root and (Path(root) / model).is_file():
                return Path(root) / model
        # on a remote cluster: the folder shipped with the job (python.files) holds udfs/ and models/
        for root in sys.path:
            if root and (Path(root) / model).is_file():
                return Path(root) / model
        tried = ", ".join(str(Path(r) / model) for r in roots if r)
        raise self._error(f"UDF {cfg.name}: model file {cfg.model!r} not found (looked at {tried})",
                          "model-not-found")

    # -- the work --------------------------------------------------------------------------

    def eval(self, *columns: pd.Series) -> pd.Series | pd.DataFrame:
        """Score one Arrow batch: a pandas Series per argument, one result per row."""
        if self.runner is None:
            self.open(None)
        runner = self.runner
        n = len(columns[0])
        arrays = [c.to_numpy() if isinstance(c, pd.Series) else np.asarray(c) for c in columns]
        batches0, seconds0 = runner.batches, runner.infer_seconds
        step = runner.step or n
        if self._pool is None or n <= step:
            t = self.tensorizer(arrays)
            outs = runner.run(t.tensor) if t.tensor.shape[0] else {}
            valid, bad = t.valid, t.bad
        else:
            outs, valid, bad = self._pipelined(arrays, n, step)
        self.metrics.record(n, runner.batches - batches0, bad, runner.infer_seconds - seconds0)
        return self._decode(outs, valid, n)

    def _pipelined(self, arrays: list[np.ndarray], n: int,
                   step: int) -> tuple[dict[str, np.ndarray], np.ndarray, dict[str, int]]:
        """Tensorize model batch k+1 on this thread while the helper runs batch k."""
        parts = []
        for start in range(0, n, step):
            t = self.tensorizer([a[start:start + step] for a in arrays])
            job = self._pool.submit(self.runner.run, t.tensor) if t.tensor.shape[0] else None
            parts.append((t, job))
        bad: dict[str, int] = {}
        for t, _ in parts:
            for reason, count in t.bad.items():
                bad[reason] = bad.get(reason, 0) + count
        valid = np.concatenate([t.valid for t, _ in parts])
        results = [job.result() for _, job in parts if job is not None]
        outs = {name: np.concatenate([r[name] for r in results]) for name in results[0]} \
            if results else {}
        return outs, valid, bad

    def _decode(self, outs: dict[str, np.ndarray], valid: np.ndarray,
                n: int) -> pd.Series | pd.DataFrame:
        result = self._result
        if not result.is_row:
            _, src, col = self._sources[0]
            return _column(result, self._output(outs, src), col, valid, n, self.version)
        data = {}
        for (name, src, col), (_, ftype) in zip(self._sources, result.fields):
            data[name] = _column(ftype, self._output(outs, src), col, valid, n, self.version)
        return pd.DataFrame(data)

    def _output(self, outs: dict[str, np.ndarray], src: str) -> np.ndarray | None:
        if src == VERSION:
            return None
        if src in outs:
            return outs[src]
        return self.runner.empty(src)  # no valid row in this batch

    # -- checks against the model ----------------------------------------------------------

    def _model_input(self, signature):
        cfg = self.config
        names = [i.name for i in signature.inputs]
        if cfg.input is not None:
            for i in signature.inputs:
                if i.name == cfg.input:
                    return i
            hint = did_you_mean(cfg.input, names)
            raise self._error(f"UDF {cfg.name}: model has no input {cfg.input!r} "
                              f"(inputs: {', '.join(names)})", "model-signature",
                              hint=f"did you mean {hint!r}?" if hint else None)
        if len(signature.inputs) != 1:
            raise self._error(f"UDF {cfg.name}: model has inputs {', '.join(names)}; "
                              "name the one to feed with input=...", "model-signature")
        return signature.inputs[0]

    def _output_sources(self, signature) -> list[tuple[str, str, int | None]]:
        cfg, result = self.config, self._result
        outputs = {o.name: o for o in signature.outputs}
        pairs = list(cfg.fields) if result.is_row else [("", cfg.output or signature.outputs[0].name)]
        sources = []
        for fname, src in pairs:
            if src == VERSION:
                sources.append((fname, VERSION, None))
                continue
            m = _SOURCE.match(src)
            name, index = (m.group("name"), m.group("index")) if m else (src, None)
            if name not in outputs:
                hint = did_you_mean(name, outputs)
                raise self._error(f"UDF {cfg.name}: model has no output {name!r} "
                                  f"(outputs: {', '.join(outputs)})", "model-signature",
                                  hint=f"did you mean {hint!r}?" if hint else None)
            sources.append((fname, name, int(index) if index is not None else None))
        return sources

    def _error(self, message: str, rule: str, hint: str | None = None) -> ModelError:
        cfg = self.config
        loc = Location(cfg.file, cfg.line, 1) if cfg.file else None
        return ModelError(message, location=loc, rule=rule, hint=hint)


def _column(sql_type: SqlType, out: np.ndarray | None, col: int | None, valid: np.ndarray,
            n: int, version: str | None) -> pd.Series:
    """One result column: model values on valid rows, NULL on the others."""
    if out is None:  # the model version, a STRING
        values = np.full(n, None, dtype=object)
        values[valid] = version
        return pd.Series(values)
    if out.ndim == 1:
        rows = out.reshape(-1, 1)
    else:
        rows = out.reshape(out.shape[0], int(np.prod(out.shape[1:])))
    if sql_type.is_array:
        values = np.full(n, None, dtype=object)
        dtype = sql_type.elem.numpy_dtype or rows.dtype
        for i, row in zip(np.flatnonzero(valid), rows.astype(dtype, copy=False)):
            values[i] = row
        return pd.Series(values)
    if col is None:
        if rows.shape[1] != 1:
            raise ValueError(f"a model output has {rows.shape[1]} values per row; "
                             "pick one as 'output[i]'")
        col = 0
    picked = rows[:, col]
    dtype = sql_type.numpy_dtype
    if dtype is not None and dtype.kind == "f" and len(picked) == n:  # every row valid
        return pd.Series(picked.astype(dtype, copy=False), copy=False)
    if dtype is not None and dtype.kind == "f":
        values = np.full(n, np.nan, dtype=dtype)
        values[valid] = picked
        return pd.Series(values)
    if dtype is not None:  # integers and booleans: an object column where NULLs are needed
        values = picked.astype(dtype) if dtype.kind != "b" else picked > 0.5
        if valid.all():
            return pd.Series(values)
        full = np.full(n, None, dtype=object)
        full[valid] = values
        return pd.Series(full)
    raise ValueError(f"cannot return a model output as {sql_type}")
