"""Benchmark of streaming scoring: Kafka -> ML_PREDICT -> Kafka against a plain Python service.

A real Kafka broker (:class:`sqlflow.kafka.broker.KafkaBroker`) and the embedded mini-cluster.
Requests are JSON records ``{"id", "sent_ms", "f0".."f15"}`` on a topic of one partition; the
scored records ``{"id", "sent_ms", "probability"}`` go to another. Two kinds of measurement:

* ``latency``: a generator (its own process, kafka-python) sends requests at a fixed rate
  (``--rate``, 5,000/s) for ``--seconds``, each carrying the wall-clock time it was sent; a
  receiver (its own process) reads the scored topic and takes each record's latency as its
  receive time minus ``sent_ms``: end to end, both Kafka hops included. The first
  ``--warmup`` seconds are left out. p50 / p95 / p99 / max, and how many came back.
* ``saturation``: ``--prefill`` requests written first (by a sqlflow batch job, datagen ->
  Kafka), then each scorer reads them from the start as fast as it can; the rate is the slope
  of the scored topic's end offset between 10% and 90% of the records (start-up left out).

The scorers, each with the same model (MLP 16-64-32-1), on one partition at parallelism 1:

* ``native``: a sqlflow job (compiled and run as ``sqlflow run`` runs it) with ``CREATE MODEL
  ... 'provider' = 'onnx'`` + ``ML_PREDICT``, at-least-once Kafka sink, checkpoints every
  ``--checkpoint-ms``; ``native-eos``: the same with ``'sink.delivery-guarantee' =
  'exactly-once'`` (Kafka transactions committed at checkpoints), read ``read_committed``;
* ``python``: the same job with ``'runtime' = 'python'`` (latency only);
* ``service``: a plain kafka-python + onnxruntime service (its own process): poll up to
  ``--service-batch`` records, score them in one ``session.run``, produce the results.

Targets: native p99 <= 100 ms at 5,000/s (at-least-once), and a higher saturation rate than the
service. Writes bench/streaming_results.json, bench/streaming_latency.png and the "Streaming
scoring: Kafka -> ML_PREDICT -> Kafka" section of bench/RESULTS.md.

Usage::

    python bench/bench_streaming.py [--quick] [--parts latency,saturation] [--rate 5000]
                                    [--seconds 30] [--scorers native,native-eos,python,service]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (DEFAULTS, defaults_text, FEATURES, ROOT, BenchProject, fmt_rate, machine, model_ddl,  # noqa: E402
                      predict_call, save_json, write_section)

JSON = ROOT / "bench" / "streaming_results.json"
PLOT = ROOT / "bench" / "streaming_latency.png"
SECTION = "Streaming scoring: Kafka -> ML_PREDICT -> Kafka"
LAYERS = [16, 64, 32, 1]
#: Settings passed to the jobs explicitly: those proposed as sqlflow's defaults for streaming jobs.
SETTINGS = {"native": DEFAULTS[("native", "streaming")], "python": DEFAULTS[("python", "streaming")]}


# -- the processes beside the cluster (spawned: the parent holds the JVM) -----------------------

def _feature_fragments(n: int = 1024, seed: int = 0) -> list[bytes]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(n, 16)).astype(np.float32)
    return [b",".join(b'"f%d":%.6f' % (j, v) for j, v in enumerate(row)) for row in x]


def generator(bootstrap: str, topic: str, rate: float, seconds: float, out: mp.Queue) -> None:
    """Send requests at ``rate`` per second for ``seconds``, each stamped with its send time."""
    from kafka import KafkaProducer

    frags = _feature_fragments()
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=1, acks=1)
    start = time.time()
    n = 0
    total = int(rate * seconds)
    behind = 0.0
    while n < total:
        due = start + n / rate
        now = time.time()
        if due > now:
            time.sleep(due - now)
        else:
            behind = max(behind, now - due)
        sent = int(time.time() * 1000)
        producer.send(topic, b'{"id":%d,"sent_ms":%d,%s}' % (n, sent, frags[n % len(frags)]), partition=0)
        n += 1
    producer.flush()
    producer.close()
    out.put({"sent": n, "start_ms": start * 1000, "seconds": time.time() - start, "max_behind_s": behind})


def receiver(bootstrap: str, topic: str, committed: bool, expect: mp.Value, idle_s: float, out: mp.Queue,
             path: str) -> None:
    """Read the scored topic from its start; each record's latency is now minus its ``sent_ms``.
    Stops once ``expect`` (set when the generator is done) records came, or after ``idle_s`` without one."""
    import orjson
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=5,
                             isolation_level="read_committed" if committed else "read_uncommitted",
                             max_poll_records=5000)
    tp = TopicPartition(topic, 0)
    consumer.assign([tp])
    consumer.seek_to_beginning(tp)
    sent, got, ids, appended = [], [], [], []
    last = time.time()
    while True:
        batch = consumer.poll(timeout_ms=50)
        now = int(time.time() * 1000)
        for records in batch.values():
            for r in records:
                v = orjson.loads(r.value)
                if v["id"] < 0:  # a probe
                    continue
                sent.append(v["sent_ms"])
                ids.append(v["id"])
                appended.append(r.timestamp)
                got.append(now)
            last = time.time()
        want = expect.value
        if want > 0 and len(set(ids)) >= want:
            break
        if time.time() - last > idle_s and (want > 0 or time.time() - last > 120):
            break
    consumer.close()
    np.savez(path, sent=np.array(sent, dtype=np.int64), got=np.array(got, dtype=np.int64),
             ids=np.array(ids, dtype=np.int64), appended=np.array(appended, dtype=np.int64))
    out.put({"received": len(ids), "distinct": len(set(ids))})


def service(bootstrap: str, source: str, sink: str, model: str, batch: int, stop: mp.Event, out: mp.Queue) -> None:
    """The plain service: consume requests, score each poll's records in one run, produce the results."""
    import onnxruntime as ort
    import orjson
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(model, sess_options=opts, providers=["CPUExecutionProvider"])
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=5,
                             max_poll_records=batch)
    consumer.assign([TopicPartition(source, 0)])  # the one partition, from its start: no group to join
    consumer.seek_to_beginning()
    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=1, acks=1)
    names = FEATURES
    scored = 0
    while not stop.is_set():
        polled = consumer.poll(timeout_ms=5, max_records=batch)
        rows = [orjson.loads(r.value) for records in polled.values() for r in records]
        if not rows:
            continue
        x = np.array([[row[f] for f in names] for row in rows], dtype=np.float32)
        y = session.run(["probability"], {"features": x})[0][:, 0]
        for row, p in zip(rows, y.tolist()):
            producer.send(sink, b'{"id":%d,"sent_ms":%d,"probability":%r}' % (row["id"], row["sent_ms"], p),
                          partition=0)
        scored += len(rows)
    producer.flush()
    producer.close()
    consumer.close()
    out.put({"scored": scored})


# -- the Flink side ------------------------------------------------------------------------------

def job_sql(runtime: str, model: str, guarantee: str, checkpoint_ms: int, options: dict | None = None) -> str:
    """Kafka requests -> ML_PREDICT -> Kafka scored records, at ``guarantee``."""
    cols = ",\n    ".join(f"{f} FLOAT" for f in FEATURES)
    sink_opts = f"    'sink.delivery-guarantee' = '{guarantee}'"
    if guarantee == "exactly-once":
        sink_opts += (",\n    'sink.transactional-id-prefix' = '${TXN_PREFIX}',\n"
                      "    'properties.transaction.timeout.ms' = '600000'")
    return (
        f"SET 'execution.checkpointing.interval' = '{checkpoint_ms} ms';\n\n"
        + model_ddl("m", model, runtime="python" if runtime == "python" else None, options=options)
        + f"\nCREATE TEMPORARY TABLE requests (\n    id BIGINT,\n    sent_ms BIGINT,\n    {cols}\n)\nWITH (\n"
        "    'connector' = 'kafka',\n    'topic' = '${REQUESTS}',\n"
        "    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',\n    'properties.group.id' = 'bench',\n"
        "    'scan.startup.mode' = 'earliest-offset',\n    'format' = 'json'\n);\n\n"
        "CREATE TEMPORARY TABLE scored (\n    id BIGINT,\n    sent_ms BIGINT,\n    probability FLOAT\n)\nWITH (\n"
        "    'connector' = 'kafka',\n    'topic' = '${SCORED}',\n"
        "    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',\n    'format' = 'json',\n"
        f"{sink_opts}\n);\n\n"
        f"INSERT INTO scored\nSELECT id, sent_ms, probability\nFROM {predict_call('requests')};\n")


def prefill_sql() -> str:
    cols = ",\n    ".join(f"{f} FLOAT" for f in FEATURES)
    gen = ",\n    ".join(f"'fields.{f}.min' = '-1', 'fields.{f}.max' = '1'" for f in FEATURES)
    return (
        "SET 'execution.runtime-mode' = 'batch';\n\n"
        f"CREATE TEMPORARY TABLE gen (\n    id BIGINT,\n    {cols}\n)\nWITH (\n    'connector' = 'datagen',\n"
        "    'number-of-rows' = '${ROWS}',\n    'fields.id.kind' = 'sequence',\n    'fields.id.start' = '0',\n"
        "    'fields.id.end' = '${LAST}',\n"
        f"    {gen}\n);\n\n"
        f"CREATE TEMPORARY TABLE requests (\n    id BIGINT,\n    sent_ms BIGINT,\n    {cols}\n)\nWITH (\n"
        "    'connector' = 'kafka',\n    'topic' = '${REQUESTS}',\n"
        "    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',\n    'format' = 'json'\n);\n\n"
        f"INSERT INTO requests\nSELECT id, CAST(0 AS BIGINT), {', '.join(FEATURES)}\nFROM gen;\n")


class Bench:
    """The broker, the session and the project the measurements share."""

    def __init__(self, args: argparse.Namespace):
        from sqlflow.kafka.broker import KafkaBroker

        self.args = args
        self.ctx = mp.get_context("spawn")
        self.broker = KafkaBroker(heap="768m", log_level="WARN")
        self.project = BenchProject("streaming")
        self.model = self.project.model(LAYERS)
        self.files = {}
        self.n = 0

    def start(self) -> None:
        self.broker.start()
        self.project.start()

    def close(self) -> None:
        try:
            self.project.close()
        finally:
            self.broker.stop()

    def topics(self, *names: str) -> tuple[str, ...]:
        """Fresh topics of one partition whose records carry the time the broker appended them
        (so a record's way splits into its hops)."""
        from kafka import KafkaAdminClient
        from kafka.admin import NewTopic

        self.n += 1
        names = names or (f"requests_{self.n}", f"scored_{self.n}")
        admin = KafkaAdminClient(bootstrap_servers=self.broker.bootstrap)
        try:
            admin.create_topics([NewTopic(t, 1, 1, topic_configs={"message.timestamp.type": "LogAppendTime"})
                                 for t in names])
        finally:
            admin.close()
        return names

    def env(self, requests: str, scored: str, **extra: object) -> dict[str, str]:
        return {"KAFKA_BOOTSTRAP": self.broker.bootstrap, "REQUESTS": requests, "SCORED": scored,
                "TXN_PREFIX": f"bench-{uuid.uuid4().hex[:8]}", **{k: str(v) for k, v in extra.items()}}

    def job(self, scorer: str, env: dict[str, str], options: dict | None = None):
        runtime = "python" if scorer == "python" else "native"
        guarantee = "exactly-once" if scorer == "native-eos" else "at-least-once"
        tag = "".join(f"_{k}{v}" for k, v in (options or {}).items())
        name = "".join(c if c.isalnum() else "_" for c in f"{scorer}{tag}") + ".sql"
        if name not in self.files:
            self.files[name] = self.project.write(name, job_sql(runtime, self.model, guarantee,
                                                                self.args.checkpoint_ms, options))
        return self.project.compile(self.files[name], env)

    def settings(self, scorer: str, extra: dict | None = None) -> dict[str, str]:
        if self.args.as_is:
            return {"parallelism.default": "1", **(extra or {})}
        return {"parallelism.default": "1", **SETTINGS["python" if scorer == "python" else "native"], **(extra or {})}

    def start_scorer(self, scorer: str, requests: str, scored: str, model_options: dict | None = None,
                     settings: dict | None = None):
        """Start the scorer on the topics; a handle to stop it."""
        if scorer == "service":
            stop, out = self.ctx.Event(), self.ctx.Queue()
            proc = self.ctx.Process(target=service, args=(self.broker.bootstrap, requests, scored,
                                                          str(self.project.root / self.model),
                                                          self.args.service_batch, stop, out))
            proc.start()
            return ("service", proc, stop, out)
        job_id = self.project.submit(self.job(scorer, self.env(requests, scored), model_options), streaming=True,
                                     config=self.settings(scorer, settings))
        self._wait_running(job_id)
        return ("flink", job_id)

    def _wait_running(self, job_id: str, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.project.cluster.rest(f"/jobs/{job_id}")
            if info["state"] in ("FAILED", "CANCELED", "FINISHED"):
                raise SystemExit(f"job {job_id} is {info['state']}: {self.project.cluster.job_failure(job_id)}")
            if info["state"] == "RUNNING" and all(v["status"] == "RUNNING" for v in info["vertices"]):
                return
            time.sleep(0.2)
        raise SystemExit(f"job {job_id} did not reach RUNNING within {timeout:.0f} s")

    def stop_scorer(self, handle) -> dict:
        if handle[0] == "service":
            _, proc, stop, out = handle
            stop.set()
            info = out.get(timeout=60)
            proc.join(timeout=30)
            return info
        job_id = handle[1]
        client = self.project.cluster.client
        client.cancel(job_id)
        client.wait_state(job_id, {"CANCELED", "FAILED", "FINISHED"}, timeout=60)
        return {"job_id": job_id}

    # -- latency at a fixed rate ---------------------------------------------------------------

    def await_flow(self, requests: str, scored: str, committed: bool, handle, timeout: float = 180.0) -> float:
        """Send probe requests (negative ids) until one comes back scored: the scorer's source has
        joined its topic and every step is warm. Seconds it took."""
        import orjson
        from kafka import KafkaConsumer, KafkaProducer, TopicPartition

        frag = _feature_fragments(1)[0]
        producer = KafkaProducer(bootstrap_servers=self.broker.bootstrap, linger_ms=0)
        consumer = KafkaConsumer(bootstrap_servers=self.broker.bootstrap, enable_auto_commit=False,
                                 fetch_max_wait_ms=50,
                                 isolation_level="read_committed" if committed else "read_uncommitted")
        tp = TopicPartition(scored, 0)
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        t0 = time.monotonic()
        probe = 0
        try:
            while time.monotonic() - t0 < timeout:
                if handle[0] == "service" and not handle[1].is_alive():
                    raise SystemExit(f"the plain service stopped (exit code {handle[1].exitcode})")
                probe -= 1
                producer.send(requests, b'{"id":%d,"sent_ms":%d,%s}' % (probe, int(time.time() * 1000), frag),
                              partition=0)
                producer.flush()
                for records in consumer.poll(timeout_ms=500).values():
                    if any(orjson.loads(r.value)["id"] < 0 for r in records):
                        return time.monotonic() - t0
            raise SystemExit(f"no scored record came back within {timeout:.0f} s")
        finally:
            producer.close()
            consumer.close()

    def latency(self, scorer: str, model_options: dict | None = None, settings: dict | None = None) -> dict:
        a = self.args
        requests, scored = self.topics()
        handle = self.start_scorer(scorer, requests, scored, model_options, settings)
        ready = self.await_flow(requests, scored, scorer == "native-eos", handle)
        path = str(self.project.root / f"lat_{scorer}_{self.n}.npz")
        expect = self.ctx.Value("q", 0)
        gen_out, rec_out = self.ctx.Queue(), self.ctx.Queue()
        rec = self.ctx.Process(target=receiver, args=(self.broker.bootstrap, scored, scorer == "native-eos",
                                                      expect, 20.0, rec_out, path))
        rec.start()
        total_s = a.warmup + a.seconds
        gen = self.ctx.Process(target=generator, args=(self.broker.bootstrap, requests, a.rate, total_s, gen_out))
        gen.start()
        sent = gen_out.get(timeout=total_s + 120)
        gen.join(timeout=30)
        expect.value = sent["sent"]
        got = rec_out.get(timeout=300)
        rec.join(timeout=30)
        self.stop_scorer(handle)
        data = np.load(path)
        cut = sent["start_ms"] + a.warmup * 1000
        keep = data["sent"] >= cut
        lat = (data["got"] - data["sent"])[keep]
        hops = self.hops(requests, data, keep)
        kept_sent = int(a.rate * a.seconds)
        out = {"scorer": scorer, "rate": a.rate, "seconds": a.seconds, "warmup": a.warmup, "sent": sent["sent"],
               "received": got["received"], "distinct": got["distinct"], "generator_max_behind_s": sent["max_behind_s"],
               "measured": int(keep.sum()), "expected_measured": kept_sent, "ready_s": ready,
               "settings": self.settings(scorer, settings) if scorer != "service" else {"batch": a.service_batch},
               "model_options": model_options or {}}
        if len(lat):
            out.update({f"p{q}": float(np.percentile(lat, q)) for q in (50, 90, 95, 99, 99.9)})
            out["max"] = float(lat.max())
            out["mean"] = float(lat.mean())
            out["hist"] = np.histogram(np.clip(lat, 0, 2000), bins=200, range=(0, 2000))[0].tolist()
            out["hops"] = hops
        print(f"  latency {scorer:11s} at {a.rate:,.0f}/s: sent {sent['sent']:,}, back {got['distinct']:,} "
              f"(dups {got['received'] - got['distinct']:,}); p50 {out.get('p50', float('nan')):.0f} ms, "
              f"p95 {out.get('p95', float('nan')):.0f}, p99 {out.get('p99', float('nan')):.0f}, "
              f"max {out.get('max', float('nan')):.0f}; p50/p99 by hop: "
              + ", ".join(f"{k} {v['p50']:.0f}/{v['p99']:.0f}" for k, v in hops.items()), flush=True)
        return out

    def hops(self, requests: str, data, keep) -> dict:
        """p50/p99 ms of each hop of the measured records: to the broker (send to the request's append),
        the scorer (request append to result append), to the receiver (result append to receipt)."""
        from sqlflow.kafka.topics import read_topic

        ids = data["ids"][keep]
        if not len(ids):
            return {}
        appended_in = np.full(int(ids.max()) + 1, -1, dtype=np.int64)
        for m in read_topic(self.broker.bootstrap, requests, timeout=300):
            i = m.value.get("id", -1) if isinstance(m.value, dict) else -1
            if 0 <= i < len(appended_in):
                appended_in[i] = m.timestamp_ms
        a_in = appended_in[ids]
        parts = {"send->broker": a_in - data["sent"][keep], "scorer": data["appended"][keep] - a_in,
                 "broker->receiver": data["got"][keep] - data["appended"][keep]}
        return {k: {"p50": float(np.percentile(v, 50)), "p99": float(np.percentile(v, 99))} for k, v in parts.items()}

    # -- saturation ----------------------------------------------------------------------------

    def prefill(self, requests: str, rows: int) -> float:
        path = self.files.get("prefill") or self.project.write("prefill.sql", prefill_sql())
        self.files["prefill"] = path
        job = self.project.compile(path, self.env(requests, "", ROWS=rows, LAST=rows - 1))
        run = self.project.run(job, rows, streaming=False, config={"parallelism.default": "1"})
        return run.rate

    def saturation(self, scorer: str, requests: str) -> dict:
        from sqlflow.kafka.topics import end_offsets

        a = self.args
        (scored,) = self.topics(f"sat_scored_{scorer}_{self.n}")
        handle = self.start_scorer(scorer, requests, scored)
        n = a.prefill
        t0 = time.time()
        samples = []
        while time.time() - t0 < a.saturation_limit:
            done = end_offsets(self.broker.bootstrap, [scored])[scored]
            samples.append((time.time(), done))
            if done >= n:
                break
            time.sleep(0.25)
        info = self.stop_scorer(handle)
        lo = next(((t, d) for t, d in samples if d >= 0.1 * n), None)
        top = samples[-1] if samples[-1][1] < 0.9 * n else next((t, d) for t, d in samples if d >= 0.9 * n)
        rate = (top[1] - lo[1]) / (top[0] - lo[0]) if lo and top[0] > lo[0] else float("nan")
        out = {"scorer": scorer, "records": n, "scored": samples[-1][1], "rate": rate,
               "seconds": samples[-1][0] - t0, "samples": samples, "scorer_info": info}
        print(f"  saturation {scorer:8s}: {samples[-1][1]:,} of {n:,} scored in {out['seconds']:.1f} s; "
              f"{fmt_rate(rate)} records/s between 10% and 90%", flush=True)
        return out


def plot(latency: list[dict], out: Path = PLOT) -> None:
    """The latency distributions (CDF) of the scorers at the fixed rate."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.4))
    edges = np.linspace(0, 2000, 201)
    for r in latency:
        if "hist" not in r:
            continue
        h = np.array(r["hist"], dtype=float)
        cdf = np.cumsum(h) / max(h.sum(), 1)
        ax.plot(edges[1:], cdf, label=f"{r['scorer']} (p99 {r['p99']:.0f} ms)")
    ax.axvline(100, color="grey", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xlim(1, 2000)
    ax.set_xlabel("end-to-end latency, ms (send to receive, both Kafka hops)")
    ax.set_ylabel("fraction of records")
    ax.set_title(f"Kafka -> score -> Kafka at {latency[0]['rate']:,.0f} records/s", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    print(f"wrote {out.relative_to(ROOT)}")


def report(data: dict) -> str:
    m = data["machine"]
    a = data["args"]
    lines = [
        f"`python bench/bench_streaming.py{' --quick' if data['quick'] else ''}` (`make bench-streaming`), "
        f"{data['date']}, {m.get('cpus')} cores, load average {data['load_start']:.1f} at the start and "
        f"{m['loadavg'][0]:.1f} at the end"
        + (" (**a shared, loaded machine: indicative only**)" if max(data["load_start"], m["loadavg"][0]) > 1.5 else "")
        + f"; {data['seconds'] / 60:.1f} minutes. A Kafka broker (one partition per topic) and the embedded "
        "mini-cluster on the same machine; the model is the MLP 16-64-32-1 everywhere; parallelism 1. *native*: a "
        "sqlflow job (`CREATE MODEL` + `ML_PREDICT`, Kafka JSON in and out), at-least-once sink, checkpoints every "
        f"{a['checkpoint_ms']} ms; *native-eos*: the same, exactly-once sink (transactions committed at each "
        "checkpoint) read `read_committed`; *python*: the same job with `'runtime' = 'python'`; *service*: a plain "
        f"kafka-python + onnxruntime process (poll up to {a['service_batch']} records, one `session.run`, produce). "
        + ("No settings passed: the jobs run with sqlflow's defaults (`sqlflow/defaults.py`), for model calls: "
           if data["as_is"] else "sqlflow's defaults passed to the jobs explicitly (`--explicit`): ")
        + defaults_text(SETTINGS.items()) + ".",
        "",
    ]
    if data["latency"]:
        lines += [f"Latency at a fixed {a['rate']:,.0f} requests/s for {a['seconds']} s (after {a['warmup']} s of "
                  "warm-up), from the send time carried in each record to its scored record's receipt "
                  "(plot: `bench/streaming_latency.png`):", "",
                  "| scorer | sent | scored back | p50 ms | p95 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|---:|"]
        for r in data["latency"]:
            lines.append(f"| {r['scorer']} | {r['measured']:,} | {r['distinct']:,} | {r.get('p50', float('nan')):.0f} | "
                         f"{r.get('p95', float('nan')):.0f} | **{r.get('p99', float('nan')):.0f}** | "
                         f"{r.get('max', float('nan')):.0f} |")
        native = next((r for r in data["latency"] if r["scorer"] == "native"), None)
        if native and "p99" in native:
            ok = native["p99"] <= 100
            lines += ["", f"Target p99 <= 100 ms (native, at-least-once): **{'met' if ok else 'missed'}** "
                          f"({native['p99']:.0f} ms)."]
        lines.append("")
    if data["saturation"]:
        lines += [f"Saturation: {a['prefill']:,} requests written first, then read from the start by each scorer as "
                  "fast as it goes (rate between 10% and 90% of the records scored):", "",
                  "| scorer | records/s |", "|---|---:|"]
        for r in data["saturation"]:
            lines.append(f"| {r['scorer']} | {fmt_rate(r['rate'])} |")
        rates = {r["scorer"]: r["rate"] for r in data["saturation"]}
        if "native" in rates and "service" in rates:
            ok = rates["native"] > rates["service"]
            lines += ["", f"Target: a higher saturation rate than the plain service: **{'met' if ok else 'missed'}** "
                          f"({rates['native'] / rates['service']:.1f}x)."]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parts", default="latency,saturation")
    ap.add_argument("--scorers", default="native,native-eos,python,service")
    ap.add_argument("--rate", type=float, default=5000)
    ap.add_argument("--seconds", type=float, default=None, help="measured seconds per latency run (default 30)")
    ap.add_argument("--warmup", type=float, default=None, help="seconds sent first and left out (default 5)")
    ap.add_argument("--checkpoint-ms", type=int, default=1000)
    ap.add_argument("--service-batch", type=int, default=500)
    ap.add_argument("--prefill", type=int, default=None, help="requests for the saturation runs (default 1,000,000)")
    ap.add_argument("--saturation-limit", type=float, default=60, help="longest a saturation run goes on (s)")
    ap.add_argument("--explicit", dest="as_is", action="store_false",
                    help="pass sqlflow's defaults to each job as settings (by default the jobs get them from sqlflow)")
    ap.add_argument("--quick", action="store_true", help="a short run to check the script (figures indicative)")
    ap.add_argument("--no-results", action="store_true", help="leave bench/RESULTS.md alone")
    args = ap.parse_args()
    args.seconds = args.seconds or (10 if args.quick else 30)
    args.warmup = args.warmup if args.warmup is not None else (3 if args.quick else 5)
    args.prefill = args.prefill or (200_000 if args.quick else 1_000_000)
    if args.quick:
        args.saturation_limit = min(args.saturation_limit, 30)
    scorers = args.scorers.split(",")
    parts = args.parts.split(",")
    t0 = time.time()
    load_start = os.getloadavg()[0]
    bench = Bench(args)
    latency, saturation = [], []
    try:
        bench.start()
        if "latency" in parts:
            for scorer in scorers:
                latency.append(bench.latency(scorer))
        if "saturation" in parts:
            requests, _ = bench.topics()
            fill = bench.prefill(requests, args.prefill)
            print(f"  prefill: {args.prefill:,} requests written at {fmt_rate(fill)}/s", flush=True)
            for scorer in [s for s in scorers if s in ("native", "service")]:
                saturation.append(bench.saturation(scorer, requests))
    finally:
        bench.close()
    data = {"quick": args.quick, "args": vars(args), "as_is": args.as_is, "latency": latency,
            "saturation": saturation, "seconds": time.time() - t0, "load_start": load_start,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine()}
    save_json(JSON, data)
    print(f"wrote {JSON.relative_to(ROOT)} ({data['seconds'] / 60:.1f} min)")
    if latency:
        plot(latency)
    if not args.no_results:
        write_section(SECTION, report(data))
        print(f"wrote the '{SECTION}' section of bench/RESULTS.md")


if __name__ == "__main__":
    main()
