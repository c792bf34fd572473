"""Fuzzing the compiler, soaked: every property of ``tests/unit/fuzz`` over many thousands of random cases.

The fast tier (``tests/unit/fuzz/test_fuzz.py``, in ``make test``) checks each property on a few
dozen derandomized cases; this runs the same properties on random cases (``--seed``, default a fresh
one, printed) until each has checked ``--scale`` times its soak count, records every case that broke
a property (the run goes on: no shrinking), replays the inputs that fuzzing found and that are fixed
now (on this tree, and on ``--base`` before the fixes where the property can run there), times the
fast tier, and writes the "Compiler fuzzing" section of bench/RESULTS.md and bench/fuzz_results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUZZ = ROOT / "tests" / "unit" / "fuzz"
sys.path[:0] = [str(ROOT), str(FUZZ)]

import hypothesis  # noqa: E402
import sqlglot  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

import fuzz_checks  # noqa: E402
from benchlib import checkout, write_section  # noqa: E402
import fuzz_properties  # noqa: E402
from fuzz_checks import CASES, Workspace  # noqa: E402
from fuzz_properties import FOUND, PROPERTIES  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
JSON_OUT = ROOT / "bench" / "fuzz_results.json"
SECTION = "Compiler fuzzing"
#: main before the fixes fuzzing led to (the found inputs are replayed there too)
BASE = "c6a7022"


def soak(prop: fuzz_properties.Property, ws: Workspace, cases: int, run_seed: int) -> dict:
    """Check ``prop`` on ``cases`` random cases; every failure is kept (with its input), none stops the run."""
    outcomes: Counter[str] = Counter()
    failures: list[dict] = []
    kinds: Counter[str] = Counter()

    @seed(run_seed)
    @settings(max_examples=cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(prop.strategy)
    def run(case: object) -> None:
        try:
            outcomes[prop.check(ws, case)] += 1
        except (AssertionError, fuzz_checks.Hang) as exc:
            outcomes["FAILED"] += 1
            kind = str(exc).split("\n")[0][:160]
            kinds[kind] += 1
            if kinds[kind] <= 3:
                failures.append({"error": str(exc)[:4000], "case": repr(case)[:4000]})
            if kinds[kind] == 1:
                print(f"  broke {prop.name}: {kind}\n    case: {repr(case)[:2000]}", flush=True)
        finally:
            ws.restore()

    start = time.monotonic()
    run()
    took = time.monotonic() - start
    return {"cases": sum(outcomes.values()), "seconds": round(took, 1), "outcomes": dict(outcomes),
            "failures": outcomes.get("FAILED", 0), "failure_kinds": dict(kinds),
            "examples": failures, "about": prop.about}



def replay(package_root: Path) -> list[dict]:
    """Each found input through its property on the ``sqlflow`` package at ``package_root`` (a child
    process, so the package is imported fresh)."""
    code = ("import json; import fuzz_properties; "
            "print(json.dumps(fuzz_properties.replay_found()))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package_root), str(FUZZ)])}
    with tempfile.TemporaryDirectory(prefix="bench_fuzz_replay_") as cwd:  # not ROOT: '' on sys.path wins
        proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"replay failed on {package_root}:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fast_tier() -> dict:
    """``pytest tests/unit/fuzz`` as ``make test`` runs it: its time and outcome."""
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(FUZZ)], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=1200)
    took = time.monotonic() - start
    last = (proc.stdout.strip().splitlines() or [""])[-1]
    return {"seconds": round(took, 1), "summary": last, "exit": proc.returncode,
            "cases": {p.name: p.fast_examples for p in PROPERTIES}}



def render(report: dict) -> str:
    props, fast = report["properties"], report["fast_tier"]
    total = sum(p["cases"] for p in props.values())
    failed = sum(p["failures"] for p in props.values())
    lines = [
        f"## {SECTION}",
        "",
        f"`python bench/bench_fuzz.py --scale {report['scale']} --seed {report['seed']}` (written by the script): "
        f"the properties of `tests/unit/fuzz` (hypothesis {report['hypothesis']}, sqlglot {report['sqlglot']}) "
        f"on random cases, {report['date']}, {report['machine']}, load average {report['load_average']:.1f} "
        "at the end (the machine is shared). A case breaks a property when a command or call raises anything "
        "but a located `SqlflowError` (through the CLI: exits 2 or prints a traceback), an error's line or "
        f"column lies outside its file, formatting changes the tree or is not idempotent, or a call takes "
        f"longer than {report['bound_s']:g} s (10 s for a compile or a command).",
        "",
        "| property | cases | broke it | how the cases ended | s |",
        "|---|---:|---:|---|---:|",
    ]
    for name, p in props.items():
        ends = ", ".join(f"{k} {v:,}" for k, v in sorted(p["outcomes"].items(), key=lambda kv: -kv[1]))
        lines.append(f"| {name} | {p['cases']:,} | {p['failures']} | {ends} | {p['seconds']:.0f} |")
    lines += [
        f"| **all** | **{total:,}** | **{failed}** | | |",
        "",
        "Calls checked, by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(report["calls"].items())) + ".",
        "",
        f"Fast tier (`pytest tests/unit/fuzz`, in `make test`, derandomized): "
        f"{sum(fast['cases'].values()):,} cases over {len(fast['cases'])} properties, {fast['seconds']:.0f} s "
        f"on this machine ({fast['summary']}).",
        "",
        f"Bugs fuzzing found, each fixed with a regression test beside the code; the input that found it "
        f"replayed through its property now, and on `{report['base']}` (main before the fixes):",
        "",
        "| found by | symptom | fix | now | before |",
        "|---|---|---|---|---|",
    ]
    for f in report["found"]:
        before = f["before"]
        shown = "held" if before["ok"] else "broke: " + before["error"][:90].replace("|", "\\|")
        lines.append(f"| {f['property']} | {f['symptom']} | `{f['fix']}` | {'holds' if f['now']['ok'] else 'BROKE'} "
                     f"| {shown} |")
    if failed:
        lines += ["", "Failures of this run (first of each kind; details in bench/fuzz_results.json):", ""]
        for name, p in props.items():
            for kind, n in p["failure_kinds"].items():
                lines.append(f"- {name}: {n} x {kind}")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="Multiply each property's soak count by this.")
    ap.add_argument("--seed", type=int, default=None, help="Hypothesis seed (default: a random one, printed).")
    ap.add_argument("--only", default="", help="Run only the properties whose name contains this.")
    ap.add_argument("--base", default=BASE, help="The revision the found inputs are replayed on as 'before'.")
    ap.add_argument("--no-results", action="store_true", help="Do not touch bench/RESULTS.md or the JSON.")
    args = ap.parse_args()
    run_seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"seed {run_seed}", flush=True)
    ws = Workspace.create()
    props: dict[str, dict] = {}
    try:
        for prop in PROPERTIES:
            if args.only not in prop.name:
                continue
            n = max(1, int(prop.soak_examples * args.scale))
            props[prop.name] = result = soak(prop, ws, n, run_seed)
            print(f"{prop.name}: {result['cases']} cases, {result['failures']} broke it, {result['seconds']} s "
                  f"{result['outcomes']}", flush=True)
            for kind, count in result["failure_kinds"].items():
                print(f"    {count} x {kind}", flush=True)
    finally:
        ws.close()
    now = replay(ROOT)
    with tempfile.TemporaryDirectory(prefix="bench_fuzz_") as tmp:
        before = replay(checkout(args.base, Path(tmp) / "base"))
    rows = [{"property": f.property, "symptom": f.symptom, "fix": f.fix, "test": f.test} for f in FOUND]
    found = [{**f, "now": n, "before": b} for f, n, b in zip(rows, now, before)]
    for f in found:
        print(f"found: {f['symptom']}: now {'holds' if f['now']['ok'] else 'BROKE ' + f['now']['error']}; "
              f"before {f['before']}", flush=True)
    fast = fast_tier()
    print(f"fast tier: {fast['seconds']} s, {fast['summary']}", flush=True)
    report = {
        "date": time.strftime("%Y-%m-%d"), "seed": run_seed, "scale": args.scale, "base": args.base,
        "hypothesis": hypothesis.__version__, "sqlglot": sqlglot.__version__, "bound_s": fuzz_checks.BOUND,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average": os.getloadavg()[0], "properties": props, "calls": dict(CASES), "found": found,
        "fast_tier": fast,
    }
    if args.no_results:
        print(render(report))
        return
    JSON_OUT.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    write_section(SECTION, render(report))
    print(f"wrote the {SECTION} section of {RESULTS} and {JSON_OUT}")


if __name__ == "__main__":
    main()
