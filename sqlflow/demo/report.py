"""The demo's report: what each stage produced, read back from the topics and files it wrote."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from sqlflow.kafka.topics import values

SPLIT_SOURCES = ("impressions_json", "impressions_csv", "clicks_json", "clicks_csv")


def read_json_dir(path: Path) -> list[dict]:
    """Rows of every JSON-lines part file under ``path`` (Flink's filesystem sink output)."""
    rows: list[dict] = []
    if not path.is_dir():
        return rows
    for f in sorted(path.rglob("*")):
        if f.is_file() and not f.name.startswith((".", "_")):
            rows += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def curation_counts(bootstrap: str, prefix: str, input_lines: dict[str, int]) -> dict[str, Any]:
    """Curated, quarantined (by reason), in review and dropped as duplicates: they add up to the input."""
    imps = values(bootstrap, prefix + "curated_impressions")
    clicks = values(bootstrap, prefix + "curated_clicks")
    quarantine = values(bootstrap, prefix + "quarantine")
    queue = values(bootstrap, prefix + "review_queue")
    decisions = values(bootstrap, prefix + "review_decisions")
    decided: dict[str, str] = {}
    for d in decisions:
        if isinstance(d, dict):
            decided.setdefault(d.get("review_id"), d.get("decision"))
    total_in = sum(input_lines.get(s, 0) for s in SPLIT_SOURCES)
    placed = {(r["source"], r["seq"]) for r in imps + clicks + quarantine + queue
              if r.get("source") in SPLIT_SOURCES}
    merged = [r for r in imps + clicks if r.get("review") == "approved"]
    pending = [q for q in queue if q["review_id"] not in decided]
    curated = len(imps) + len(clicks)
    quarantined = len(quarantine)
    duplicates = total_in - len(placed)
    return {
        "input": total_in,
        "curated": curated,
        "curated_impressions": len(imps),
        "curated_clicks": len(clicks),
        "curated_from_review": len(merged),
        "quarantined": quarantined,
        "quarantine_reasons": dict(sorted(Counter(q["reason"] for q in quarantine).items())),
        "review_queued": len(queue),
        "review_approved": sum(1 for q in queue if decided.get(q["review_id"]) == "approve"),
        "review_rejected": sum(1 for q in queue if decided.get(q["review_id"]) == "reject"),
        "review_pending": len(pending),
        "review_approved_ids": sorted(q["review_id"] for q in queue if decided.get(q["review_id"]) == "approve"),
        "review_rejected_ids": sorted(q["review_id"] for q in queue if decided.get(q["review_id"]) == "reject"),
        "duplicates_dropped": duplicates,
        "balanced": curated + quarantined + len(pending) + duplicates == total_in,
        "late_quarantined": sorted([q["source"], q["seq"]] for q in quarantine if q["reason"] == "late"),
    }


def feedback_summary(bootstrap: str, prefix: str) -> dict[str, Any]:
    """Per model version, over the tumbling windows: events, positives, observed rate, mean predicted."""
    metrics = [m for m in values(bootstrap, prefix + "feedback_metrics") if isinstance(m, dict)]
    late = [e for e in values(bootstrap, prefix + "late_events") if isinstance(e, dict)]
    per_version: dict[str, dict[str, Any]] = {}
    for m in metrics:
        if m["window_kind"] != "tumble_1m":
            continue
        v = per_version.setdefault(m["model_version"], {"model": m["model"], "windows": 0, "events": 0,
                                                         "positives": 0, "predicted_sum": 0.0})
        v["windows"] += 1
        v["events"] += m["events"]
        v["positives"] += m["positives"]
        v["predicted_sum"] += m["mean_predicted"] * m["events"]
    for v in per_version.values():
        v["rate"] = v["positives"] / v["events"] if v["events"] else None
        v["mean_predicted"] = v.pop("predicted_sum") / v["events"] if v["events"] else None
        v["calibration"] = (v["mean_predicted"] / v["rate"]) if v["rate"] else None
    return {
        "per_version": dict(sorted(per_version.items())),
        "windows": sorted(metrics, key=lambda m: (m["model"], m["model_version"], m["window_kind"],
                                                  m["window_start"])),
        "late_events": dict(sorted(Counter(e["kind"] for e in late).items())),
        "late_event_ids": sorted([e["kind"], e["event_id"]] for e in late),
    }


def top_ads(out: Path, users: int = 3, k: int = 3) -> dict[str, list[dict]]:
    """The best ``k`` ads of the first ``users`` users (by id) from the batch scoring output."""
    rows = read_json_dir(out / "scoring" / "top_ads")
    by_user: dict[str, list[dict]] = {}
    for r in sorted(rows, key=lambda r: (r["user_id"], r["rank"])):
        by_user.setdefault(r["user_id"], []).append({"rank": r["rank"], "ad_id": r["ad_id"], "score": r["score"]})
    return {u: by_user[u][:k] for u in sorted(by_user)[:users]}


def format_report(report: dict[str, Any]) -> str:
    """The report as text for people."""
    c = report["curation"]
    lines = ["", "== sqlflow demo report ==", f"sample: {report['sample']}", ""]
    lines.append("input lines per source: " + ", ".join(f"{s}={n}" for s, n in report["input_lines"].items()))
    lines.append(f"curation: {c['input']} impression/click lines -> curated {c['curated']} "
                 f"(impressions {c['curated_impressions']}, clicks {c['curated_clicks']}, "
                 f"{c['curated_from_review']} approved in review), quarantined {c['quarantined']}, "
                 f"pending review {c['review_pending']}, duplicates dropped {c['duplicates_dropped']}")
    total = c["curated"] + c["quarantined"] + c["review_pending"] + c["duplicates_dropped"]
    lines.append(f"  accounting: {c['curated']} + {c['quarantined']} + {c['review_pending']} + "
                 f"{c['duplicates_dropped']} = {total} {'==' if c['balanced'] else '!='} {c['input']}")
    lines.append("  quarantine reasons: " + ", ".join(f"{r}={n}" for r, n in c["quarantine_reasons"].items()))
    lines.append(f"  review queue: {c['review_queued']} queued, {c['review_approved']} approved, "
                 f"{c['review_rejected']} rejected, {c['review_pending']} pending")
    a = report["analysis"]
    lines.append("")
    lines.append("label distribution (dataset/source/day: label=n share):")
    for row in a["label_distribution"]:
        lines.append(f"  {row['dataset']}/{row['source']}/{row['day']}: {row['label']}={row['n']} "
                     f"({row['share']:.1%})")
    lines.append(f"hard negatives: {a['hard_negatives']} kept; top: " + ", ".join(
        f"{h['impression_id']} {h['score']:.3f}" for h in a["hard_negatives_top"]))
    s = report["scoring"]
    lines.append("")
    lines.append(f"batch scoring: {s['candidates']} candidates ({s['users']} users x {s['ads']} ads), "
                 f"top {s['top_k']} kept per user")
    for user, ads in s["top_ads"].items():
        lines.append(f"  {user}: " + ", ".join(f"#{a['rank']} {a['ad_id']} {a['score']:.4f}" for a in ads))
    st = s["streaming"]
    lines.append(f"streaming scoring: {st['scored']}/{st['requests']} requests scored; latency ms "
                 f"p50={st['latency_ms_p50']} p95={st['latency_ms_p95']} max={st['latency_ms_max']}")
    f = report["feedback"]
    lines.append("")
    lines.append("feedback per model version (tumbling 1-minute windows summed):")
    for version, v in f["per_version"].items():
        cal = f"{v['calibration']:.2f}" if v["calibration"] is not None else "n/a"
        rate = f"{v['rate']:.4f}" if v["rate"] is not None else "n/a"
        pred = f"{v['mean_predicted']:.4f}" if v["mean_predicted"] is not None else "n/a"
        lines.append(f"  {version:<9} {v['model']:<5} windows={v['windows']:<3} events={v['events']:<5} "
                     f"positives={v['positives']:<4} observed={rate} predicted={pred} predicted/observed={cal}")
    lines.append("late events (routed to late_events): " + (", ".join(
        f"{k}={n}" for k, n in f["late_events"].items()) or "none"))
    lines.append(f"training rows exported: ctr={f['training_rows']['ctr']} reply={f['training_rows']['reply']}")
    lines.append("")
    lines.append("throughput (records in / job duration, start-up included):")
    for job, t in report["throughput"].items():
        lines.append(f"  {job:<40} {t['records']:>8} records in {t['seconds']:>6.1f} s = {t['records_per_s']:>9.0f}/s")
    lines.append(f"plot: {report['plot']}")
    lines.append(f"total time: {report['elapsed_s']:.0f} s")
    return "\n".join(lines)
