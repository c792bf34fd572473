"""TLS and authentication end to end: deploying through an https proxy that checks a token in front of a
real Flink cluster, and a job reading and writing a Kafka broker that requires SASL.

The proxy terminates TLS with a certificate of a test CA (made with openssl) and refuses any connection
whose first request lacks the bearer token; behind it runs the session's Flink mini-cluster. The broker
is sqlflow's KRaft broker with a second listener, SASL_PLAINTEXT with the PLAIN mechanism.
"""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path

import pytest

from sqlflow.compiler import compile_project
from sqlflow.config import load_config, resolve_settings
from sqlflow.deploy.jobs import cancel_job, list_jobs
from sqlflow.deploy.steps import deploy
from sqlflow.errors import ServiceError
from sqlflow.flink.rest import FlinkRest
from sqlflow.flink.session import EmbeddedSession
from sqlflow.kafka.broker import KafkaBroker
from sqlflow.kafka.topics import produce, read_topic
from sqlflow.ports import free_port

pytestmark = pytest.mark.integration

TOKEN = "tok-integration-31415"


class TokenTlsProxy:
    """TLS on 127.0.0.1, then plain TCP to ``upstream``; a connection whose first request does not carry
    ``Authorization: Bearer <token>`` is answered 401 and closed. Records (method, path, authorized)."""

    def __init__(self, upstream: int, tls_files: dict, token: str):
        self.upstream, self.token = upstream, token
        self.seen: list[tuple[str, str, bool]] = []
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(tls_files["cert"], tls_files["key"])
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.port = self.sock.getsockname()[1]
        self.open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.open:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        try:
            conn = self.context.wrap_socket(raw, server_side=True)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                head += chunk
            lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
            method, path = lines[0].split(" ")[:2]
            headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
            ok = headers.get("authorization") == f"Bearer {self.token}"
            self.seen.append((method, path, ok))
            if not ok:
                conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                conn.close()
                return
            up = socket.create_connection(("127.0.0.1", self.upstream))
            up.sendall(head)
            threading.Thread(target=self._pipe, args=(up, conn), daemon=True).start()
            self._pipe(conn, up)
        except (OSError, ssl.SSLError):
            pass

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.open = False
        self.sock.close()


JOB = """CREATE TABLE ticks (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');
CREATE TABLE dropped (k INT) WITH ('connector' = 'blackhole');
INSERT INTO dropped SELECT k FROM ticks;
"""


def test_deploy_and_jobs_through_an_https_proxy_that_checks_a_token(flink_cluster, tls_files, tmp_path, monkeypatch):
    proxy = TokenTlsProxy(flink_cluster.rest_port, tls_files, TOKEN)
    try:
        root = tmp_path / "tlsproj"
        (root / "sql").mkdir(parents=True)
        (root / "sql" / "ticks.sql").write_text(JOB)
        (root / "sqlflow.yaml").write_text(
            "name: tlsproj\ntarget: remote\ntargets:\n  remote:\n"
            f"    rest_url: https://127.0.0.1:{proxy.port}\n    ca_file: {tls_files['ca']}\n"
            "    token: ${FLINK_TOKEN}\n")
        monkeypatch.setenv("FLINK_TOKEN", TOKEN)
        # as in a process that ran Python UDFs in PyFlink's loopback mode: the submitting child starts anyway
        monkeypatch.setenv("PYFLINK_GATEWAY_DISABLED", "true")
        settings = resolve_settings(root, target="remote")
        lines: list[str] = []
        result = deploy(settings, echo=lines.append, settle=2)
        jid = result.jobs["tlsproj.ticks"]
        [row] = [r for r in list_jobs(settings) if r.name == "tlsproj.ticks"]
        assert (row.jid, row.state, row.dashboard) == (
            jid, "RUNNING", f"https://127.0.0.1:{proxy.port}/#/job/running/{jid}/overview")
        # Flink's Java client submitted through the proxy (TLS verified against the CA, with the token)
        assert ("POST", "/v1/jobs", True) in proxy.seen
        assert all(ok for _, _, ok in proxy.seen)
        assert lines[-1] == f"dashboard: https://127.0.0.1:{proxy.port}"
        cancel_job(settings, "ticks")
        assert FlinkRest(flink_cluster.url).job(jid)["state"] == "CANCELED"

        monkeypatch.setenv("FLINK_TOKEN", "tok-wrong-2718")
        wrong = resolve_settings(root, target="remote")
        with pytest.raises(ServiceError) as err:
            deploy(wrong, echo=lines.append, settle=2)
        assert (err.value.rule, err.value.message) == (
            "rest-auth", f"Flink at https://127.0.0.1:{proxy.port} refused sqlflow's credentials (HTTP 401)")
        assert [j.name for j in FlinkRest(flink_cluster.url).jobs() if j.active] == []
    finally:
        proxy.close()


class SaslBroker(KafkaBroker):
    """sqlflow's broker with a second listener that requires SASL/PLAIN (inter-broker traffic stays plain)."""

    def __init__(self, users: dict[str, str]):
        super().__init__(heap="384m", log_level="WARN")
        self.users = users
        self.sasl_port = free_port()

    @property
    def sasl_bootstrap(self) -> str:
        return f"{self.host}:{self.sasl_port}"

    def _write_config(self) -> Path:
        path = super()._write_config()
        users = " ".join(f'user_{u}="{p}"' for u, p in self.users.items())
        extra = {  # later keys win in a properties file
            "listeners": f"PLAINTEXT://{self.host}:{self.port},CONTROLLER://{self.host}:{self.controller_port},"
                         f"SASL_PLAINTEXT://{self.host}:{self.sasl_port}",
            "advertised.listeners": f"PLAINTEXT://{self.host}:{self.port},SASL_PLAINTEXT://{self.host}:{self.sasl_port}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
            "sasl.enabled.mechanisms": "PLAIN",
            "listener.name.sasl_plaintext.plain.sasl.jaas.config":
                f"org.apache.kafka.common.security.plain.PlainLoginModule required {users};",
        }
        with path.open("a") as f:
            f.write("".join(f"{k}={v}\n" for k, v in extra.items()))
        return path


def _sasl_table(name: str, topic: str, extra: str = "") -> str:
    return f"""CREATE TABLE {name} (id BIGINT, word STRING) WITH (
  'connector' = 'kafka',
  'topic' = '{topic}',
  'properties.bootstrap.servers' = '${{KAFKA_BOOTSTRAP}}',
  'properties.security.protocol' = 'SASL_PLAINTEXT',
  'properties.sasl.mechanism' = 'PLAIN',
  'properties.sasl.jaas.config' = 'org.apache.flink.kafka.shaded.org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="${{KAFKA_PASSWORD}}";',
  'format' = 'json'{extra}
);
"""


def test_a_job_and_sqlflows_clients_on_a_sasl_broker(flink_cluster, tmp_path, tmp_path_factory, monkeypatch):
    password = "kafka-pw-16180"
    broker = SaslBroker({"svc": password})
    broker.start()
    try:
        broker.create_topics(["sasl_in", "sasl_out"])
        root = tmp_path / "saslproj"
        (root / "sql").mkdir(parents=True)
        (root / "sql" / "copy.sql").write_text(
            _sasl_table("words_in", "sasl_in", ",\n  'properties.group.id' = 'sasl-test',\n"
                                               "  'scan.startup.mode' = 'earliest-offset',\n"
                                               "  'scan.bounded.mode' = 'latest-offset'")
            + _sasl_table("words_out", "sasl_out", ",\n  'sink.delivery-guarantee' = 'exactly-once'")
            + "INSERT INTO words_out SELECT id, UPPER(word) FROM words_in;\n")
        (root / "sqlflow.yaml").write_text(
            "name: saslproj\nkafka:\n  bootstrap: " + broker.sasl_bootstrap + "\n  security_protocol: SASL_PLAINTEXT\n"
            "  sasl_mechanism: PLAIN\n  sasl_username: svc\n  sasl_password: ${KAFKA_PASSWORD}\n")
        vault = tmp_path_factory.mktemp("vault") / "kafka.env"
        vault.write_text(f"KAFKA_PASSWORD={password}\n")
        monkeypatch.setenv("SQLFLOW_SECRETS_FILE", str(vault))
        monkeypatch.delenv("KAFKA_BOOTSTRAP", raising=False)
        config = load_config(root)
        client = config.kafka_client()  # sqlflow's own clients: SASL from sqlflow.yaml's kafka: settings
        assert produce(client, "sasl_in", [{"id": i, "word": w} for i, w in enumerate(["a", "bb", "ccc"])]) == 3

        compiled = compile_project(config=config)
        assert [d.render() for d in compiled.diagnostics] == []
        job = compiled.jobs[0]
        stored = next(s for s in job.statements if s.sql.startswith("CREATE TABLE words_out"))
        assert password in stored.sql and password not in stored.template  # the record keeps ${KAFKA_PASSWORD}
        session = EmbeddedSession(config=config, cluster=flink_cluster)
        session.submit(job)
        assert session.wait(timeout=180) == {"saslproj.copy": "FINISHED"}
        out = sorted((m.value["id"], m.value["word"]) for m in read_topic(client, "sasl_out"))
        assert out == [(0, "A"), (1, "BB"), (2, "CCC")]
    finally:
        broker.stop()
