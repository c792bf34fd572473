"""One onnxruntime session and the batching around it.

Splits a tensor into batches of a configured size; for a model whose batch
axis is fixed, splits into exactly that size and pads the last batch (the
padded rows' outputs are dropped). On the GPU it binds inputs and outputs
through onnxruntime's I/O binding, reusing the device buffer of a batch
shape it has seen, and can run the model converted to float16.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from sqlflow.udf.provider import CUDA, DEFAULT_SEVERITY, Placement


@dataclass(frozen=True)
class RunOptions:
    """How to run: batch size, threads, pipelining, float16 and I/O binding (GPU only).

    With ``pipeline``, a pandas batch larger than ``batch_size`` is cut into
    model batches and the next one is tensorized while the model runs the
    current one (onnxruntime releases the GIL), in one helper thread. The
    default (None) pipelines on the GPU only: there the host work overlaps
    the device's; on a CPU the helper thread competes with the model for the
    same cores, and in bench/RESULTS.md's model-size sweep it lost with the
    small model and won only with the larger ones.
    """

    batch_size: int | None = 4096
    intra_op_threads: int = 1
    pipeline: bool | None = None
    fp16: bool = False
    io_binding: bool = True


class Runner:
    """Runs one model input through a session in batches; returns the named outputs."""

    def __init__(self, model_bytes: bytes, placement: Placement, input_name: str,
                 output_names: list[str], options: RunOptions):
        import onnxruntime as ort

        self.placement = placement
        self.options = options
        self.input_name = input_name
        self.output_names = list(output_names)
        opts = ort.SessionOptions()
        opts.log_severity_level = DEFAULT_SEVERITY
        opts.intra_op_num_threads = options.intra_op_threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if placement.on_gpu:
            if options.fp16:
                from sqlflow.udf.fp16 import to_fp16

                model_bytes = to_fp16(model_bytes)
            providers = [(CUDA, {"device_id": str(placement.device_id)}), "CPUExecutionProvider"]
        else:
            providers = ["CPUExecutionProvider"]
        self.session = ort.InferenceSession(model_bytes, sess_options=opts, providers=providers)
        self.provider = self.session.get_providers()[0]
        inp = next(i for i in self.session.get_inputs() if i.name == input_name)
        first = inp.shape[0] if inp.shape else None
        self.fixed_batch = first if isinstance(first, int) and first > 0 else None
        self._buffers: dict[tuple[int, ...], object] = {}
        self.batches = 0
        self.infer_seconds = 0.0

    @property
    def step(self) -> int | None:
        """Rows per model batch: the model's fixed batch, else the configured size."""
        return self.fixed_batch or self.options.batch_size

    def run(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """All named outputs for the rows of ``x``, in row order."""
        n = x.shape[0]
        if n == 0:
            return {name: self.empty(name) for name in self.output_names}
        step = self.step or n
        parts: dict[str, list[np.ndarray]] = {name: [] for name in self.output_names}
        for start in range(0, n, step):
            chunk = x[start:start + step]
            rows = chunk.shape[0]
            if self.fixed_batch and rows < self.fixed_batch:
                pad = np.zeros((self.fixed_batch - rows,) + chunk.shape[1:], dtype=chunk.dtype)
                chunk = np.concatenate([chunk, pad])
            outs = self._run_batch(np.ascontiguousarray(chunk))
            for name, out in zip(self.output_names, outs):
                parts[name].append(out[:rows])
        return {name: (p[0] if len(p) == 1 else np.concatenate(p)) for name, p in parts.items()}

    def _run_batch(self, chunk: np.ndarray) -> list[np.ndarray]:
        t0 = time.perf_counter()
        if self.placement.on_gpu and self.options.io_binding:
            outs = self._run_bound(chunk)
        else:
            outs = self.session.run(self.output_names, {self.input_name: chunk})
        self.infer_seconds += time.perf_counter() - t0
        self.batches += 1
        return outs

    def _run_bound(self, chunk: np.ndarray) -> list[np.ndarray]:
        import onnxruntime as ort

        device = self.placement.device_id
        buf = self._buffers.get(chunk.shape)
        if buf is None:
            if len(self._buffers) > 8:  # a few shapes at most: full batches and tails
                self._buffers.clear()
            buf = ort.OrtValue.ortvalue_from_shape_and_type(chunk.shape, chunk.dtype, "cuda", device)
            self._buffers[chunk.shape] = buf
        buf.update_inplace(chunk)
        binding = self.session.io_binding()
        binding.bind_ortvalue_input(self.input_name, buf)
        for name in self.output_names:
            binding.bind_output(name, "cuda", device)
        self.session.run_with_iobinding(binding)
        return binding.copy_outputs_to_cpu()

    def empty(self, name: str) -> np.ndarray:
        """A zero-row array shaped like output ``name``."""
        out = next(o for o in self.session.get_outputs() if o.name == name)
        rest = tuple(d if isinstance(d, int) else 1 for d in out.shape[1:])
        return np.zeros((0,) + rest, dtype=_np_type(out.type))


def _np_type(ort_type: str) -> np.dtype:
    names = {"tensor(float)": "float32", "tensor(double)": "float64", "tensor(float16)": "float16",
             "tensor(int64)": "int64", "tensor(int32)": "int32", "tensor(bool)": "bool"}
    return np.dtype(names.get(ort_type, "float32"))
