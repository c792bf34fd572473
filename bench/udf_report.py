"""The "UDF runtime" section of bench/RESULTS.md, rendered from bench/udf_results.json alone.

Every figure in the section comes from the JSON that ``bench/bench_udf.py`` writes (``micro``,
``micro_sweep``, ``gpu``, ``gpu_repeat``, ``gpu_no_io_binding``, ``flink``), with the machine (and
the date, where the part recorded one) it was measured on; the prose around the tables says only
how the figures were taken. ``python bench/bench_udf.py results`` re-renders the section without
measuring anything, and every subcommand that updates the JSON does so after saving.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Iterable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import RESULTS, ROOT, fmt_rate, fmt_ratio, write_section  # noqa: E402

JSON = ROOT / "bench" / "udf_results.json"
PLOT = ROOT / "bench" / "udf_throughput.png"
SECTION = "UDF runtime"
#: The sections whose Flink jobs supersede the ``flink`` part's (written by their own scripts).
PREDICT_SECTION = "ML_PREDICT: native and Python runtimes against SQL"
DEFAULTS_SECTION = "Defaults: the settings model calls run with"
#: Targets the runtime was built against: the share of raw onnxruntime's rows/s it should reach.
CPU_TARGET = 0.9
GPU_TARGET = 0.8

#: The paths of ``micro``, in table order.
MICRO_PATHS = {
    "raw": "raw onnxruntime, ready float32 tensors",
    "by_hand": "by hand, 16 DOUBLE Series",
    "columns": "runtime, 16 DOUBLE columns",
    "float_columns": "runtime, 16 FLOAT columns",
    "array": "runtime, one ARRAY<FLOAT> column",
    "columns_pipelined": "runtime, 16 DOUBLE columns, pipelined",
}
#: The ``flink`` part's tuning arguments, as the Flink settings they set (sqlflow.udf.python_config).
FLINK_KEYS = {
    "execution_mode": "python.execution-mode",
    "arrow_batch_size": "python.fn-execution.arrow.batch.size",
    "bundle_size": "python.fn-execution.bundle.size",
    "bundle_time_ms": "python.fn-execution.bundle.time",
}


def model_name(layers: Iterable[int]) -> str:
    return "-".join(str(n) for n in layers)


def measured_on(part: dict, machine: dict | None = None) -> str:
    """``<date>, <machine>`` where the part has a date, else ``measured on <machine>``."""
    m = machine if machine is not None else part.get("machine", {})
    bits = [f"{m['cpus']} cores" if m.get("cpus") else None, m.get("cpu"),
            f"Python {m['python']}" if m.get("python") else None,
            f"onnxruntime {m['onnxruntime']}" if m.get("onnxruntime") else None]
    text = ", ".join(b for b in bits if b) or "a machine the JSON does not describe"
    if m.get("loadavg"):
        text += ", load average " + " / ".join(f"{x:.1f}" for x in m["loadavg"]) + " when it finished"
    return f"{part['date']}, {text}" if part.get("date") else f"measured on {text}"


def _table(head: list[str], align: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"] + ["| " + " | ".join(r) + " |" for r in rows]


def _span(values: list[float]) -> str:
    vals = [v for v in values if v == v]
    if not vals:
        return "n/a"
    lo, hi = min(vals), max(vals)
    return fmt_ratio(lo) if fmt_ratio(lo) == fmt_ratio(hi) else f"{fmt_ratio(lo)}-{fmt_ratio(hi)}"


# -- micro ---------------------------------------------------------------------------------------

def micro_table(part: dict) -> list[str]:
    """Rows/s of each path with its ratio to raw onnxruntime and to the by-hand UDF."""
    rates, ratio, by_hand = part["rows_per_s"], part.get("ratio", {}), part.get("ratio_by_hand", {})
    rows = []
    for key, label in MICRO_PATHS.items():
        if key not in rates:
            continue
        if key == "columns_pipelined" and part.get("model_batch"):
            label += f" (model batches of {part['model_batch']:,})"
        rows.append([label, fmt_rate(rates[key]), "1.00" if key == "raw" else fmt_ratio(ratio.get(key)),
                     "1.00" if key == "by_hand" else fmt_ratio(by_hand.get(key)) if key != "raw" else ""])
    return _table(["path", "rows/s", "vs raw", "vs by hand"], ["---", "---:", "---:", "---:"], rows)


def micro_text(part: dict) -> list[str]:
    ratio = part.get("ratio", {})
    runtime = {k: v for k, v in ratio.items() if k not in ("by_hand",)}
    best = max(runtime, key=runtime.get) if runtime else None
    lines = [
        "### CPU: the runtime against raw onnxruntime (`micro`)", "",
        f"`python bench/bench_udf.py micro`, {measured_on(part)}. MLP {model_name(part['model'])} (seeded random "
        f"weights), {part['rows']:,} rows in pandas batches of {part['batch']:,}, median of {part['repeats']} "
        "interleaved repeats, one intra-op thread on both sides, the CPU execution provider. *raw*: `session.run` "
        "on ready float32 `[batch, 16]` arrays, the ceiling; *by hand*: the least a hand-written pandas UDF does "
        "with the same 16 DOUBLE Series (stack them, cast to float32, `session.run`, a result Series), the "
        "practical ceiling for anything Flink feeds; *runtime*: `OnnxFunction.eval` on the pandas Series PyFlink "
        "hands a vectorized UDF (16 columns, or one ARRAY column as Arrow's list-to-pandas conversion makes it), "
        "which also checks every row for NULL/NaN/infinity, keeps metrics and builds typed results.", "",
    ] + micro_table(part) + [""]
    if best is not None:
        verdict = "met" if runtime[best] >= CPU_TARGET else "**not met**"
        lines += [f"Target >= {CPU_TARGET} of raw: {verdict} (best: {MICRO_PATHS[best]}, {fmt_ratio(runtime[best])}). "
                  "Against the by-hand UDF the runtime's paths reach "
                  f"{_span(list(part.get('ratio_by_hand', {}).values()))}.", ""]
    return lines


def sweep_text(sweep: dict) -> list[str]:
    """The model-size sweep: raw rows/s and each path's ratio to raw, one row per model."""
    parts = list(sweep.values())
    first = parts[0]
    same = all({k: v for k, v in p.get("machine", {}).items() if k != "loadavg"}
               == {k: v for k, v in first.get("machine", {}).items() if k != "loadavg"} for p in parts)
    where = measured_on(first, {k: v for k, v in first.get("machine", {}).items() if k != "loadavg"}) if same \
        else "machines: " + "; ".join(f"{name}: {measured_on(p)}" for name, p in sweep.items())
    lines = [
        "### Model size (`micro-sweep`)", "",
        f"`python bench/bench_udf.py micro-sweep`, {where}: the `micro` measurement for MLPs of growing size "
        f"({first['rows']:,} rows each, pandas batches of {first['batch']:,}, median of {first['repeats']}). The "
        "runtime's work per row does not depend on the model, so the ratios show how much of it a bigger model "
        "hides. Ratios to raw onnxruntime:", "",
    ]
    paths = [k for k in MICRO_PATHS if k != "raw"]
    rows, met, missed = [], [], []
    for name, p in sweep.items():
        r = p.get("ratio", {})
        load = p.get("machine", {}).get("loadavg")
        rows.append([name, fmt_rate(p["rows_per_s"].get("raw"))] + [fmt_ratio(r.get(k)) for k in paths]
                    + [f"{load[0]:.1f}" if load else "n/a"])
        (met if r.get("columns", float("nan")) >= CPU_TARGET else missed).append(name)
    head = ["model", "raw rows/s", "by hand", "16 DOUBLE cols", "16 FLOAT cols", "ARRAY", "16 cols pipelined",
            "load (1 min) at the end"]
    lines += _table(head, ["---"] + ["---:"] * (len(head) - 1), rows) + [""]
    lines += [f"Target >= {CPU_TARGET} of raw with 16 DOUBLE columns: met with {', '.join(met) or 'none'}; "
              f"not met with {', '.join(missed) or 'none'}.", ""]
    return lines


# -- gpu -----------------------------------------------------------------------------------------

#: The GPU parts of the JSON: ``gpu``, a second run of it (``gpu --repeat``) and one without I/O
#: binding (``gpu --no-io-binding``).
GPU_RUNS = {"gpu": "`gpu`", "gpu_repeat": "`gpu_repeat`", "gpu_no_io_binding": "`gpu_no_io_binding`"}


def _io_binding(part: dict) -> str:
    if "io_binding" in part:
        return "on" if part["io_binding"] else "off"
    return "not recorded"


def _device(part: dict) -> str:
    """nvidia-smi's ``name, driver, memory`` as ``name (driver ..., memory)``."""
    dev = part.get("device") or "not recorded"
    bits = dev.split(", ")
    return f"{bits[0]} (driver {bits[1]}, {bits[2]})" if len(bits) == 3 else dev


def gpu_table(part: dict) -> list[str]:
    rows = []
    for r in part["runs"]:
        rows.append([r["precision"], f"{r['batch']:,}", f"{r['raw_rows_per_s'] / 1e6:.2f}",
                     f"{r['runtime_rows_per_s'] / 1e6:.2f}", fmt_ratio(r["ratio"]),
                     f"{r['serial_rows_per_s'] / 1e6:.2f}", fmt_ratio(r["serial_ratio"]),
                     f"{r['tensorize_ms']:.1f} / {r['run_ms']:.1f} / {r['eval_ms']:.1f}",
                     f"{r['rel_err_vs_raw']:.0e}" if r["rel_err_vs_raw"] else "0"])
    head = ["precision", "model batch", "raw Mrows/s", "runtime Mrows/s", "ratio", "serial Mrows/s",
            "serial ratio", "per pandas batch: tensorize / model / eval ms", "rel. error vs raw"]
    return _table(head, ["---", "---:", "---:", "---:", "---:", "---:", "---:", "---", "---:"], rows)


def gpu_text(results: dict) -> list[str]:
    runs = {k: results[k] for k in GPU_RUNS if k in results}
    main_key = next(iter(runs))
    main = runs[main_key]
    first = main["runs"][0]
    lines = [
        "### GPU: the runtime against raw onnxruntime on CUDA (`gpu`)", "",
        f"`python bench/bench_udf.py gpu`, {measured_on(main)}; device: {_device(main)}. "
        f"MLP {model_name(main['model'])} (seeded random weights); fp16 is the runtime's own conversion (float16 "
        "weights and arithmetic, float32 inputs and outputs), applied to both sides"
        + (f"; {main['rows']:,} rows per measurement, median of {main['repeats']} interleaved repeats"
           if main.get("rows") else "") + ". *raw*: `session.run` on float32 numpy batches of the model batch "
        "size (the host-to-device copy included, as the runtime has it too); *runtime*: `OnnxFunction.eval` on "
        f"Arrow-made pandas batches of {first['arrow_rows'] // first['batch']} model batches (as with Flink's Arrow "
        "batch size set to that multiple of the model batch), pipelined: the next model batch is tensorized while "
        "the device runs the current one; *serial*: the same without pipelining. I/O binding: "
        f"{_io_binding(main)}. Per pandas batch: tensorizing alone, its model batches alone, and all of `eval` "
        "(mean of 3).", "",
    ] + gpu_table(main) + [""]
    if len(runs) > 1:
        lines += ["The ratio to raw onnxruntime run by run, same device and code (the parts of the JSON: `gpu`, "
                  "a second run of it in `gpu_repeat`, one without I/O binding in `gpu_no_io_binding`):", ""]
        head = ["precision", "model batch"] + [f"{GPU_RUNS[k]}, I/O binding {_io_binding(p)}"
                                               for k, p in runs.items()]
        rows = []
        for i, r in enumerate(main["runs"]):
            rows.append([r["precision"], f"{r['batch']:,}"] + [
                fmt_ratio(p["runs"][i]["ratio"]) if i < len(p["runs"]) and p["runs"][i]["batch"] == r["batch"]
                and p["runs"][i]["precision"] == r["precision"] else "n/a" for p in runs.values()])
        lines += _table(head, ["---", "---:"] + ["---:"] * len(runs), rows) + [""]
        others = [k for k in runs if k != main_key]
        lines += ["Those runs: " + "; ".join(f"{GPU_RUNS[k]} {measured_on(runs[k])}, device "
                                             f"{_device(runs[k])}" for k in others) + ".", ""]
    every = [r for p in runs.values() for r in p["runs"]]
    met = [r for r in every if r["ratio"] >= GPU_TARGET]
    best = max(every, key=lambda r: r["ratio"])
    lines += [f"Target >= {GPU_TARGET} of raw: met in {len(met)} of {len(every)} measurements"
              + (" (" + ", ".join(f"{r['precision']} at {r['batch']:,}" for r in met) + ")" if met else "")
              + f", the best {best['ratio']:.3f} ({best['precision']} at {best['batch']:,})"
              + f"; pipelined {_span([r['ratio'] for r in every])} of raw against serial "
              f"{_span([r['serial_ratio'] for r in every])}.", ""]
    lines += [
        "How these were taken: the lent GPU machine has no Java, no PyFlink, only the CPU build of onnxruntime "
        "and no network. The onnxruntime-gpu wheel travelled in pieces over several calls to a machine kept warm "
        "between them, was checked by its sha256 and installed with `pip --no-index --target`; PyFlink's "
        "pure-Python sources (with py4j and pytz) travelled beside it, enough to import `sqlflow.udf`. The CUDA "
        "and cuDNN libraries came from the image's nvidia-* wheels (the runtime preloads them through "
        "`onnxruntime.preload_dlls`). `pytest --noconftest tests/gpu` ran beside the benchmark: CUDA chosen and "
        "logged, results equal to the CPU's with and without I/O binding and batching, fp16 within its tolerance.",
        "",
    ]
    return lines


# -- flink ---------------------------------------------------------------------------------------

def flink_settings(run: dict) -> str:
    """The Flink settings the benchmark passed to one job, from the JSON."""
    settings = run.get("settings") or {FLINK_KEYS.get(k, k): v for k, v in run.get("tuning", {}).items()}
    return ", ".join(f"`{k}` = {v}" for k, v in settings.items()) or "none"


def flink_text(part: dict) -> list[str]:
    """The Python UDF path in a hand-built PyFlink job, labelled with the settings it ran with."""
    runs = part["runs"]
    settings = {flink_settings(r) for r in runs}
    unsafe = part.get("arrow_unsafe_memory_access")
    lines = [
        "### The Python UDF path in Flink, at the settings it was measured with (`flink`)", "",
        "This is the Python UDF path (`onnx_udf`, a pandas UDF) in a PyFlink TableEnvironment that "
        "`bench_udf.py` builds itself, not a job run by `sqlflow run`: sqlflow's defaults (`sqlflow/defaults.py`) "
        "do not apply to it; Flink's own hold wherever the settings below say nothing. Models run natively by "
        "default (`CREATE MODEL` + `ML_PREDICT`); the jobs as sqlflow runs them today, both runtimes at sqlflow's "
        f"defaults, are measured by `bench/bench_predict.py` (its section \"{PREDICT_SECTION}\") and the settings "
        f"behind those defaults by `bench/bench_defaults.py` (\"{DEFAULTS_SECTION}\").", "",
        f"`python bench/bench_udf.py flink`, {measured_on(part)}. datagen (16 DOUBLE columns) -> f -> blackhole, "
        f"MLP {model_name(part['model'])} on the CPU; *UDF*: the ONNX UDF, *no-op*: a pandas UDF with the same "
        "16 columns that does nothing (the bridge alone), *SQL*: a SQL expression in the call's place. "
        f"{part['rows']:,} rows per job, median of {part['repeats']} alternating samples; steady: the extra rows "
        f"of a {part['steady_factor']}x longer twin over its extra time (a job's fixed costs, such as starting "
        "the Python worker, cancel). Settings the JSON records for "
        + (f"every job: {settings.pop()}" if len(settings) == 1 else "each job: in the table")
        + "; `ARROW_ENABLE_UNSAFE_MEMORY_ACCESS` in the benchmark's environment: "
        + (f"`{unsafe}`" if unsafe is not None else "unset") + ".", "",
    ]
    head = ["job", "UDF steady", "no-op steady", "SQL steady", "UDF / SQL steady", "UDF / SQL per job",
            "bridge us/row (no-op - SQL)", "model + runtime us/row (UDF - no-op)"]
    many = len({flink_settings(r) for r in runs}) > 1
    if many:
        head.append("settings")
    rows = []
    for r in runs:
        s = r.get("steady_rows_per_s") or {}
        us = {k: 1e6 / v for k, v in s.items() if v}
        row = [r["label"], fmt_rate(s.get("udf")), fmt_rate(s.get("noop")), fmt_rate(s.get("sql")),
               fmt_ratio(r.get("steady_ratio")), fmt_ratio(r.get("ratio")),
               f"{us['noop'] - us['sql']:.2f}" if {"noop", "sql"} <= us.keys() else "n/a",
               f"{us['udf'] - us['noop']:.2f}" if {"udf", "noop"} <= us.keys() else "n/a"]
        rows.append(row + ([flink_settings(r)] if many else []))
    lines += _table(head, ["---"] + ["---:"] * 7 + (["---"] if many else []), rows) + [""]
    return lines


# -- the plot ----------------------------------------------------------------------------------

def plot(path: Path = JSON, out: Path = PLOT) -> None:
    """bench/udf_throughput.png from the JSON: micro's paths, the Flink jobs, the GPU's batch sizes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = json.loads(path.read_text())
    panels = [k for k in ("micro", "flink", "gpu") if k in res]
    fig, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4.8), squeeze=False)
    for ax, part in zip(axes[0], panels):
        data = res[part]
        if part == "micro":
            names = [k for k in ("raw", "by_hand", "columns", "array", "columns_pipelined")
                     if k in data["rows_per_s"]]
            shown = {"raw": "raw ORT", "by_hand": "by hand", "columns": "16 cols", "array": "ARRAY",
                     "columns_pipelined": "16 cols\npipelined"}
            colors = {"raw": "grey", "by_hand": "silver", "columns": "tab:orange", "array": "tab:blue",
                      "columns_pipelined": "tab:red"}
            ax.bar([shown[k] for k in names], [data["rows_per_s"][k] / 1e6 for k in names],
                   color=[colors[k] for k in names])
            ax.set_ylabel("million rows/s")
            ax.set_title("CPU: runtime vs raw onnxruntime (16-64-32-1)")
        elif part == "flink":
            runs = data["runs"]
            labels = [r["label"] for r in runs]
            y = np.arange(len(runs))
            steady = all(r.get("steady_rows_per_s") for r in runs)

            def rate(r, k):
                return (r["steady_rows_per_s"][k] if steady else r[f"{k}_rows_per_s"] or 0) / 1e3

            bars = [("sql", "SQL expression", "grey"), ("noop", "no-op pandas UDF", "silver"),
                    ("udf", "ONNX UDF", "tab:blue")]
            for i, (k, name, color) in enumerate(bars):
                ax.barh(y - 0.27 + 0.27 * i, [rate(r, k) for r in runs], 0.27, label=name, color=color)
            ax.set_yticks(y, labels, fontsize=7)
            ax.invert_yaxis()
            ax.set_xlabel("thousand rows/s" + (" (steady)" if steady else ""))
            ax.set_title("Flink: datagen -> f -> blackhole")
            ax.legend(fontsize=7)
        else:
            for prec, color in (("fp32", "tab:blue"), ("fp16", "tab:green")):
                runs = [r for r in data["runs"] if r["precision"] == prec]
                b = [r["batch"] for r in runs]
                ax.plot(b, [r["raw_rows_per_s"] / 1e6 for r in runs], "--", color=color,
                        label=f"raw {prec}")
                ax.plot(b, [r["runtime_rows_per_s"] / 1e6 for r in runs], "-o", color=color,
                        label=f"runtime {prec}")
            ax.set_xscale("log", base=2)
            ax.set_xlabel("batch size")
            ax.set_ylabel("million rows/s")
            ax.set_title(f"CUDA: {data.get('device', '')[:30]}\n{'-'.join(map(str, data['model']))}",
                         fontsize=9)
            ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out}")


# -- the section ---------------------------------------------------------------------------------

def render(results: dict) -> str:
    """The whole section, from the parts of udf_results.json that are there."""
    lines = [
        f"## {SECTION}", "",
        "`bench/bench_udf.py` writes this section from `bench/udf_results.json` alone (`python bench/bench_udf.py "
        "results` re-renders it; every subcommand that updates the JSON does after saving); edits by hand are "
        "replaced. It measures sqlflow's Python UDF runtime (`onnx_udf`, the `OnnxFunction` behind it) in-process "
        "against raw onnxruntime, on the CPU and on a GPU; every ratio compares two things measured in the same "
        "run, interleaved. Plot: "
        "`bench/udf_throughput.png` (`python bench/bench_udf.py plot`).", "",
    ]
    if "micro" in results:
        lines += micro_text(results["micro"])
    if results.get("micro_sweep"):
        lines += sweep_text(results["micro_sweep"])
    if any(k in results for k in GPU_RUNS):
        lines += gpu_text(results)
    if "flink" in results:
        lines += flink_text(results["flink"])
    return "\n".join(lines).rstrip("\n") + "\n"


def write(json_path: Path = JSON, md_path: Path | None = None) -> None:
    """Render the section from ``json_path`` into ``md_path`` (bench/RESULTS.md), leaving every other
    section alone."""
    write_section(SECTION, render(json.loads(json_path.read_text())), path=md_path or RESULTS)
