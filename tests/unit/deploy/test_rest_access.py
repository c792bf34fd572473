"""TLS and credentials for the remote target's REST API reach the right places: sqlflow's own REST calls
(verified against the CA, with the token header) and Flink's Java client that submits jobs (its
``security.ssl.rest.*`` keys, a truststore built from the CA, the ``FLINK_REST_CLIENT_HEADERS`` variable)."""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sqlflow.access import RestAccess
from sqlflow.config import resolve_settings
from sqlflow.deploy.client import submit_client
from sqlflow.deploy.steps import deploy
from sqlflow.errors import ConfigError, ServiceError
from sqlflow.flink.rest import FlinkRest


class _Server:
    """An https endpoint (the test CA's certificate) that answers /config and remembers the headers it got;
    it answers 401 without the right token."""

    def __init__(self, tls_files, token: str | None = None):
        seen = self.headers = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                seen.append(dict(self.headers))
                ok = token is None or self.headers.get("Authorization") == f"Bearer {token}"
                body = json.dumps({"flink-version": "2.2.1"} if ok else {"errors": ["unauthorized"]}).encode()
                self.send_response(200 if ok else 401)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_files["cert"], tls_files["key"])
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def https(tls_files):
    servers: list[_Server] = []

    def start(token: str | None = None) -> _Server:
        servers.append(_Server(tls_files, token))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_sqlflows_rest_calls_verify_the_endpoint_against_the_ca_and_send_the_token(https, tls_files):
    server = https(token="tok-123456")
    FlinkRest(server.url, access=RestAccess(ca_file=str(tls_files["ca"]), token="tok-123456")).check()
    assert server.headers[-1]["Authorization"] == "Bearer tok-123456"
    with pytest.raises(ServiceError) as err:  # the system's CAs do not know the test CA
        FlinkRest(server.url).check()
    assert (err.value.rule, err.value.message) == (
        "rest-tls", f"cannot reach Flink at {server.url}: the TLS handshake failed (certificate verify failed: "
                     "unable to get local issuer certificate)")
    with pytest.raises(ServiceError) as err:
        FlinkRest(server.url, access=RestAccess(ca_file=str(tls_files["ca"]), token="wrong")).check()
    assert (err.value.rule, str(err.value)) == (
        "rest-auth", f"Flink at {server.url} refused sqlflow's credentials (HTTP 401) (check targets.remote.token "
                     "(or username/password) in sqlflow.yaml and the secret it references)")
    FlinkRest(server.url, access=RestAccess(verify=False, token="tok-123456")).check()  # verify: false


def test_the_submitting_clients_tls_keys_truststore_and_headers(project, tls_files, monkeypatch):
    if shutil.which("keytool") is None:
        pytest.skip("keytool (Java) is not installed")
    monkeypatch.setenv("FLINK_TOKEN", "tok-abcdef12")
    (project / "sqlflow.yaml").write_text(
        "name: demo\ntargets:\n  remote:\n    rest_url: https://127.0.0.1:8443/flink\n"
        f"    ca_file: {tls_files['ca']}\n    token: ${{FLINK_TOKEN}}\n"
        "    keystore: /etc/flink/client.p12\n    keystore_password: ${FLINK_TOKEN}\n")
    settings = resolve_settings(project, target="remote")
    conf, env = submit_client(settings)
    store = Path(conf["security.ssl.rest.truststore"])
    assert conf == {
        "rest.retry.max-attempts": "3", "rest.url-prefix": "/flink/", "security.ssl.rest.enabled": "true",
        "security.ssl.rest.truststore": str(store), "security.ssl.rest.truststore-password": conf[
            "security.ssl.rest.truststore-password"], "security.ssl.rest.truststore-type": "PKCS12",
        "security.ssl.rest.keystore": "/etc/flink/client.p12", "security.ssl.rest.keystore-password": "tok-abcdef12",
        "security.ssl.rest.key-password": "tok-abcdef12", "security.ssl.rest.keystore-type": "PKCS12",
        "security.ssl.rest.authentication-enabled": "true"}
    assert env == {"FLINK_REST_CLIENT_HEADERS": "Authorization:Bearer tok-abcdef12"}
    assert store.parent == settings.state_dir / "tls"
    listed = subprocess.run(["keytool", "-list", "-keystore", str(store), "-storetype", "PKCS12", "-storepass",
                             conf["security.ssl.rest.truststore-password"]], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "Your keystore contains 1 entry" in listed.stdout
    assert submit_client(settings)[0] == conf  # built once, then reused


def test_verify_false_cannot_be_used_to_submit_and_plain_http_gets_no_tls_keys(project, monkeypatch):
    (project / "sqlflow.yaml").write_text("name: demo\ntargets:\n  remote:\n    rest_url: https://flink:8443\n"
                                          "    verify: false\n")
    with pytest.raises(ConfigError) as err:
        submit_client(resolve_settings(project, target="remote"))
    assert (err.value.message, err.value.location.line) == (
        "targets.remote.verify is false, but Flink's client that submits jobs always verifies the endpoint's "
        "certificate", 5)
    (project / "sqlflow.yaml").write_text("name: demo\nflink:\n  rest.retry.max-attempts: 7\n")
    assert submit_client(resolve_settings(project, target="remote")) == ({"rest.retry.max-attempts": "7"}, {})


def test_deploying_hands_the_client_its_tls_settings_on_stdin_only(project, fake_flink, fake_submit, monkeypatch):
    specs = fake_submit(fake_flink)
    monkeypatch.setenv("FLINK_TOKEN", "tok-77665544")
    (project / "sqlflow.yaml").write_text("name: demo\ntargets:\n  remote:\n    token: ${FLINK_TOKEN}\n")
    settings = replace(resolve_settings(project, target="remote"), rest_url=fake_flink.url)
    deploy(settings, echo=lambda s: None, settle=0.1)
    assert [s["env"] for s in specs] == [{"FLINK_REST_CLIENT_HEADERS": "Authorization:Bearer tok-77665544"}] * 2
    assert {s["config"]["rest.retry.max-attempts"] for s in specs} == {"3"}
    written = [f for f in settings.state_dir.rglob("*") if f.is_file()]
    assert written and not [f for f in written if "tok-77665544" in f.read_text(errors="replace")]
