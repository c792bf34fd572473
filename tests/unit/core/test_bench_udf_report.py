"""bench/RESULTS.md's "UDF runtime" section is rendered from bench/udf_results.json alone, and writing it
touches no other section."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("udf_report_script", REPO / "bench" / "udf_report.py")
report = importlib.util.module_from_spec(_spec)
sys.modules["udf_report_script"] = report
_spec.loader.exec_module(report)
_spec = importlib.util.spec_from_file_location("bench_udf_script", REPO / "bench" / "bench_udf.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_udf_script"] = bench
_spec.loader.exec_module(bench)

MACHINE = {"python": "3.11.7", "cpus": 2, "cpu": "AMD EPYC", "onnxruntime": "1.31.1", "loadavg": [0.5, 1.25, 2.0]}


def _micro(raw: float = 20e6, date: str | None = None) -> dict:
    rates = {"raw": raw, "by_hand": 14e6, "columns": 12e6, "float_columns": 12.5e6, "array": 8e6,
             "columns_pipelined": 9e6}
    part = {"rows": 1_000_000, "batch": 10_000, "model_batch": 2_500, "repeats": 5, "model": [16, 64, 32, 1],
            "rows_per_s": rates, "ratio": {k: v / raw for k, v in rates.items() if k != "raw"},
            "ratio_by_hand": {k: v / 14e6 for k, v in rates.items() if k not in ("raw", "by_hand")},
            "machine": MACHINE}
    return {**part, "date": date} if date else part


def _gpu_run(precision: str, batch: int, raw: float, runtime: float) -> dict:
    return {"precision": precision, "batch": batch, "arrow_rows": 4 * batch, "raw_rows_per_s": raw,
            "runtime_rows_per_s": runtime, "rel_err_vs_raw": 0.0, "serial_rows_per_s": runtime / 2,
            "tensorize_ms": 1.0, "run_ms": 2.0, "eval_ms": 3.0, "ratio": runtime / raw,
            "serial_ratio": runtime / 2 / raw}


RESULTS = {
    "micro": _micro(),
    "micro_sweep": {"16-64-32-1": _micro(), "16-512-256-1": _micro(raw=12.5e6)},
    "gpu": {"model": [256, 4096, 1], "machine": {**MACHINE, "cpus": 16, "cpu": "Xeon"}, "io_binding": True,
            "device": "NVIDIA H100 80GB HBM3, 580.159.04, 81559 MiB",
            "runs": [_gpu_run("fp32", 1024, 2e6, 1.2e6), _gpu_run("fp16", 1024, 3e6, 2.7e6)]},
    "gpu_no_io_binding": {"model": [256, 4096, 1], "machine": MACHINE, "io_binding": False,
                          "device": "NVIDIA H100 80GB HBM3, 580.159.04, 81559 MiB",
                          "runs": [_gpu_run("fp32", 1024, 2e6, 1.4e6), _gpu_run("fp16", 1024, 3e6, 1.5e6)]},
    "flink": {"rows": 1_000_000, "repeats": 3, "steady_factor": 4, "model": [16, 64, 32, 1],
              "arrow_unsafe_memory_access": None, "machine": MACHINE,
              "runs": [{"label": "batch p1 process", "tuning": {"execution_mode": "process", "arrow_batch_size": 10000},
                        "ratio": 0.3, "steady_ratio": 0.5,
                        "steady_rows_per_s": {"udf": 1e6, "noop": 1.25e6, "sql": 2e6}}]},
}


def test_the_micro_table_and_verdict():
    text = report.render(RESULTS)
    table = "\n".join([
        "| path | rows/s | vs raw | vs by hand |",
        "|---|---:|---:|---:|",
        "| raw onnxruntime, ready float32 tensors | 20.00M | 1.00 |  |",
        "| by hand, 16 DOUBLE Series | 14.00M | 0.70 | 1.00 |",
        "| runtime, 16 DOUBLE columns | 12.00M | 0.60 | 0.86 |",
        "| runtime, 16 FLOAT columns | 12.50M | 0.62 | 0.89 |",
        "| runtime, one ARRAY<FLOAT> column | 8.00M | 0.40 | 0.57 |",
        "| runtime, 16 DOUBLE columns, pipelined (model batches of 2,500) | 9.00M | 0.45 | 0.64 |",
    ])
    assert "\n" + table + "\n\n" in text
    assert "Target >= 0.9 of raw: **not met** (best: runtime, 16 FLOAT columns, 0.62). Against the by-hand UDF " \
           "the runtime's paths reach 0.57-0.89." in text
    # no date in the part: the machine alone, never an invented date
    assert "`python bench/bench_udf.py micro`, measured on 2 cores, AMD EPYC, Python 3.11.7, onnxruntime 1.31.1, " \
           "load average 0.5 / 1.2 / 2.0 when it finished." in text
    dated = report.render({"micro": _micro(date="2026-12-01 23:10 UTC")})
    assert "`python bench/bench_udf.py micro`, 2026-12-01 23:10 UTC, 2 cores, AMD EPYC" in dated


def test_the_sweep_gpu_and_flink_parts():
    text = report.render(RESULTS)
    assert ("| 16-512-256-1 | 12.50M | 1.12 | 0.96 | 1.00 | 0.64 | 0.72 | 0.5 |\n\n"
            "Target >= 0.9 of raw with 16 DOUBLE columns: met with 16-512-256-1; not met with 16-64-32-1.") in text
    assert "device: NVIDIA H100 80GB HBM3 (driver 580.159.04, 81559 MiB)" in text
    assert "| fp16 | 1,024 | 3.00 | 2.70 | 0.90 | 1.35 | 0.45 | 1.0 / 2.0 / 3.0 | 0 |" in text
    assert "\n".join([
        "| precision | model batch | `gpu`, I/O binding on | `gpu_no_io_binding`, I/O binding off |",
        "|---|---:|---:|---:|",
        "| fp32 | 1,024 | 0.60 | 0.70 |",
        "| fp16 | 1,024 | 0.90 | 0.50 |",
    ]) in text
    assert "Target >= 0.8 of raw: met in 1 of 4 measurements (fp16 at 1,024), the best 0.900 (fp16 at 1,024); " \
           "pipelined 0.50-0.90 of raw against serial 0.25-0.45." in text
    assert "Settings the JSON records for every job: `python.execution-mode` = process, " \
           "`python.fn-execution.arrow.batch.size` = 10000; `ARROW_ENABLE_UNSAFE_MEMORY_ACCESS` in the " \
           "benchmark's environment: unset." in text
    # steady: udf 1 us/row, no-op 0.8, SQL 0.5: the bridge 0.30 us/row, the model and runtime 0.20
    assert "| batch p1 process | 1.00M | 1.25M | 2.00M | 0.50 | 0.30 | 0.30 | 0.20 |" in text


def test_parts_missing_from_the_json_are_left_out():
    text = report.render({"micro": _micro()})
    assert [line for line in text.splitlines() if line.startswith("#")] == [
        "## UDF runtime", "### CPU: the runtime against raw onnxruntime (`micro`)"]
    assert text.startswith("## UDF runtime\n\n`bench/bench_udf.py` writes this section")


def test_writing_the_section_replaces_it_and_nothing_else(tmp_path):
    head = ("# Benchmark results\n\n## Scoring\n\nkept as it is\n\n## UDF runtime\n\nold prose, 0.68 of raw\n\n"
            "### Which settings win\n\nArrow batch 1000\n\n")
    tail = "<!-- faults: written by bench/bench_faults.py -->\n## Exactly-once under faults\n\nalso kept\n"
    md = tmp_path / "RESULTS.md"
    md.write_text(head + tail)
    data = tmp_path / "udf_results.json"
    data.write_text(json.dumps(RESULTS))
    report.write(data, md)
    report.write(data, md)
    assert md.read_text() == ("# Benchmark results\n\n## Scoring\n\nkept as it is\n\n" + report.render(RESULTS)
                              + "\n" + tail)


def test_saving_a_part_merges_it_and_renders_the_section(tmp_path, monkeypatch):
    md = tmp_path / "RESULTS.md"
    md.write_text("# Benchmark results\n\n## UDF runtime\n\nold\n")
    monkeypatch.setattr(bench.udf_report, "RESULTS", md)
    data = tmp_path / "udf_results.json"
    data.write_text(json.dumps({"flink": RESULTS["flink"]}))
    bench.save("micro", RESULTS["micro"], data)
    assert json.loads(data.read_text()) == {"flink": RESULTS["flink"], "micro": RESULTS["micro"]}
    rendered = report.render({"flink": RESULTS["flink"], "micro": RESULTS["micro"]})
    assert md.read_text() == "# Benchmark results\n\n" + rendered
    bench.save("micro", _micro(raw=10e6), data, render=False)
    assert md.read_text() == "# Benchmark results\n\n" + rendered
