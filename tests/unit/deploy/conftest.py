from __future__ import annotations

from pathlib import Path

import pytest

CATALOG = """-- shared tables
CREATE TABLE src (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');
"""

COUNTS = """SET 'table.exec.mini-batch.enabled' = 'false';
CREATE TABLE snk (k INT, c BIGINT) WITH ('connector' = 'print');

INSERT INTO snk
SELECT k, COUNT(*) FROM src GROUP BY k;
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project: a catalog file and two job files."""
    (tmp_path / "sqlflow.yaml").write_text("name: demo\ntarget: local\ntargets:\n  local:\n    rest_port: 18999\n")
    sql = tmp_path / "sql"
    (sql / "feedback").mkdir(parents=True)
    (sql / "tables.sql").write_text(CATALOG)
    (sql / "feedback" / "counts.sql").write_text(COUNTS)
    (sql / "copy.sql").write_text("CREATE TABLE out2 (k INT) WITH ('connector' = 'blackhole');\n"
                                  "INSERT INTO out2 SELECT k FROM src;\n")
    return tmp_path


class FakeFlink:
    """A stand-in for a Flink cluster's REST API on a local port, for faults a real cluster cannot be made
    to show on demand: it can refuse a savepoint, or go away at a chosen request (the port then refuses
    connections, as a cluster that died does). Jobs are "submitted" by :meth:`submit`, which the tests put
    in place of the PyFlink client's process."""

    def __init__(self, prefix: str = ""):
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.prefix = prefix.rstrip("/")
        self.jobs: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self.savepoint_failure: str | None = None
        self.exception_for: dict[str, str] = {}  # job name -> the exception text a failing start records
        self.die_when = None  # (method, path) -> bool: go away instead of answering
        self.die_after = None  # (method, path) -> bool: answer, then go away
        self.dead = False
        self._triggers: dict[str, dict] = {}
        self._n = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self, method):
                import json
                from urllib.parse import urlparse

                url = urlparse(self.path)
                path = url.path[len(fake.prefix):] if url.path.startswith(fake.prefix) else url.path
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}") if length else {}
                fake.requests.append((method, path))
                if fake.die_when is not None and fake.die_when(method, path):
                    fake.go_away()
                    self.close_connection = True
                    return
                status, data = fake.answer(method, path, url.query, body)
                out = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
                if fake.die_after is not None and fake.die_after(method, path):
                    self.wfile.flush()
                    fake.go_away()

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_PATCH(self):
                self._handle("PATCH")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    def go_away(self) -> None:
        """Stop answering: close the listening socket (connections are refused from now on)."""
        import threading

        if not self.dead:
            self.dead = True
            self.server.socket.close()
            threading.Thread(target=self.server.shutdown, daemon=True).start()

    def close(self) -> None:
        self.go_away()

    def submit(self, name: str, state: str = "RUNNING") -> str:
        self._n += 1
        jid = f"{self._n:032x}"
        self.jobs[jid] = {"name": name, "state": "FAILED" if name in self.exception_for else state,
                          "start-time": 1_000 * self._n}
        return jid

    def state_of(self, name: str) -> list[str]:
        return [j["state"] for j in self.jobs.values() if j["name"] == name]

    def answer(self, method: str, path: str, query: str, body: dict) -> tuple[int, object]:
        parts = [p for p in path.split("/") if p]
        if path == "/config":
            return 200, {"flink-version": "2.2.1"}
        if path == "/overview":
            return 200, {"taskmanagers": 1, "slots-total": 4, "slots-available": 4}
        if path == "/jobs/overview":
            return 200, {"jobs": [{"jid": j, "name": d["name"], "state": d["state"], "start-time": d["start-time"],
                                   "duration": 1000} for j, d in self.jobs.items()]}
        if len(parts) >= 2 and parts[0] == "jobs" and parts[1] in self.jobs:
            jid, job = parts[1], self.jobs[parts[1]]
            rest = parts[2:]
            if not rest and method == "GET":
                return 200, {"jid": jid, "name": job["name"], "state": job["state"], "start-time": job["start-time"],
                             "vertices": [{"id": "v1", "status": job["state"], "metrics": {}}], "plan": {"nodes": []}}
            if not rest and method == "PATCH":
                job["state"] = "CANCELED"
                return 202, {}
            if rest == ["exceptions"]:
                text = self.exception_for.get(job["name"])
                return 200, {"exceptionHistory": {"entries": [{"stacktrace": text}] if text else []}}
            if rest[:1] == ["vertices"]:
                return 200, []
            if rest in (["stop"], ["savepoints"]) and method == "POST":
                trigger = f"t{len(self._triggers) + 1}"
                directory = body.get("targetDirectory") or body.get("target-directory")
                self._triggers[trigger] = {"jid": jid, "dir": directory, "stop": rest == ["stop"]}
                return 202, {"request-id": trigger}
            if rest[:1] == ["savepoints"] and len(rest) == 2:
                t = self._triggers[rest[1]]
                if self.savepoint_failure:
                    return 200, {"status": {"id": "COMPLETED"},
                                 "operation": {"failure-cause": {"class": "java.io.IOException",
                                                                 "stack-trace": self.savepoint_failure}}}
                if t["stop"]:
                    job["state"] = "FINISHED"
                return 200, {"status": {"id": "COMPLETED"},
                             "operation": {"location": f"{t['dir']}/savepoint-{jid[:6]}-0123456789ab"}}
        return 404, {"errors": [f"Not found: {path}"]}


@pytest.fixture
def fake_flink():
    """A fake Flink REST API (see :class:`FakeFlink`), gone after the test."""
    fake = FakeFlink()
    yield fake
    fake.close()


@pytest.fixture
def fake_submit(monkeypatch):
    """Replace the PyFlink client's process (a JVM) with one that answers as it would: ``fake_submit(fake)``
    makes deploys submit to ``fake``; the specs the process got on its standard input are returned."""
    import json
    import subprocess

    def use(fake: FakeFlink) -> list[dict]:
        specs: list[dict] = []

        def run(args, timeout, input=None, cwd=None, env=None, **kwargs):
            assert args[1:] == ["-m", "sqlflow.deploy.submit", "-"] and timeout
            spec = json.loads(input)
            specs.append(spec)
            if fake.dead:
                out = {"error": "org.apache.flink.util.FlinkException: Failed to execute job\nCaused by: "
                                "java.net.ConnectException: Connection refused", "statement": None}
                return subprocess.CompletedProcess(args, 1, json.dumps(out) + "\n", "")
            return subprocess.CompletedProcess(args, 0, json.dumps({"job_id": fake.submit(spec["name"])}) + "\n", "")

        monkeypatch.setattr("sqlflow.deploy.steps.run_bounded", run)
        return specs

    return use
