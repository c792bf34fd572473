"""The schema of every raw source the generator writes, in one place.

The SQL pipelines in ``sql/`` are written against these tables. Each source
is a folder of files (``<out>/<source>/part-00000.*``) and a Kafka topic of
the same name; every line of a file is one Kafka message.

Two sources carry the same kind of event in different shapes, as real
sources do:

- ``impressions_json`` / ``clicks_json``: JSON lines, camelCase names, times
  as epoch milliseconds (``eventTime``: BIGINT).
- ``impressions_csv`` / ``clicks_csv``: CSV without a header (columns in the
  order listed here), snake_case, times as ISO-8601 text in UTC such as
  ``2026-01-05T00:00:01.234Z`` (Java pattern :data:`CSV_TIME_PATTERN`).
  No field holds a comma or a quote.

Events are delivered out of order (arrival = event time + a delay below
``max_delay_ms``, a few beyond it), some twice (same event id, in either
source), and a recorded share of impression and click records are broken
in one of the ways in :data:`BROKEN_REASONS`. ``users``, ``ads``,
``suggestions`` and ``reply_outcomes`` are clean JSON lines (snake_case,
epoch-millis times); suggestions and outcomes arrive out of order too.

Names avoid Flink SQL's reserved words (the slot of an ad is ``ad_position``,
not ``position``), so no column needs quoting.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Java DateTimeFormatter pattern of the CSV sources' times, for Flink's
#: ``TO_TIMESTAMP(event_time, '<pattern>')`` (the value is UTC).
CSV_TIME_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"

#: Python strftime equivalent of :data:`CSV_TIME_PATTERN` (milliseconds appended).
CSV_TIME_STRFTIME = "%Y-%m-%dT%H:%M:%S"

#: How a broken record is broken: the reason names the ground truth uses.
BROKEN_REASONS: dict[str, str] = {
    "missing_id": "an id field (event, user, ad or impression id) is absent (JSON) or empty (CSV)",
    "negative_price": "price is below zero",
    "bad_time": "event time cannot be parsed (text in JSON; not ISO-8601 in CSV)",
    "wrong_type": "a numeric field (ad_position for impressions, price for clicks) holds text",
    "truncated": "the record is cut short: invalid JSON, or a CSV row with missing columns",
}

#: Values the categorical columns take.
COUNTRIES: tuple[str, ...] = ("US", "IN", "BR", "GB", "DE", "FR", "JP", "MX", "CA", "ES")
DEVICES: tuple[str, ...] = ("mobile", "desktop", "tablet")
AGE_BUCKETS: tuple[str, ...] = ("18-24", "25-34", "35-44", "45-54", "55+")
CATEGORIES: tuple[str, ...] = ("travel", "finance", "gaming", "fashion", "food", "tech", "sports", "health")
CTR_VERSIONS: tuple[str, ...] = ("ctr-v1", "ctr-v2")
REPLY_VERSIONS: tuple[str, ...] = ("reply-v1", "reply-v2")
OUTCOMES: tuple[str, ...] = ("accepted", "edited", "typed")

#: Length of the user interest and ad embedding vectors.
VECTOR_DIM = 4


@dataclass(frozen=True)
class Field:
    """One column of a source: its name there, Python and Flink SQL types, meaning."""

    name: str
    py_type: type
    flink_type: str
    meaning: str
    nullable: bool = False


@dataclass(frozen=True)
class SourceSchema:
    """A raw source: format, which event kind it carries, and its columns in order."""

    name: str
    format: str  # "json" or "csv"
    kind: str  # user, ad, impression, click, suggestion, outcome
    id_field: str
    time_field: str | None
    fields: tuple[Field, ...]
    doc: str

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def columns_sql(self) -> str:
        """The column list of a Flink ``CREATE TABLE`` reading this source as is."""
        return ",\n".join(f"  `{f.name}` {f.flink_type}" for f in self.fields)


_VEC = "ARRAY<FLOAT>"

USERS = SourceSchema(
    "users", "json", "user", "user_id", None,
    (
        Field("user_id", str, "STRING", "user id, 'u' + 7 digits"),
        Field("country", str, "STRING", f"ISO country code, one of {', '.join(COUNTRIES)}"),
        Field("device", str, "STRING", f"main device, one of {', '.join(DEVICES)}"),
        Field("age_bucket", str, "STRING", f"age range, one of {', '.join(AGE_BUCKETS)}"),
        Field("signup_time", int, "BIGINT", "sign-up time, epoch milliseconds UTC"),
        Field("interests", list, _VEC, f"interest vector, {VECTOR_DIM} floats (4 decimals)"),
    ),
    "One row per user (a dimension table).",
)

ADS = SourceSchema(
    "ads", "json", "ad", "ad_id", None,
    (
        Field("ad_id", str, "STRING", "ad id, 'a' + 6 digits"),
        Field("advertiser_id", str, "STRING", "advertiser id, 'adv' + 5 digits"),
        Field("category", str, "STRING", f"ad category, one of {', '.join(CATEGORIES)}"),
        Field("bid", float, "DOUBLE", "cost-per-click bid in USD (2 decimals, > 0)"),
        Field("quality", float, "DOUBLE", "ad quality score in [0, 1] (3 decimals)"),
        Field("embedding", list, _VEC, f"ad feature vector, {VECTOR_DIM} floats (4 decimals)"),
    ),
    "One row per ad (a dimension table).",
)

IMPRESSIONS_JSON = SourceSchema(
    "impressions_json", "json", "impression", "impressionId", "eventTime",
    (
        Field("impressionId", str, "STRING", "impression id, 'imp-' + 10 digits"),
        Field("userId", str, "STRING", "user shown the ad (users.user_id)"),
        Field("adId", str, "STRING", "ad shown (ads.ad_id)"),
        Field("eventTime", int, "BIGINT", "time the ad was shown, epoch milliseconds UTC"),
        Field("adPosition", int, "INT", "slot on the page, 1 (top) to 5"),
        Field("price", float, "DOUBLE", "price paid for the impression in USD (5 decimals)"),
        Field("modelScore", float, "DOUBLE", "click probability the served CTR model gave"),
        Field("modelVersion", str, "STRING", f"served CTR model, one of {', '.join(CTR_VERSIONS)}"),
    ),
    "Ad impressions from the web servers: JSON, camelCase, epoch-millis times.",
)

IMPRESSIONS_CSV = SourceSchema(
    "impressions_csv", "csv", "impression", "impression_id", "event_time",
    (
        Field("impression_id", str, "STRING", "impression id, 'imp-' + 10 digits"),
        Field("user_id", str, "STRING", "user shown the ad (users.user_id)"),
        Field("ad_id", str, "STRING", "ad shown (ads.ad_id)"),
        Field("event_time", str, "STRING", f"time the ad was shown, UTC text ({CSV_TIME_PATTERN})"),
        Field("ad_position", int, "INT", "slot on the page, 1 (top) to 5"),
        Field("price", float, "DOUBLE", "price paid for the impression in USD (5 decimals)"),
        Field("model_score", float, "DOUBLE", "click probability the served CTR model gave"),
        Field("model_version", str, "STRING", f"served CTR model, one of {', '.join(CTR_VERSIONS)}"),
    ),
    "Ad impressions from the mobile gateway: CSV, snake_case, ISO-8601 times.",
)

CLICKS_JSON = SourceSchema(
    "clicks_json", "json", "click", "clickId", "eventTime",
    (
        Field("clickId", str, "STRING", "click id, 'clk-' + 10 digits"),
        Field("impressionId", str, "STRING", "the impression clicked"),
        Field("userId", str, "STRING", "user who clicked"),
        Field("adId", str, "STRING", "ad clicked"),
        Field("eventTime", int, "BIGINT", "click time, epoch milliseconds UTC (0.5 to 55 s after the impression)"),
        Field("price", float, "DOUBLE", "price charged for the click in USD (at most the ad's bid)"),
    ),
    "Clicks from the web servers: JSON, camelCase, epoch-millis times.",
)

CLICKS_CSV = SourceSchema(
    "clicks_csv", "csv", "click", "click_id", "event_time",
    (
        Field("click_id", str, "STRING", "click id, 'clk-' + 10 digits"),
        Field("impression_id", str, "STRING", "the impression clicked"),
        Field("user_id", str, "STRING", "user who clicked"),
        Field("ad_id", str, "STRING", "ad clicked"),
        Field("event_time", str, "STRING", f"click time, UTC text ({CSV_TIME_PATTERN})"),
        Field("price", float, "DOUBLE", "price charged for the click in USD (at most the ad's bid)"),
    ),
    "Clicks from the mobile gateway: CSV, snake_case, ISO-8601 times.",
)

SUGGESTIONS = SourceSchema(
    "suggestions", "json", "suggestion", "suggestion_id", "event_time",
    (
        Field("suggestion_id", str, "STRING", "suggestion id, 'sug-' + 10 digits"),
        Field("conversation_id", str, "STRING", "conversation id, 'conv-' + 8 digits"),
        Field("user_id", str, "STRING", "user the reply was suggested to"),
        Field("event_time", int, "BIGINT", "time the reply was shown, epoch milliseconds UTC"),
        Field("text", str, "STRING", "the suggested reply"),
        Field("length_chars", int, "INT", "characters (Unicode code points) in text"),
        Field("word_count", int, "INT", "words (split on spaces) in text"),
        Field("has_emoji", bool, "BOOLEAN", "text holds an emoji"),
        Field("is_question", bool, "BOOLEAN", "text asks a question (holds '?')"),
        Field("relevance", float, "DOUBLE", "text-encoder similarity of the reply to the conversation, [0, 1]"),
        Field("sentiment", float, "DOUBLE", "text-encoder sentiment of the reply, [-1, 1]"),
        Field("formality", float, "DOUBLE", "text-encoder formality of the reply, [0, 1]"),
        Field("model_score", float, "DOUBLE", "acceptance probability the served reply model gave"),
        Field("model_version", str, "STRING", f"served reply model, one of {', '.join(REPLY_VERSIONS)}"),
    ),
    "Suggested replies shown in the chat product.",
)

REPLY_OUTCOMES = SourceSchema(
    "reply_outcomes", "json", "outcome", "outcome_id", "event_time",
    (
        Field("outcome_id", str, "STRING", "outcome id, 'out-' + 10 digits"),
        Field("suggestion_id", str, "STRING", "the suggestion this outcome answers (one per suggestion)"),
        Field("conversation_id", str, "STRING", "conversation id"),
        Field("user_id", str, "STRING", "user who replied"),
        Field("event_time", int, "BIGINT", "time the reply was sent, epoch milliseconds UTC (1 to 120 s after the suggestion)"),
        Field("outcome", str, "STRING", "accepted (sent as is), edited (sent after editing) or typed (own reply typed by hand)"),
    ),
    "What the user did with each suggested reply.",
)

#: Every source, by name, in the order the generator writes them.
SOURCES: dict[str, SourceSchema] = {
    s.name: s
    for s in (USERS, ADS, IMPRESSIONS_JSON, IMPRESSIONS_CSV, CLICKS_JSON, CLICKS_CSV, SUGGESTIONS, REPLY_OUTCOMES)
}

#: The sources of each event kind that are split across formats.
SPLIT_SOURCES: dict[str, tuple[str, str]] = {
    "impression": ("impressions_json", "impressions_csv"),
    "click": ("clicks_json", "clicks_csv"),
}


def file_suffix(source: str) -> str:
    """The file extension of a source's part files."""
    return "csv" if SOURCES[source].format == "csv" else "jsonl"


def describe() -> str:
    """Every source as text: format, meaning, and a Flink column list with each column's meaning."""
    out = []
    for s in SOURCES.values():
        out.append(f"-- {s.name} ({s.format}, topic {s.name}): {s.doc}")
        width = max(len(f"`{f.name}` {f.flink_type}") for f in s.fields) + 1
        for k, f in enumerate(s.fields):
            col = f"  `{f.name}` {f.flink_type}" + ("," if k < len(s.fields) - 1 else "")
            out.append(f"{col:<{width + 3}} -- {f.meaning}")
        out.append("")
    out.append("-- broken records (impressions and clicks): " + "; ".join(
        f"{r}: {m}" for r, m in BROKEN_REASONS.items()))
    return "\n".join(out)
