"""Shared fixtures: the real Kafka broker and Flink mini-cluster start once per session."""

import pytest

from sqlflow.scrub import forget_secrets

pytest_plugins = ["sqlflow.testing"]


@pytest.fixture(autouse=True)
def _forget_secrets():
    """Secret values a test registers are hidden only within that test."""
    yield
    forget_secrets()


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    """A test CA and a server certificate it signed for 127.0.0.1 and localhost (PEM files, made with openssl)."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificates for the TLS tests")
    folder = tmp_path_factory.mktemp("tls")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=sqlflow test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1")
    (folder / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf")
    return {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
