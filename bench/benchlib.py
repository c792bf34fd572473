"""What the model benchmarks share: a throwaway sqlflow project, its jobs run the way ``sqlflow run``
runs them, the JVM's CPU and memory, and the sections of bench/RESULTS.md.

Every job goes through the user's interface: the SQL files of a project compiled by
:func:`sqlflow.compiler.compile_project` and run by sqlflow's own Flink layer on the embedded
mini-cluster (:class:`sqlflow.flink.session.EmbeddedSession`, as ``sqlflow run`` does), never a
hand-built PyFlink job. The jobs run with sqlflow's own defaults (:data:`DEFAULTS` records the ones a
model call depends on); settings a benchmark compares are passed to each job explicitly (as a project's
``flink:`` settings would be).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Iterable, Mapping

from sqlflow.defaults import ARROW_BATCH, BUNDLE_SIZE, BUNDLE_TIME, OBJECT_REUSE, job_defaults

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"

FEATURES = [f"f{j}" for j in range(16)]
#: A plain SQL stand-in for a model, of similar arithmetic shape: a logistic of a weighted sum
#: (the same expression bench_udf.py and bench_native.py use).
SQL_EXPR = "1 / (1 + EXP(-(" + " + ".join(f"{(j % 5 - 2) / 10} * f{j}" for j in range(16)) + ")))"
#: The model sizes of the sweep: 16 inputs, two ReLU layers, one sigmoid output.
MODELS = {"16-64-32-1": [16, 64, 32, 1], "16-128-64-1": [16, 128, 64, 1],
          "16-256-128-1": [16, 256, 128, 1], "16-512-256-1": [16, 512, 256, 1]}


def _defaults(runtime: str, mode: str) -> dict[str, str]:
    """sqlflow's defaults (sqlflow/defaults.py) that a model call in ``runtime`` runs with in a ``mode`` job."""
    keys = (OBJECT_REUSE,) if runtime == "native" else (ARROW_BATCH, BUNDLE_SIZE, BUNDLE_TIME)
    conf = job_defaults(batch=mode == "batch")
    return {k: conf[k] for k in keys if k in conf}


#: What the benchmarks' jobs run with: sqlflow's own defaults (never passed by the scripts unless
#: ``--explicit``), by runtime and mode, for the record.
DEFAULTS = {(rt, mode): _defaults(rt, mode) for rt in ("native", "python") for mode in ("batch", "streaming")}


def defaults_text(pairs: Iterable[tuple[str, Mapping[str, str]]]) -> str:
    """``native streaming: `pipeline.object-reuse` = true; ...`` for a report."""
    return "; ".join(f"{name}: " + (", ".join(f"`{k}` = {v}" for k, v in conf.items()) or "none")
                     for name, conf in pairs)


def machine() -> dict:
    """The machine, for the record: Python, cores, CPU model, load average now."""
    info: dict = {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                  "loadavg": [round(x, 2) for x in os.getloadavg()]}
    try:
        info["cpu"] = next(line.split(":", 1)[1].strip() for line in
                           Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return info


def steady_rate(rows: int, seconds: float, big_rows: int, big_seconds: float) -> float:
    """Rows/s once running: the extra rows of the longer run over its extra time, so a job's fixed
    costs (scheduling, starting a Python worker, loading the model) cancel."""
    extra = big_seconds - seconds
    return (big_rows - rows) / extra if extra > 0 else float("nan")


def median(values: Iterable[float]) -> float:
    vals = [v for v in values if v == v]  # NaN out
    return statistics.median(vals) if vals else float("nan")


def checkout(rev: str, dest: Path, paths: Iterable[str] = ("sqlflow",)) -> Path:
    """``paths`` of the repository as they were at ``rev``, extracted into ``dest`` (an earlier revision
    to measure against in the same run)."""
    repo = Path(__file__).resolve().parents[1]
    data = subprocess.run(["git", "-C", str(repo), "archive", rev, *paths], capture_output=True, check=True,
                          timeout=120).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


# -- RESULTS.md --------------------------------------------------------------------------------

#: ``<!-- ... -->`` lines right above a heading: the marker another script's section starts with (the
#: fault section's), which belongs to the section below it, not to the one that ends there.
_MARKERS = r"(?:<!--[^\n]*-->\n)*"


def write_section(title: str, text: str, path: Path = RESULTS, drop: Iterable[str] = ()) -> None:
    """Replace the ``## title`` section of RESULTS.md with ``text`` (append it when missing), leaving
    the others alone; sections and ``###`` subsections titled in ``drop`` (older figures that the new
    ones contradict) are removed. A section ends at the next heading of its level, or at the marker
    comment lines right above it."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    for gone in drop:
        level = "##" if not gone.startswith("#") else ""
        head = re.escape(f"{level} {gone}" if level else gone)
        depth = (level or gone.split(" ", 1)[0]).count("#")
        stop = "|".join("#" * d + " " for d in range(2, depth + 1))
        old = re.sub(rf"^{head}\n.*?(?=^{_MARKERS}(?:{stop})|\Z)", "", old, flags=re.S | re.M)
    body = text.rstrip("\n") + "\n\n"
    if not body.startswith(f"## {title}\n"):
        body = f"## {title}\n\n" + body
    section = re.compile(rf"^## {re.escape(title)}\n.*?(?=^{_MARKERS}## |\Z)", re.S | re.M)
    new = section.sub(lambda _: body, old, count=1) if section.search(old) else old.rstrip("\n") + "\n\n" + body
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def fmt_rate(v: float | None) -> str:
    """Rows/s as 1.23M / 456k."""
    if v is None or v != v:
        return "n/a"
    return f"{v / 1e6:.2f}M" if v >= 1e6 else f"{v / 1e3:.0f}k"


def fmt_ratio(v: float | None) -> str:
    return "n/a" if v is None or v != v else f"{v:.2f}"


def save_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=1, default=str) + "\n")


# -- the JVM: CPU and memory -------------------------------------------------------------------

def gateway_pid() -> int:
    """The PyFlink gateway JVM's process id: the embedded mini-cluster (its TaskManager) runs there."""
    from pyflink.java_gateway import get_gateway

    return int(get_gateway().jvm.java.lang.ProcessHandle.current().pid())


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its descendants, the ended ones it reaped included
    (Python workers a TaskManager started and ended count there)."""
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        s = _stat(int(entry.name))
        if s is None:
            continue
        stats[int(entry.name)] = s
        children.setdefault(int(s[1]), []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        s = stats.get(p)
        if s is not None:
            total += sum(int(x) for x in s[11:15]) / _TICK  # utime stime cutime cstime
        todo.extend(children.get(p, ()))
    return total


def rss_bytes(pid: int) -> tuple[int, int]:
    """(resident set now, peak resident set since start or the last :func:`reset_peak_rss`)."""
    now = peak = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) * 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) * 1024
    except OSError:
        pass
    return now, peak


def reset_peak_rss(pid: int) -> bool:
    """Start the process's peak resident set afresh (Linux: ``5`` into clear_refs)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class HeapSampler:
    """Samples the JVM's used heap (``jstat -gc``, a separate process: no call through the py4j gateway,
    which from a second thread would move the job's own calls to another JVM thread, where Flink's
    planner lacks its thread-local state) and the resident set while a job runs; the peaks."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.pid = pid
        self.interval = interval
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        self.peak_heap = 0
        self.peak_rss = 0
        self.samples = 0

    def __enter__(self) -> "HeapSampler":
        reset_peak_rss(self.pid)
        self._proc = subprocess.Popen(["jstat", "-gc", str(self.pid), f"{int(self.interval * 1000)}ms"],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        header: list[str] = []
        for line in self._proc.stdout:
            cells = line.split()
            if not cells:
                continue
            if cells[0] == "S0C":
                header = cells
                continue
            if not header or len(cells) != len(header):
                continue
            row = dict(zip(header, cells))
            try:  # kB: both survivor spaces, eden and the old generation
                used = sum(float(row[k]) for k in ("S0U", "S1U", "EU", "OU")) * 1024
            except (KeyError, ValueError):
                continue
            self.peak_heap = max(self.peak_heap, int(used))
            self.peak_rss = max(self.peak_rss, rss_bytes(self.pid)[0])
            self.samples += 1

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.peak_rss = max(self.peak_rss, rss_bytes(self.pid)[1])


# -- a project and its jobs --------------------------------------------------------------------

@dataclass
class JobRun:
    """One finished job: Flink's duration (start-up included), the JVM tree's CPU over it, its id."""

    seconds: float
    cpu_seconds: float
    job_id: str
    rows: int
    config: dict = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    @property
    def cpu_us_per_row(self) -> float:
        return self.cpu_seconds / self.rows * 1e6


class BenchProject:
    """A throwaway sqlflow project (``sqlflow.yaml``, ``sql/``, ``models/``) whose jobs run on one
    embedded session, as ``sqlflow run`` runs them."""

    def __init__(self, name: str = "bench", parallelism: int = 1, flink: Mapping[str, str] | None = None,
                 keep: bool = False):
        self.root = Path(tempfile.mkdtemp(prefix=f"sqlflow_{name}_"))
        self.keep = keep
        (self.root / "sql").mkdir()
        (self.root / "models").mkdir()
        (self.root / "udfs").mkdir()
        lines = [f"name: {name}", "sql: sql", "udfs: udfs", "models: models", "target: embedded",
                 "targets:", "  embedded:", "    rest_port: 0", f"    parallelism: {parallelism}"]
        if flink:
            lines += ["flink:"] + [f"  {k}: {json.dumps(str(v))}" for k, v in flink.items()]
        (self.root / "sqlflow.yaml").write_text("\n".join(lines) + "\n")
        self.session = None
        self.pid: int | None = None

    # files
    def model(self, layers: list[int], seed: int = 0) -> str:
        """An MLP of these layer sizes under models/ (built once); its path relative to the root."""
        from sqlflow.udf.testmodels import build_mlp

        rel = f"models/mlp_{'-'.join(map(str, layers))}.onnx"
        if not (self.root / rel).exists():
            build_mlp(self.root / rel, layers, seed=seed, version="bench")
        return rel

    def copy_model(self, src: Path) -> str:
        rel = f"models/{src.name}"
        shutil.copy2(src, self.root / rel)
        return rel

    def write(self, rel: str, sql: str) -> Path:
        path = self.root / "sql" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sql)
        return path

    def compile(self, path: Path, env: Mapping[str, str] | None = None):
        """The compiled job of one SQL file (``${VARS}`` from ``env`` as the environment gives them);
        an error diagnostic stops the benchmark with its text."""
        from sqlflow.compiler import compile_project
        from sqlflow.config import load_config

        saved = {k: os.environ.get(k) for k in (env or {})}
        os.environ.update({k: str(v) for k, v in (env or {}).items()})
        try:
            compiled = compile_project(config=load_config(self.root), paths=[path])
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        errors = [d for d in compiled.diagnostics if d.severity == "error"]
        if errors:
            raise SystemExit(f"{path.name} does not compile: " + "; ".join(e.message for e in errors))
        return compiled.file_of(path)

    # the session
    def start(self) -> "BenchProject":
        from sqlflow.config import load_config
        from sqlflow.flink.session import EmbeddedSession

        self.session = EmbeddedSession.start(load_config(self.root))
        self.pid = gateway_pid()
        return self

    @property
    def cluster(self):
        return self.session.cluster

    def submit(self, job, streaming: bool, config: Mapping[str, str] | None = None) -> str:
        return self.session.submit(job, streaming=streaming, extra_config=dict(config or {})).job_id

    def run(self, job, rows: int, streaming: bool, config: Mapping[str, str] | None = None,
            timeout: float = 900.0) -> JobRun:
        """Run a bounded job to its end; its duration as Flink measured it and the JVM's CPU over it."""
        cpu0 = tree_cpu_seconds(self.pid)
        job_id = self.submit(job, streaming, config)
        self.cluster.wait_for_job(job_id, timeout=timeout)
        cpu = tree_cpu_seconds(self.pid) - cpu0
        seconds = self.cluster.rest(f"/jobs/{job_id}")["duration"] / 1000.0
        return JobRun(seconds, cpu, job_id, rows, dict(config or {}))

    def job_config(self, job_id: str) -> dict:
        """The execution config Flink ran a job with (object reuse, parallelism, ...)."""
        return self.cluster.rest(f"/jobs/{job_id}/config").get("execution-config", {})

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "BenchProject":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def datagen_table(name: str = "src", rows_var: str = "BENCH_ROWS", typ: str = "FLOAT") -> str:
    """A bounded datagen table of the 16 feature columns, uniform in [-1, 1], unthrottled."""
    cols = ",\n    ".join(f"{f} {typ}" for f in FEATURES)
    gen = ",\n    ".join(f"'fields.{f}.min' = '-1', 'fields.{f}.max' = '1'" for f in FEATURES)
    return (f"CREATE TEMPORARY TABLE {name} (\n    {cols}\n)\nWITH (\n    'connector' = 'datagen',\n"
            f"    'number-of-rows' = '${{{rows_var}}}',\n    'rows-per-second' = '1000000000',\n    {gen}\n);\n")


def model_ddl(name: str, path: str, runtime: str | None = None, typ: str = "FLOAT",
              options: Mapping[str, str] | None = None) -> str:
    """``CREATE TEMPORARY MODEL`` of an MLP over the 16 feature columns, output ``probability``."""
    cols = ",\n    ".join(f"{f} {typ}" for f in FEATURES)
    opts = {"provider": "onnx", "path": path, **({"runtime": runtime} if runtime else {}), **(options or {})}
    with_ = ",\n    ".join(f"'{k}' = '{v}'" for k, v in opts.items())
    return (f"CREATE TEMPORARY MODEL {name}\nINPUT (\n    {cols}\n)\nOUTPUT (\n    probability FLOAT\n)\n"
            f"WITH (\n    {with_}\n);\n")


def predict_call(table: str = "src", model: str = "m") -> str:
    return f"ML_PREDICT(TABLE {table}, MODEL {model}, DESCRIPTOR({', '.join(FEATURES)}))"


def timed(fn, *args, **kwargs) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


@dataclass
class Variant:
    """One job to compare: its SQL file and the settings it is run with."""

    path: Path
    settings: dict = field(default_factory=dict)


class Compiled:
    """Compiled jobs of a project by (file, rows): each file is compiled once per row count."""

    def __init__(self, project: BenchProject):
        self.project = project
        self._jobs: dict[tuple[Path, int], object] = {}

    def job(self, path: Path, rows: int):
        key = (path, rows)
        if key not in self._jobs:
            self._jobs[key] = self.project.compile(path, {"BENCH_ROWS": rows})
        return self._jobs[key]


def compare(compiled: Compiled, variants: Mapping[str, Variant], rows: int, streaming: bool, repeats: int,
            factor: int, warm: set | None = None, warm_rows: int | None = None) -> dict[str, dict]:
    """Run each variant ``repeats`` times, alternating (the order turns each round, so the machine's
    drift hits all alike), each with a twin ``factor`` times longer; per variant the medians of
    rows/s per job (``rate``) and steady (``steady``), JVM CPU us per row per job (``cpu``) and steady
    (``steady_cpu``), and every sample (``all``). ``warm`` holds the variants already warmed up."""
    warm = warm if warm is not None else set()
    names = list(variants)
    for name in names:  # warm the JVM's code paths (and a Python worker's imports) once per variant
        v = variants[name]
        key = (v.path, json.dumps(v.settings, sort_keys=True), streaming)
        if key not in warm:
            small = warm_rows or max(rows // 10, 20_000)
            compiled.project.run(compiled.job(v.path, small), small, streaming, v.settings)
            warm.add(key)
    samples = {n: {"rate": [], "steady": [], "cpu": [], "steady_cpu": [], "seconds": [], "big_seconds": [],
                   "object_reuse": []} for n in names}
    for i in range(repeats):
        for name in names[i % len(names):] + names[:i % len(names)]:
            v, d = variants[name], samples[name]
            small = compiled.project.run(compiled.job(v.path, rows), rows, streaming, v.settings)
            d["rate"].append(small.rate)
            d["cpu"].append(small.cpu_us_per_row)
            d["seconds"].append(small.seconds)
            d["object_reuse"].append(compiled.project.job_config(small.job_id).get("object-reuse-mode"))
            if factor > 1:
                big = compiled.project.run(compiled.job(v.path, rows * factor), rows * factor, streaming, v.settings)
                d["steady"].append(steady_rate(rows, small.seconds, rows * factor, big.seconds))
                d["steady_cpu"].append((big.cpu_seconds - small.cpu_seconds) / (rows * (factor - 1)) * 1e6)
                d["big_seconds"].append(big.seconds)
    out = {}
    for name, d in samples.items():
        out[name] = {k: median(v) for k, v in d.items() if v and k != "object_reuse"}
        out[name]["object_reuse"] = d["object_reuse"][0] if d["object_reuse"] else None
        out[name]["all"] = {k: v for k, v in d.items() if v}
        out[name]["settings"] = variants[name].settings
    return out
