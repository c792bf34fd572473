"""Delivery: how true events become the imperfect raw sources.

Each impression or click goes to the JSON or the CSV source; a recorded
share is broken, a share delivered twice (the copy may land in the other
source), and every record arrives ``delay`` after its event time: below
``max_delay_ms`` for most, beyond it for a ``late_share``. Records are
released in arrival order, so the sources are out of order within the bound
and a few records are late.

Shares become exact counts by cumulative rounding: after ``N`` events of a
kind, exactly ``floor(share * N + 0.5)`` are picked, whatever the chunking.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sqlflow.gen.config import GenConfig
from sqlflow.gen.encode import encode_plain, encode_split
from sqlflow.gen.schema import BROKEN_REASONS, SPLIT_SOURCES

#: Per kind: the id column of its canonical events and its sources.
KIND_ID = {"impression": "impression_id", "click": "click_id", "suggestion": "suggestion_id", "outcome": "outcome_id"}
PLAIN_SOURCE = {"suggestion": "suggestions", "outcome": "reply_outcomes"}
REASONS: tuple[str, ...] = tuple(BROKEN_REASONS)
#: Broken reasons after which a record has no usable event time.
NO_TIME = frozenset({"bad_time", "truncated"})

#: Columns of the per-record ground truth (``GroundTruth.delivered``).
TRUTH_COLUMNS = (
    "source", "seq", "kind", "event_id", "event_time", "copy", "duplicate",
    "broken", "broken_field", "delay_ms", "late_injected", "late",
)
_INT_MIN = np.iinfo(np.int64).min


def quota(share: float, done: int, n: int) -> int:
    """How many of the next ``n`` events to pick so that the total stays exact."""
    return int(np.floor(share * (done + n) + 0.5)) - int(np.floor(share * done + 0.5))


class Deliverer:
    """Holds records not yet arrived, and releases them in arrival order."""

    def __init__(self, cfg: GenConfig) -> None:
        self.cfg = cfg
        self.pending: list[pd.DataFrame] = []
        self.order = 0
        self.seq: dict[str, int] = {}
        self.max_time: dict[str, int] = {}
        self.done: dict[tuple[str, str], int] = {}  # (kind, what) -> events counted so far

    def _pick(self, rng: np.random.Generator, what: str, kind: str, share: float,
              pool: np.ndarray, n_base: int) -> np.ndarray:
        key = (kind, what)
        done = self.done.get(key, 0)
        k = min(quota(share, done, n_base), len(pool))
        self.done[key] = done + n_base
        if k <= 0:
            return np.empty(0, dtype=np.int64)
        return np.sort(rng.choice(pool, size=k, replace=False))

    def add(self, kind: str, events: pd.DataFrame, rng: np.random.Generator) -> None:
        """Queue the records of ``events`` (canonical events of one kind)."""
        cfg = self.cfg
        n = len(events)
        split = kind in SPLIT_SOURCES
        reason = np.full(n, "", dtype=object)
        if split:
            broken = self._pick(rng, "broken", kind, cfg.broken_share, np.arange(n), n)
            reason[broken] = np.array(REASONS, dtype=object)[rng.integers(0, len(REASONS), size=len(broken))]
            clean = np.flatnonzero(reason == "")
            dups = self._pick(rng, "duplicate", kind, cfg.duplicate_share, clean, n)
        else:
            dups = np.empty(0, dtype=np.int64)
        idx = np.concatenate([np.arange(n), dups])
        copy = np.concatenate([np.zeros(n, dtype=np.int64), np.ones(len(dups), dtype=np.int64)])
        m = len(idx)
        if split:
            json_src, csv_src = SPLIT_SOURCES[kind]
            source = np.where(rng.random(m) < cfg.json_share, json_src, csv_src).astype(object)
        else:
            source = np.full(m, PLAIN_SOURCE[kind], dtype=object)
        delay = rng.integers(0, cfg.max_delay_ms, size=m)
        late = self._pick(rng, "late", kind, cfg.late_share, np.arange(m), m)
        lo, hi = cfg.late_extra_ms
        delay[late] = cfg.max_delay_ms + rng.integers(lo, hi + 1, size=len(late))
        event_time = events["event_time"].to_numpy(np.int64)[idx]
        arrival = event_time + delay
        order = self.order + np.arange(m)
        self.order += m

        # of two copies, the one arriving later is the duplicate
        duplicate = np.zeros(m, dtype=bool)
        if len(dups):
            first, second = dups, n + np.arange(len(dups))  # positions of both copies
            duplicate[np.where(arrival[second] >= arrival[first], second, first)] = True

        copy_reason = np.where(copy == 0, reason[idx], "").astype(object)
        lines = np.empty(m, dtype=object)
        field = np.full(m, "", dtype=object)
        for src in dict.fromkeys(source.tolist()):
            sel = np.flatnonzero(source == src)
            rows = events.iloc[idx[sel]]
            if split:
                got, fields = encode_split(kind, src, rows, copy_reason[sel].tolist(), rng)
                field[sel] = np.array(fields, dtype=object)
            else:
                got = encode_plain(src, rows)
            lines[sel] = np.array(got, dtype=object)

        self.pending.append(pd.DataFrame({
            "arrival": arrival, "order": order, "source": source, "kind": kind,
            "event_id": events[KIND_ID[kind]].to_numpy()[idx], "event_time": event_time,
            "copy": copy, "duplicate": duplicate, "broken": copy_reason, "broken_field": field,
            "delay_ms": delay.astype(np.int64), "line": lines,
        }))

    def release(self, before: int | None) -> tuple[dict[str, list[str]], pd.DataFrame]:
        """Records arriving before ``before`` (all if None): lines per source, and their truth."""
        if not self.pending:
            return {}, pd.DataFrame(columns=list(TRUTH_COLUMNS))
        queue = pd.concat(self.pending, ignore_index=True)
        queue = queue.sort_values(["arrival", "order"], kind="stable", ignore_index=True)
        if before is None:
            out, keep = queue, queue.iloc[0:0]
        else:
            cut = int(np.searchsorted(queue["arrival"].to_numpy(), before, side="left"))
            out, keep = queue.iloc[:cut], queue.iloc[cut:]
        self.pending = [keep] if len(keep) else []

        lines: dict[str, list[str]] = {}
        parts = []
        for src, grp in out.groupby("source", sort=False):
            grp = grp.copy()
            start = self.seq.get(src, 0)
            grp["seq"] = np.arange(start, start + len(grp), dtype=np.int64)
            self.seq[src] = start + len(grp)
            grp["late_injected"] = grp["delay_ms"].to_numpy() >= self.cfg.max_delay_ms
            grp["late"] = self._behind_watermark(src, grp)
            lines[src] = grp["line"].tolist()
            parts.append(grp[list(TRUTH_COLUMNS)])
        truth = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(TRUTH_COLUMNS))
        return lines, truth

    def _behind_watermark(self, src: str, grp: pd.DataFrame) -> np.ndarray:
        """Late: an earlier record of the source is ``max_delay_ms`` or more ahead in event time."""
        t = grp["event_time"].to_numpy(np.int64)
        valid = ~grp["broken"].isin(NO_TIME).to_numpy()
        tv = np.where(valid, t, _INT_MIN)
        running = np.maximum.accumulate(tv)
        carried = self.max_time.get(src, _INT_MIN)
        prev = np.maximum(np.concatenate([[carried], running[:-1]]), carried)
        self.max_time[src] = int(max(carried, running[-1]))
        return valid & (prev != _INT_MIN) & (prev >= t + self.cfg.max_delay_ms)
