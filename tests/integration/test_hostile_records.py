"""Every kind of broken record through the shipped curation job, on the local target and a real broker.

The job (sql/curation/curate.sql, as shipped) is deployed with ``sqlflow deploy``
to a standalone cluster from ``sqlflow up`` and reads its four raw topics to
their end. Each hostile record must land in quarantine with its reason, the
job must finish without a failure or a restart (the REST API's restart count
and exception history), and every input record must be accounted for exactly:
input = curated + quarantined + review + duplicates dropped.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest

from sqlflow.kafka.broker import MAX_MESSAGE_BYTES
from sqlflow.kafka.topics import read_topic

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("faults_harness", REPO / "bench" / "faults.py")
faults = importlib.util.module_from_spec(_spec)
sys.modules["faults_harness"] = faults
_spec.loader.exec_module(faults)

T0 = 1767571200000  # 2026-01-05, the sample data's day
RAW = ("impressions_json", "impressions_csv", "clicks_json", "clicks_csv")
OUT = ("curated_impressions", "curated_clicks", "quarantine", "review_queue")


def imp(i: int, **change) -> bytes:
    """A clean JSON impression ``imp-i`` one second after the last, with fields changed or dropped (None)."""
    rec = {"impressionId": f"imp-{i}", "userId": f"u{i}", "adId": "a1", "eventTime": T0 + 1000 * i,
           "adPosition": 2, "price": 0.01, "modelScore": 0.05, "modelVersion": "ctr-v1"}
    for k, v in change.items():
        if v is None:
            rec.pop(k)
        else:
            rec[k] = v
    return json.dumps(rec).encode()


def click(i: int, **change) -> bytes:
    rec = {"clickId": f"clk-{i}", "impressionId": f"imp-{i}", "userId": f"u{i}", "adId": "a1",
           "eventTime": T0 + 1000 * i + 500, "price": 0.5}
    rec.update(change)
    return json.dumps(rec).encode()


def csv_imp(i: int, time_text: str | None = None, price: str = "0.01", extra: str = "") -> bytes:
    t = time_text or time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime((T0 + 1000 * i) / 1000)) + ".000Z"
    return f"imp-{i},u{i},a2,{t},3,{price},0.05,ctr-v2{extra}".encode()


# (topic, value, where it must end: "curated", "review", "duplicate", or the quarantine reason). The clean
# records come first and last in event time: a hostile record with a valid time moves its source's
# watermark, and a clean record behind it would be quarantined as late.
RECORDS: list[tuple[str, bytes | None, str]] = [
    ("impressions_json", imp(1), "curated"),
    ("impressions_json", imp(2), "curated"),
    ("impressions_json", imp(1), "duplicate"),
    ("impressions_json", imp(3, modelScore=0.5), "review"),
    ("impressions_json", b'{"impressionId": "imp-h1", "userId": "u1",, }', "malformed"),
    ("impressions_json", b"hello, world", "malformed"),
    ("impressions_json", b'{"impressionId":"imp-h2","userId":"u', "truncated"),
    ("impressions_json", b"[1, 2, 3]", "wrong_shape"),
    ("impressions_json", b'"just a string"', "wrong_shape"),
    ("impressions_json", imp(10, adPosition="top"), "wrong_type"),
    ("impressions_json", imp(11, price={"amount": 1}), "wrong_type"),
    ("impressions_json", imp(12, price=True), "wrong_type"),
    ("impressions_json", imp(13, adPosition=99_999_999_999), "wrong_type"),
    ("impressions_json", imp(14, userId=None), "missing_id"),
    ("impressions_json", imp(15, modelVersion=None), "missing_field"),
    ("impressions_json", imp(16).replace(b'"price": 0.01', b'"price": null'), "missing_field"),
    ("impressions_json", imp(17, debug=1), "unknown_field"),
    ("impressions_json", imp(18, padding="x" * (10 * 1024 * 1024)), "too_large"),
    ("impressions_json", imp(19).replace(b"imp-19", b"imp-\xff\xfe19"), "bad_encoding"),
    ("impressions_json", imp(20).replace(b'"u20"', b'"u\x0120"'), "control_character"),
    ("impressions_json", imp(21, impressionId="imp-\u000721"), "control_character"),
    ("impressions_json", imp(22, eventTime=0), "time_out_of_range"),
    ("impressions_json", imp(23, eventTime=-1000), "time_out_of_range"),
    ("impressions_json", imp(24, eventTime=32_503_680_000_000), "time_out_of_range"),  # the year 3000
    ("impressions_json", imp(25, eventTime=9_223_372_036_854_775_807), "time_out_of_range"),
    ("impressions_json", imp(26).replace(str(T0 + 26_000).encode(), b"1e30"), "bad_time"),
    ("impressions_json", imp(27, eventTime="yesterday"), "bad_time"),
    ("impressions_json", imp(28).replace(b'"price": 0.01', b'"price": 1e400'), "out_of_range"),
    ("impressions_json", imp(29, price="NaN"), "out_of_range"),
    ("impressions_json", imp(30, price=5e12), "out_of_range"),
    ("impressions_json", imp(31, modelScore="NaN"), "bad_score"),
    ("impressions_json", imp(32).replace(b'"modelScore": 0.05', b'"modelScore": NaN'), "malformed"),
    ("impressions_json", imp(33, price=-1), "negative_price"),
    ("impressions_json", imp(34, adPosition=7), "bad_position"),
    ("impressions_json", b"", "empty"),
    ("impressions_json", b"   ", "empty"),
    ("impressions_json", None, "empty"),  # a Kafka record without a value
    ("impressions_json", imp(80), "curated"),
    ("impressions_csv", csv_imp(4), "curated"),
    ("impressions_csv", csv_imp(50, extra=",surprise"), "wrong_shape"),
    ("impressions_csv", csv_imp(51)[:20], "truncated"),
    ("impressions_csv", csv_imp(52).replace(b"u52", b"u\x0052"), "control_character"),
    ("impressions_csv", csv_imp(53, time_text="9999-12-31T23:59:59.999Z"), "time_out_of_range"),
    ("impressions_csv", csv_imp(54, time_text="1900-01-01T00:00:00.000Z"), "time_out_of_range"),
    ("impressions_csv", csv_imp(55, price="NaN"), "out_of_range"),
    ("impressions_csv", csv_imp(56, price="Infinity"), "out_of_range"),
    ("impressions_csv", csv_imp(81), "curated"),
    ("clicks_json", click(1), "curated"),
    ("clicks_json", click(2, price=3.0), "review"),
    ("clicks_json", click(60, extra=True), "unknown_field"),
    ("clicks_json", click(61).replace(b'"price": 0.5', b'"price": 1e400'), "out_of_range"),
    ("clicks_json", click(62, eventTime=32_503_680_000_000), "time_out_of_range"),
    ("clicks_json", click(82), "curated"),
    ("clicks_csv", b"clk-3,imp-3,u3,a1,2026-01-05T00:00:03.500Z,0.4", "curated"),
    ("clicks_csv", b"clk-\xc3\x28,imp-3,u3,a1,2026-01-05T00:00:03.600Z,0.4", "bad_encoding"),
    ("clicks_csv", b"clk-83,imp-83,u83,a1,2026-01-05T00:01:23.000Z,0.4", "curated"),
]


@pytest.fixture(scope="module")
def curation(tmp_path_factory):
    """The shipped curation job over RECORDS, run to the end of its input on the local target."""
    from kafka import KafkaProducer

    root = tmp_path_factory.mktemp("hostile")
    stack = faults.Stack.create(
        root, {"sql/curation/curate.sql": REPO / "sql" / "curation" / "curate.sql"}, name="hostile",
        variables={"REVIEW_MIN_IMPRESSION_SCORE": "0.2", "REVIEW_MIN_CLICK_PRICE": "2.5",
                   "SCAN_BOUNDED_MODE": "latest-offset", "TOPIC_PREFIX": ""},
        taskmanagers=1, log=lambda s: None)
    try:
        stack.cli("up", timeout=300)
        faults.create_topics(stack.bootstrap, RAW + OUT)
        producer = KafkaProducer(bootstrap_servers=stack.bootstrap, max_request_size=MAX_MESSAGE_BYTES, acks="all")
        offsets = []
        for topic, value, _ in RECORDS:
            key = b"no-value" if value is None else None  # Kafka takes a record without a value only with a key
            offsets.append(producer.send(topic, key=key, value=value, partition=0).get(timeout=60).offset)
        producer.close()
        started = time.monotonic()
        stack.cli("deploy", "--target", "local", timeout=400)
        job = stack.job_named("hostile.curation.curate")
        restarts = 0
        while job["state"] not in ("FINISHED", "FAILED", "CANCELED") and time.monotonic() - started < 400:
            if job["state"] == "RUNNING":
                restarts = max(restarts, stack.restarts(job["jid"]))
            time.sleep(1)
            job = stack.job_named("hostile.curation.curate")
        exceptions = stack.rest(f"/jobs/{job['jid']}/exceptions")
        out = {t: [m.value for m in read_topic(stack.bootstrap, t, timeout=120)] for t in OUT}
        yield {"job": job, "restarts": restarts, "exceptions": exceptions, "out": out, "offsets": offsets}
    finally:
        stack.down()


def test_the_job_neither_fails_nor_restarts(curation):
    history = (curation["exceptions"].get("exceptionHistory") or {}).get("entries") or []
    assert (curation["job"]["state"], curation["restarts"], history) == ("FINISHED", 0, [])


def test_every_hostile_record_lands_in_quarantine_with_its_reason(curation):
    got = sorted((q["source"], q["seq"], q["reason"]) for q in curation["out"]["quarantine"])
    want = sorted((topic, seq, where) for (topic, _, where), seq in zip(RECORDS, curation["offsets"])
                  if where not in ("curated", "review", "duplicate"))
    assert got == want


def test_every_input_record_is_accounted_for_exactly(curation):
    out = curation["out"]
    placed = {"curated": sorted((r["source"], r["seq"]) for t in ("curated_impressions", "curated_clicks")
                                for r in out[t]),
              "review": sorted((r["source"], r["seq"]) for r in out["review_queue"]),
              "quarantine": sorted((r["source"], r["seq"]) for r in out["quarantine"])}
    want = {k: [] for k in placed}
    dropped = []
    for (topic, _, where), seq in zip(RECORDS, curation["offsets"]):
        if where == "duplicate":
            dropped.append((topic, seq))
        else:
            want[where if where in ("curated", "review") else "quarantine"].append((topic, seq))
    assert placed == {k: sorted(v) for k, v in want.items()}
    assert len(RECORDS) == sum(len(v) for v in placed.values()) + len(dropped)
    assert len(dropped) == 1  # imp-1's second copy, dropped by the deduplication


def test_a_too_large_record_is_kept_as_its_start(curation):
    big = [q for q in curation["out"]["quarantine"] if q["reason"] == "too_large"]
    assert [(q["event_id"], len(q["line"]), q["line"][:40]) for q in big] == [
        ("imp-18", 1000, imp(18, padding="x" * 10)[:40].decode())]
