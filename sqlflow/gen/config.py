"""What to generate: sizes, seed and the shares of imperfect records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlflow.errors import ConfigError

#: Start of generated time: 2026-01-05T00:00:00Z, in epoch milliseconds.
DEFAULT_START_MS = int(datetime(2026, 1, 5, tzinfo=timezone.utc).timestamp() * 1000)


@dataclass(frozen=True)
class GenConfig:
    """A generation run; the same config always gives the same records.

    ``rows`` is the number of impressions; users, ads, clicks, suggestions and
    outcomes scale from it. Shares apply to delivered records of each event
    kind: ``broken_share`` and ``duplicate_share`` to impressions and clicks,
    ``late_share`` to every event kind.
    """

    rows: int = 1000
    seed: int = 0
    broken_share: float = 0.02
    duplicate_share: float = 0.02
    late_share: float = 0.01
    max_delay_ms: int = 5_000  # bound of out-of-orderness for on-time records
    late_extra_ms: tuple[int, int] = (5_000, 60_000)  # late records: bound + U(lo, hi)
    rate: float = 20.0  # impressions per second of event time
    json_share: float = 0.6  # share of impression/click records routed to the JSON source
    start_ms: int = DEFAULT_START_MS
    users: int | None = None  # default: rows // 10 within [50, 2_000_000]
    ads: int | None = None  # default: rows // 20 within [20, 200_000]
    suggestion_ratio: float = 0.5  # suggestions per impression

    def __post_init__(self) -> None:
        def bad(msg: str) -> ConfigError:
            return ConfigError(f"generator: {msg}", rule="gen-config")

        if self.rows < 1:
            raise bad(f"rows must be at least 1, got {self.rows}")
        for name in ("broken_share", "duplicate_share", "late_share"):
            v = getattr(self, name)
            if not 0.0 <= v <= 0.5:
                raise bad(f"{name} must be within [0, 0.5], got {v}")
        if self.broken_share + self.duplicate_share > 0.9:
            raise bad("broken_share + duplicate_share must stay below 0.9")
        if not 0.0 <= self.json_share <= 1.0:
            raise bad(f"json_share must be within [0, 1], got {self.json_share}")
        if self.rate <= 0 or self.max_delay_ms < 1:
            raise bad("rate and max_delay_ms must be positive")
        lo, hi = self.late_extra_ms
        if not 0 < lo <= hi:
            raise bad(f"late_extra_ms must be 0 < lo <= hi, got {self.late_extra_ms}")
        if self.suggestion_ratio < 0:
            raise bad("suggestion_ratio must not be negative")

    @property
    def n_users(self) -> int:
        return self.users if self.users is not None else min(max(self.rows // 10, 50), 2_000_000)

    @property
    def n_ads(self) -> int:
        return self.ads if self.ads is not None else min(max(self.rows // 20, 20), 200_000)
