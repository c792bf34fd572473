"""Generation runs: a stream of batches, or a whole data set in memory.

:func:`iter_batches` yields the raw lines of every source chunk by chunk
(bounded memory, for tens of millions of rows); :func:`generate` collects a
small run into a :class:`Dataset` with its :class:`GroundTruth`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import pandas as pd

from sqlflow.gen.config import GenConfig
from sqlflow.gen.delivery import TRUTH_COLUMNS, Deliverer
from sqlflow.gen.encode import encode_plain
from sqlflow.gen.events import chunk_spans, make_chunk
from sqlflow.gen.schema import SOURCES
from sqlflow.gen.world import build_world

EVENT_KINDS = ("impression", "click", "suggestion", "outcome")


@dataclass
class Batch:
    """One step of a run: new lines per source, their truth, and the true events behind them.

    ``events`` holds the canonical events generated in this step (users and
    ads in the first batch); ``delivered`` has one row per line released.
    """

    lines: dict[str, list[str]]
    delivered: pd.DataFrame
    events: dict[str, pd.DataFrame]
    impressions_done: int = 0


def iter_batches(cfg: GenConfig) -> Iterator[Batch]:
    """The run as batches: users and ads first, then one batch per chunk of time."""
    world = build_world(cfg)
    users, ads = world.users_frame(), world.ads_frame()
    yield Batch(
        {"users": encode_plain("users", users), "ads": encode_plain("ads", ads)},
        pd.DataFrame(columns=list(TRUTH_COLUMNS)), {"user": users, "ad": ads},
    )
    deliverer = Deliverer(cfg)
    spans = chunk_spans(cfg)
    first_click = 0
    for span in spans:
        events = make_chunk(cfg, world, span, first_click)
        first_click += len(events["click"])
        rng = np.random.default_rng([cfg.seed, 3, span.index])
        for kind in EVENT_KINDS:
            deliverer.add(kind, events[kind], rng)
        last = span.index == len(spans) - 1
        lines, truth = deliverer.release(None if last else span.t1)
        yield Batch(lines, truth, events, span.imp_end - span.imp_start)


def true_events(cfg: GenConfig) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """Users, ads and the true events of every kind, without delivery (for training).

    The events are exactly those :func:`iter_batches` delivers for ``cfg``.
    """
    world = build_world(cfg)
    parts: dict[str, list[pd.DataFrame]] = {k: [] for k in EVENT_KINDS}
    first_click = 0
    for span in chunk_spans(cfg):
        events = make_chunk(cfg, world, span, first_click)
        first_click += len(events["click"])
        for kind in EVENT_KINDS:
            parts[kind].append(events[kind])
    return world.users_frame(), world.ads_frame(), {k: pd.concat(v, ignore_index=True) for k, v in parts.items()}


@dataclass
class Summary:
    """What a run wrote: lines per source, and broken, duplicate and late counts."""

    lines: Counter = field(default_factory=Counter)
    broken: dict[str, Counter] = field(default_factory=dict)  # source -> reason -> count
    duplicates: Counter = field(default_factory=Counter)
    late_injected: Counter = field(default_factory=Counter)
    late: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)  # kind -> true events

    def add(self, batch: Batch) -> None:
        for src, lines in batch.lines.items():
            self.lines[src] += len(lines)
        for kind, ev in batch.events.items():
            self.events[kind] += len(ev)
        d = batch.delivered
        if len(d):
            for (src, reason), n in d[d["broken"] != ""].groupby(["source", "broken"]).size().items():
                self.broken.setdefault(src, Counter())[reason] += int(n)
            for col, counter in (("duplicate", self.duplicates), ("late_injected", self.late_injected),
                                 ("late", self.late)):
                for src, n in d[d[col].astype(bool)].groupby("source").size().items():
                    counter[src] += int(n)

    def to_dict(self) -> dict:
        return {
            "lines": {s: self.lines[s] for s in SOURCES if s in self.lines},
            "events": dict(self.events),
            "broken": {s: dict(sorted(c.items())) for s, c in sorted(self.broken.items())},
            "duplicates": dict(sorted(self.duplicates.items())),
            "late_injected": dict(sorted(self.late_injected.items())),
            "late_behind_watermark": dict(sorted(self.late.items())),
        }

    def to_text(self) -> str:
        """A table for people: per source, lines, broken, duplicates, late."""
        head = f"{'source':<18}{'records':>10}{'broken':>9}{'dups':>7}{'late':>7}"
        out = [head]
        for s in SOURCES:
            if s not in self.lines:
                continue
            b = sum(self.broken.get(s, Counter()).values())
            out.append(f"{s:<18}{self.lines[s]:>10}{b:>9}{self.duplicates[s]:>7}{self.late_injected[s]:>7}")
        reasons: Counter = Counter()
        for c in self.broken.values():
            reasons.update(c)
        if reasons:
            out.append("broken by reason: " + ", ".join(f"{r}={n}" for r, n in sorted(reasons.items())))
        return "\n".join(out)


@dataclass
class GroundTruth:
    """What really happened, for computing a pipeline's expected results.

    ``delivered``: one row per raw line (columns ``TRUTH_COLUMNS``: source,
    seq = line number in the source from 0, kind, the true event id, event
    time, copy 0/1, duplicate = the later-arriving copy, broken reason and
    field ("" if clean), delay, late_injected = delay beyond the bound, late
    = behind a ``max_delay_ms`` watermark of its source when it arrived).
    ``impressions`` (with ``clicked`` and ``true_prob``), ``clicks``,
    ``suggestions`` (with ``accepted``, ``true_prob``) and ``outcomes``: the
    true events, each once.
    """

    delivered: pd.DataFrame
    impressions: pd.DataFrame
    clicks: pd.DataFrame
    suggestions: pd.DataFrame
    outcomes: pd.DataFrame

    def broken(self) -> dict[tuple[str, int], str]:
        """(source, seq) -> reason, for every broken line."""
        d = self.delivered[self.delivered["broken"] != ""]
        return {(s, int(q)): r for s, q, r in zip(d["source"], d["seq"], d["broken"])}

    def duplicates(self) -> set[tuple[str, int]]:
        """(source, seq) of every line that repeats an event delivered earlier."""
        d = self.delivered[self.delivered["duplicate"]]
        return {(s, int(q)) for s, q in zip(d["source"], d["seq"])}

    def click_labels(self) -> dict[str, bool]:
        """impression id -> whether the user clicked."""
        return dict(zip(self.impressions["impression_id"], self.impressions["clicked"].astype(bool)))


@dataclass
class Dataset:
    """A whole run in memory: raw lines per source, the dimension frames, the truth."""

    config: GenConfig
    lines: dict[str, list[str]]
    users: pd.DataFrame
    ads: pd.DataFrame
    truth: GroundTruth
    summary: Summary


def generate(cfg: GenConfig) -> Dataset:
    """Generate a run in memory (meant for tests and small runs)."""
    lines: dict[str, list[str]] = {s: [] for s in SOURCES}
    truths: list[pd.DataFrame] = []
    events: dict[str, list[pd.DataFrame]] = {}
    summary = Summary()
    for batch in iter_batches(cfg):
        summary.add(batch)
        for src, got in batch.lines.items():
            lines[src].extend(got)
        if len(batch.delivered):
            truths.append(batch.delivered)
        for kind, ev in batch.events.items():
            events.setdefault(kind, []).append(ev)
    delivered = pd.concat(truths, ignore_index=True) if truths else pd.DataFrame(columns=list(TRUTH_COLUMNS))
    delivered = delivered.astype({"seq": np.int64, "event_time": np.int64, "copy": np.int64,
                                  "delay_ms": np.int64, "duplicate": bool, "late_injected": bool, "late": bool})
    ev = {k: pd.concat(v, ignore_index=True) for k, v in events.items()}
    truth = GroundTruth(delivered, ev["impression"], ev["click"], ev["suggestion"], ev["outcome"])
    return Dataset(cfg, lines, ev["user"], ev["ad"], truth, summary)
