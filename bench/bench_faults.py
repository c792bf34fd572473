"""Exactly-once under faults: the soak, the before/after of sqlflow's failure settings, checkpoint intervals.

    python bench/bench_faults.py soak [--records 100000 --rate 1000]   all four faults, defaults as shipped
    python bench/bench_faults.py compare [--records 6000 --rate 300]   TaskManager and Python worker kills
                                                                       with Flink's defaults, then sqlflow's
    python bench/bench_faults.py interval [--records 20000]            checkpoint interval: drain rate, latency
    python bench/bench_faults.py write                                 bench/RESULTS.md from the JSON

Each mode adds its figures to bench/faults_results.json, and the "Exactly-once
under faults" section of bench/RESULTS.md is written from that file alone
(nothing typed by hand; "0 lost" appears only where a run measured it). Runs
go through sqlflow's own CLI on the local target (see bench/faults.py); the
machine is shared, so every figure carries the load average at its end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import faults  # noqa: E402  (bench/faults.py, beside this script)

from sqlflow import defaults  # noqa: E402

RESULTS_JSON = HERE / "faults_results.json"
RESULTS_MD = HERE / "RESULTS.md"
BEGIN, END = "<!-- faults: written by bench/bench_faults.py -->", "<!-- /faults -->"
#: The recovery the issue asks for on the local target, from a failure to the first new output.
TARGET_S = 10.0

#: What main ran with before sqlflow.defaults: Flink's own heartbeat and restart settings, and the
#: 30 s checkpoint interval the local cluster's configuration had.
FLINK_DEFAULTS = {
    "heartbeat.interval": "10 s",
    "heartbeat.timeout": "50 s",
    "heartbeat.rpc-failure-threshold": "2",
    "execution.checkpointing.interval": "30 s",
    "restart-strategy.type": "exponential-delay",
    "restart-strategy.exponential-delay.initial-backoff": "1 s",
    "restart-strategy.exponential-delay.max-backoff": "1 min",
    "restart-strategy.exponential-delay.backoff-multiplier": "1.5",
    "restart-strategy.exponential-delay.reset-backoff-threshold": "1 h",
}


def _load() -> dict[str, Any]:
    return json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}


def _save(key: str, value: Any) -> None:
    data = _load()
    data[key] = value
    RESULTS_JSON.write_text(json.dumps(data, indent=1) + "\n")


def _machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "machine": platform.machine(), "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d")}


def _log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def soak(records: int, rate: float) -> None:
    with tempfile.TemporaryDirectory(prefix="sqlflow-soak-") as tmp:
        result = faults.run(Path(tmp) / "project", records=records, rate=rate, log=_log,
                            drain_timeout=600)
    _save("soak", {**result.to_json(), **_machine()})
    _log(f"soak: {result.records} ids, lost {result.lost}, duplicated {result.duplicated}; "
         f"at-least-once duplicated {result.alo_duplicated}")


def compare(records: int, rate: float) -> None:
    """The two failures whose recovery the cluster settings decide, with Flink's defaults and then sqlflow's."""
    runs = {}
    for name, flink in (("flink", FLINK_DEFAULTS), ("sqlflow", {})):
        with tempfile.TemporaryDirectory(prefix=f"sqlflow-compare-{name}-") as tmp:
            result = faults.run(Path(tmp) / "project", records=records, rate=rate, flink=flink, log=_log,
                                faults=("taskmanager", "python-worker"))
        runs[name] = {**result.to_json(), **_machine()}
        _log(f"{name}: " + ", ".join(f"{f.fault} {f.recovery_s} s" for f in result.faults))
    _save("compare", runs)


def interval(records: int, intervals: tuple[str, ...]) -> None:
    """Per checkpoint interval: how fast a backlog of ``records`` drains into the exactly-once output
    (committed), and how long a record waits until a read_committed reader sees it at a steady rate."""
    out = []
    for value in intervals:
        with tempfile.TemporaryDirectory(prefix="sqlflow-interval-") as tmp:
            out.append({"interval": value, **drain(Path(tmp) / "project", records, value)})
        _log(f"interval {value}: {out[-1]}")
    _save("interval", {"records": records, "runs": out, **_machine()})


def drain(root: Path, records: int, every: str) -> dict[str, Any]:
    """One stack, one interval: a backlog of ``records`` ids written before the job starts, and how fast
    it comes out committed (from its first record out to its last); then a steady 200/s for the wait."""
    stack = faults.Stack.create(root, faults.faults_project(), flink={defaults.CHECKPOINT_INTERVAL: every},
                                log=_log)
    try:
        stack.cli("up", timeout=300)
        faults.create_topics(stack.bootstrap)
        backlog = faults.Producer(stack.bootstrap, faults.TOPIC_IN, 1e9, records, limit=records)  # as fast as it can send
        backlog.start()
        backlog.stop_when_done.set()
        backlog.join()
        eo = faults.Watcher(stack.bootstrap, faults.TOPIC_EO)
        eo.start()
        stack.cli("deploy", "--target", "local", timeout=400)
        faults._wait("the backlog's output", lambda: len(eo.copies) >= records, 1200, 0.2)
        seconds = max(eo.first_seen.values()) - min(eo.first_seen.values())
        total = records + 4000
        steady = faults.Producer(stack.bootstrap, faults.TOPIC_IN, 200.0, total, limit=total,  # 20 s
                                 sent_at=backlog.sent_at)
        steady.start()
        steady.stop_when_done.set()
        steady.join()
        faults._wait("the steady stream's output", lambda: len(eo.copies) >= total, 300, 0.5)
        waits = sorted(eo.first_seen[i] - steady.sent_at[i] for i in range(records + 1000, total))
        checkpoints = faults._checkpoint_summary(stack.checkpoints(stack.job()["jid"]))
        eo.halt.set()
        return {"latency_p50_s": round(waits[len(waits) // 2], 2),
                "latency_p95_s": round(waits[int(len(waits) * .95)], 2),
                "backlog": records, "drain_s": round(seconds, 1), "records_per_s": round(records / seconds),
                "checkpoints": checkpoints, "load": os.getloadavg()}
    finally:
        stack.down()


# -- RESULTS.md ---------------------------------------------------------------------------------


def _fault_rows(run: dict[str, Any]) -> list[str]:
    rows = []
    for f in run["faults"]:
        t = f.get("timeline", {})
        rows.append(f"| {f['fault']} | {f['at_id']:,} | {f['recovery_s']:.1f} | "
                    + " | ".join(f"{t[k]:.1f}" if k in t else "-" for k in ("detected", "restarted", "tasks_running",
                                                                          "checkpoint"))
                    + f" | {f['restarts']} | {f['extra_copies']} | {f['extra_copies_alo']:,} |")
    return rows


def render(data: dict[str, Any]) -> str:
    lines = [BEGIN, "## Exactly-once under faults", ""]
    lines.append(
        "`bench/bench_faults.py` (harness: `bench/faults.py`); every figure below is written by it. A Kafka -> CTR "
        "model (the shipped ONNX UDF) -> Kafka job on the `local` target (`sqlflow up`: a standalone Flink cluster "
        "with two TaskManagers and a KRaft broker; `sqlflow deploy`), writing one exactly-once and one "
        "at-least-once sink from the same query, while ids stream in at a steady rate. Faults, each after the job "
        "recovered from the one before: SIGKILL of the TaskManager running the job, SIGKILL of its Python UDF "
        "worker, the broker stopped and started again (`sqlflow up --kafka-only`), and `sqlflow jobs stop "
        "--savepoint` followed by `sqlflow deploy`. A TaskManager that dies is started again with `sqlflow up`, "
        "as a process supervisor would (a killed Python worker can take its TaskManager down with it: Flink treats "
        "the error its Arrow operator raises while the failed task closes as fatal). Both outputs are read "
        "`read_committed` and compared id by id with the input. Recovery is from the fault to the first output (as a read_committed reader sees it) of "
        "an id produced after the fault; the timeline columns are the JobManager's log: failure noticed, job "
        "running again, its tasks running, first checkpoint completed (that commits the output). For the "
        "savepoint fault, the clock starts when the stop returned and the recovery includes the redeploy.")
    lines.append("")
    soak = data.get("soak")
    if soak:
        ok = soak["lost"] == 0 and soak["duplicated"] == 0
        lines.append(f"### Soak: {soak['records']:,} ids at {soak['rate']:,.0f}/s, {len(soak['faults'])} faults "
                     f"({soak['date']}, {soak['cpus']} CPUs, load average {soak['load'][0]:.1f} / "
                     f"{soak['load'][1]:.1f} / {soak['load'][2]:.1f} at the end, the machine shared)")
        lines.append("")
        verdict = (f"Exactly-once output: {soak['lost']} lost, {soak['duplicated']} duplicated"
                   + (" (**0 lost, 0 duplicated**, measured id by id)" if ok else ""))
        lines.append(f"Records checked: {soak['records']:,} ids ({soak['input_duplicated']} written twice to the "
                     f"input). {verdict}. At-least-once output under the same faults: "
                     f"{soak['alo_lost']} lost, {soak['alo_duplicated']:,} duplicated. Steady-state wait until a "
                     f"read_committed reader sees a record: p50 {soak['latency_p50_s']} s, p95 "
                     f"{soak['latency_p95_s']} s. Checkpoints of the job after its redeploy: "
                     f"{soak['checkpoints']['completed']} completed, {soak['checkpoints']['duration_ms_avg']} ms on "
                     f"average, {soak['checkpoints']['size_bytes_avg']} bytes. Run time {soak['seconds']:.0f} s.")
        lines.append("")
        failures = [f for f in soak["faults"] if f["fault"] != "savepoint"]
        within = [f"{f['fault']} ({f['recovery_s']:.1f} s)" for f in failures if f["recovery_s"] <= TARGET_S]
        over = [f"{f['fault']} ({f['recovery_s']:.1f} s" + (f", of which the fault itself {f['down_s']:.1f} s"
                                                          if f["down_s"] else "") + ")"
                for f in failures if f["recovery_s"] > TARGET_S]
        lines.append(f"Recovery within the {TARGET_S:.0f} s target: " + (", ".join(within) or "none")
                     + "; over it: " + (", ".join(over) or "none") + ".")
        lines.append("")
        lines.append("| fault | at id | recovery s | noticed | job running | tasks running | checkpoint | restarts "
                     "| extra copies, exactly-once | extra copies, at-least-once |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        lines.extend(_fault_rows(soak))
        lines.append("")
    compare = data.get("compare")
    if compare:
        before, after = compare["flink"], compare["sqlflow"]
        lines.append(f"### Failure settings: Flink's defaults against sqlflow's ({after['date']})")
        lines.append("")
        lines.append("Two runs of the same job (" + f"{before['records']:,} and {after['records']:,} ids at "
                     f"{after['rate']:,.0f}/s" + "), through the two failures "
                     "the cluster's settings decide. Before: Flink's heartbeat (10 s interval, 50 s timeout) and "
                     "restart defaults, and the 30 s checkpoint interval main's local cluster had. After: "
                     "`sqlflow.defaults` (" + ", ".join(f"{k} {v}" for k, v in defaults.CLUSTER.items()) + "; "
                     + ", ".join(f"{k} {v}" for k, v in defaults.STREAMING.items() if "restart" in k or "interval" in k)
                     + ").")
        lines.append("")
        lines.append("| fault | recovery s, Flink defaults | recovery s, sqlflow | lost / duplicated, Flink defaults "
                     "| lost / duplicated, sqlflow |")
        lines.append("|---|---:|---:|---:|---:|")
        for b, a in zip(before["faults"], after["faults"]):
            lines.append(f"| {a['fault']} | {b['recovery_s']:.1f} | {a['recovery_s']:.1f} | "
                         f"{before['lost']} / {before['duplicated']} | {after['lost']} / {after['duplicated']} |")
        lines.append("")
        lines.append(f"Load average at the end: {before['load'][0]:.1f} (Flink defaults), {after['load'][0]:.1f} "
                     "(sqlflow). Timelines, s after the fault (noticed / job running / tasks running / checkpoint): "
                     + "; ".join(f"{r} {f['fault']}: " + " / ".join(str(f['timeline'].get(k, '-')) for k in
                                 ("detected", "restarted", "tasks_running", "checkpoint"))
                                 for r, run in (("Flink", before), ("sqlflow", after)) for f in run["faults"]) + ".")
        lines.append("")
    iv = data.get("interval")
    if iv:
        lines.append(f"### Checkpoint interval ({iv['date']})")
        lines.append("")
        lines.append(f"Per interval, one fresh stack: a backlog of {iv['records']:,} ids written before the job "
                     "starts and how fast it comes out of the exactly-once sink, committed (first record out to last), "
                     "then the wait until a read_committed reader sees a record at a steady 200/s.")
        lines.append("")
        lines.append("| interval | wait p50 s | wait p95 s | backlog drain, ids/s | checkpoint ms (avg) | load |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for r in iv["runs"]:
            lines.append(f"| {r['interval']} | {r['latency_p50_s']} | {r['latency_p95_s']} | {r['records_per_s']:,} | "
                         f"{r['checkpoints']['duration_ms_avg']} | {r['load'][0]:.1f} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines) + "\n"


def write() -> None:
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Benchmark results\n"
    section = render(_load())
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1].lstrip("\n")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS_MD.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("soak", "compare", "interval", "write"), nargs="?", default="soak")
    parser.add_argument("--records", type=int, default=None)
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--intervals", default="1 s,2 s,5 s,10 s")
    args = parser.parse_args(argv)
    _log(f"load average at the start: {os.getloadavg()}")
    if args.mode == "soak":
        soak(args.records or 100_000, args.rate or 1000.0)
    elif args.mode == "compare":
        compare(args.records or 6000, args.rate or 300.0)
    elif args.mode == "interval":
        interval(args.records or 20_000, tuple(s.strip() for s in args.intervals.split(",")))
    write()
    _log(f"load average at the end: {os.getloadavg()}; {RESULTS_MD} written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
