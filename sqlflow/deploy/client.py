"""The settings of Flink's Java client that submits a job to a remote target's REST endpoint.

sqlflow's own REST calls use the target's :class:`~sqlflow.access.RestAccess`
directly; the job itself is submitted by PyFlink's client, a JVM, which reads
Flink's configuration keys and one environment variable:

- ``security.ssl.rest.enabled`` for an https endpoint, with
  ``security.ssl.rest.truststore`` / ``-password`` / ``-type``: a PKCS12
  truststore that sqlflow builds once from the PEM ``ca_file`` with ``keytool``
  (Flink reads no PEM files; the store holds only public certificates, so its
  password, derived from them, guards integrity, not a secret); without a
  ``ca_file`` the JDK's default CAs verify the endpoint;
- ``security.ssl.rest.keystore`` / ``-password`` / ``key-password`` /
  ``keystore-type`` and ``security.ssl.rest.authentication-enabled`` for a
  client certificate (``keystore``: PKCS12 or JKS);
- ``rest.url-prefix`` when the endpoint lives under a path (a proxy);
- ``FLINK_REST_CLIENT_HEADERS`` (environment): the ``Authorization`` header of
  a bearer token or basic auth, for a proxy in front of Flink;
- ``rest.retry.max-attempts`` 3 (Flink's default, 20 attempts 3 s apart, would
  hide a cluster that went away for a minute), unless sqlflow.yaml sets it.

The configuration and environment travel to the submitting process on its
standard input, never through a file.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from sqlflow.config import TargetSettings
from sqlflow.errors import ConfigError, SetupError
from sqlflow.process import run_bounded

#: How long building the truststore may take (one keytool JVM per certificate).
KEYTOOL_TIMEOUT_S = 60
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def submit_client(settings: TargetSettings) -> tuple[dict[str, str], dict[str, str]]:
    """``(Flink configuration, environment)`` for the client that submits to ``settings``' endpoint."""
    conf: dict[str, str] = {"rest.retry.max-attempts": "3"}
    env: dict[str, str] = {}
    url = urlparse(settings.rest_url)
    if url.path and url.path != "/":
        conf["rest.url-prefix"] = "/" + url.path.strip("/") + "/"
    access = settings.rest_access
    if url.scheme == "https":
        conf["security.ssl.rest.enabled"] = "true"
        if access.ca_file:
            store, password = truststore(settings, Path(access.ca_file))
            conf.update({"security.ssl.rest.truststore": str(store), "security.ssl.rest.truststore-password": password,
                         "security.ssl.rest.truststore-type": "PKCS12"})
        elif not access.verify:
            raise ConfigError("targets.remote.verify is false, but Flink's client that submits jobs always "
                              "verifies the endpoint's certificate", rule="rest-tls",
                              hint="set targets.remote.ca_file to the CA that signed it (verify: false then "
                                   "is not needed)", location=settings.config.setting_location("verify"))
        if access.keystore:
            store_type = "JKS" if access.keystore.lower().endswith(".jks") else "PKCS12"
            conf.update({"security.ssl.rest.keystore": access.keystore,
                         "security.ssl.rest.keystore-password": access.keystore_password,
                         "security.ssl.rest.key-password": access.keystore_password,
                         "security.ssl.rest.keystore-type": store_type,
                         "security.ssl.rest.authentication-enabled": "true"})
    headers = access.headers()
    if headers:
        env["FLINK_REST_CLIENT_HEADERS"] = "\n".join(f"{k}:{v}" for k, v in headers.items())
    for key, value in settings.flink_config.items():  # what sqlflow.yaml sets wins
        if key in conf:
            conf[key] = str(value)
    return conf, env


def truststore(settings: TargetSettings, ca_file: Path) -> tuple[Path, str]:
    """A PKCS12 truststore holding the certificates of the PEM ``ca_file`` (built once, kept under the
    target's state folder); its path and password."""
    try:
        pem = ca_file.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise ConfigError(f"targets.remote.ca_file {ca_file}: {exc.strerror}", rule="rest-tls",
                          location=settings.config.setting_location("ca_file")) from None
    certs = _PEM.findall(pem)
    if not certs:
        raise ConfigError(f"targets.remote.ca_file {ca_file} holds no PEM certificate", rule="rest-tls",
                          location=settings.config.setting_location("ca_file"),
                          hint="give the CA's certificate in PEM form (-----BEGIN CERTIFICATE-----)")
    digest = hashlib.sha256("".join(certs).encode()).hexdigest()
    folder = settings.state_dir / "tls"
    store = folder / f"truststore-{digest[:16]}.p12"
    password = digest[:32]
    if store.exists():
        return store, password
    folder.mkdir(parents=True, exist_ok=True)
    partial = store.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    for i, cert in enumerate(certs):
        pem_file = folder / f".ca-{digest[:16]}-{i}.pem"
        pem_file.write_text(cert + "\n")
        try:
            proc = run_bounded(["keytool", "-importcert", "-noprompt", "-alias", f"ca{i}", "-file", str(pem_file),
                                "-keystore", str(partial), "-storetype", "PKCS12", "-storepass", password],
                               KEYTOOL_TIMEOUT_S)
        except FileNotFoundError:
            raise SetupError("keytool (part of Java) is not on PATH: it builds the truststore Flink's client needs "
                             "for an https endpoint", hint="install a JDK 17") from None
        except subprocess.TimeoutExpired:
            raise SetupError(f"keytool did not finish within {KEYTOOL_TIMEOUT_S} s building the truststore "
                             f"for {ca_file}", hint="is the machine overloaded?") from None
        finally:
            pem_file.unlink(missing_ok=True)
        if proc.returncode != 0:
            partial.unlink(missing_ok=True)
            reason = (proc.stdout + proc.stderr).strip().splitlines()[-1:] or ["keytool failed"]
            raise ConfigError(f"targets.remote.ca_file {ca_file}: keytool could not read certificate {i + 1}: "
                              f"{reason[0]}", rule="rest-tls", location=settings.config.setting_location("ca_file"))
    partial.replace(store)
    return store, password
