"""A small client for Flink's REST API: the jobs, their metrics, savepoints, cancel.

Only the endpoints sqlflow needs, each a method; errors become
:class:`~sqlflow.errors.ServiceError` (cannot reach the cluster) or
:class:`~sqlflow.errors.DeployError` (the cluster refused), never a raw
Java stack trace. An https endpoint is verified against the target's CA file,
with a client certificate and a bearer token or basic auth where the target
sets them (:class:`~sqlflow.access.RestAccess`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests

from sqlflow.access import RestAccess
from sqlflow.config import TargetSettings
from sqlflow.errors import DeployError, ServiceError
from sqlflow.flink.java import cause_of

TERMINAL_STATES = frozenset({"FINISHED", "CANCELED", "FAILED", "SUSPENDED"})


@dataclass(frozen=True)
class JobSummary:
    """One row of /jobs/overview."""

    jid: str
    name: str
    state: str
    start_time: int  # ms since epoch
    duration: int  # ms

    @property
    def active(self) -> bool:
        return self.state not in TERMINAL_STATES


def _tls_reason(exc: Exception) -> str:
    """The part of an SSL error a person can act on (certificate verify failed, wrong host, ...)."""
    text = str(exc)
    for marker in ("certificate verify failed", "hostname mismatch", "unknown ca", "certificate required",
                   "wrong version number", "bad certificate"):
        i = text.lower().find(marker)
        if i >= 0:
            ends = [e for e in (text.find(" (_ssl", i), text.find(")", i)) if e > 0]
            return text[i:min(ends) if ends else i + 120].strip(" ':")
    return type(exc).__name__


class FlinkRest:
    """Talks to one Flink cluster's REST endpoint (the dashboard's address)."""

    def __init__(self, url: str, timeout: float = 10.0, access: RestAccess | None = None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.access = access or RestAccess()
        self._session = requests.Session()
        self._session.headers.update(self.access.headers())
        # per request: a session's own verify loses to REQUESTS_CA_BUNDLE in the environment
        self._tls = self.access.requests_options()

    @classmethod
    def for_target(cls, settings: TargetSettings, timeout: float = 10.0) -> "FlinkRest":
        """The REST API of a target, with its TLS settings and credentials."""
        return cls(settings.rest_url, timeout=timeout, access=settings.rest_access)

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            resp = self._session.request(method, self.url + path, timeout=self.timeout, **self._tls, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise ServiceError(f"cannot reach Flink at {self.url}: the TLS handshake failed ({_tls_reason(exc)})",
                               rule="rest-tls",
                               hint="set targets.remote.ca_file to the CA that signed the endpoint's certificate "
                                    "(and client_cert/client_key if it asks for one)") from None
        except requests.RequestException as exc:
            raise ServiceError(f"cannot reach Flink at {self.url}: {type(exc).__name__}",
                               hint="is the cluster running? local: sqlflow up; embedded: a sqlflow run --keep "
                                    "or sqlflow demo process; remote: check the target's rest_url") from None
        if resp.status_code in (401, 403):
            raise ServiceError(f"Flink at {self.url} refused sqlflow's credentials (HTTP {resp.status_code})",
                               rule="rest-auth",
                               hint="check targets.remote.token (or username/password) in sqlflow.yaml and the "
                                    "secret it references")
        if resp.status_code >= 400:
            try:
                errors = resp.json().get("errors") or [resp.text]
            except ValueError:
                errors = [resp.text]
            raise DeployError(f"Flink refused {method} {path}: {cause_of(str(errors[0]))[:400]}")
        if not resp.content:
            return {}
        return resp.json()

    def get(self, path: str) -> Any:
        """GET any REST resource as JSON."""
        return self._call("GET", path)

    def reachable(self) -> bool:
        try:
            self._session.get(self.url + "/config", timeout=2, **self._tls).raise_for_status()
            return True
        except requests.RequestException:
            return False

    def check(self) -> None:
        """Raise the :class:`ServiceError` that says why the cluster does not answer (TLS, credentials,
        nothing listening); return when it does."""
        self._call("GET", "/config")

    def overview(self) -> dict[str, Any]:
        """/overview: task managers, slots, job counts, Flink version."""
        return self._call("GET", "/overview")

    def jobs(self) -> list[JobSummary]:
        """Every job the cluster knows, newest first."""
        data = self._call("GET", "/jobs/overview")
        rows = [JobSummary(j["jid"], j["name"], j["state"], int(j.get("start-time", 0)), int(j.get("duration", 0)))
                for j in data.get("jobs", [])]
        return sorted(rows, key=lambda j: -j.start_time)

    def job(self, jid: str) -> dict[str, Any]:
        """/jobs/:jid: state, vertices with their metrics, the plan."""
        return self._call("GET", f"/jobs/{jid}")

    def vertex_metrics(self, jid: str, vid: str, select=None) -> dict[str, float]:
        """A vertex's metrics summed over its subtasks, for the names ``select`` keeps."""
        names = [m["id"] for m in self._call("GET", f"/jobs/{jid}/vertices/{vid}/subtasks/metrics") or []]
        names = [n for n in names if select is None or select(n)]
        if not names:
            return {}
        rows = self._call("GET", f"/jobs/{jid}/vertices/{vid}/subtasks/metrics",
                          params={"get": ",".join(names), "agg": "sum"})
        return {r["id"]: float(r.get("sum", 0)) for r in rows or []}

    def job_config(self, jid: str) -> dict[str, str]:
        """The job's configuration as Flink keeps it (/jobs/:jid/jobmanager/config)."""
        rows = self._call("GET", f"/jobs/{jid}/jobmanager/config")
        return {r["key"]: r["value"] for r in rows} if isinstance(rows, list) else {}

    def exceptions(self, jid: str) -> list[str]:
        """The root causes Flink recorded for the job, newest first."""
        data = self._call("GET", f"/jobs/{jid}/exceptions")
        out = [e.get("stacktrace") or e.get("exceptionName") or "" for e in data.get("exceptionHistory", {}).get("entries", [])]
        root = data.get("root-exception")
        if root and not out:
            out.append(root)
        return [o for o in out if o]

    def cancel(self, jid: str) -> None:
        self._call("PATCH", f"/jobs/{jid}", params={"mode": "cancel"})

    def trigger_savepoint(self, jid: str, directory: str, stop: bool) -> str:
        """Start a savepoint (and stop the job after it, when ``stop``); the trigger id."""
        if stop:
            body = {"targetDirectory": directory, "drain": False, "formatType": "CANONICAL"}
            data = self._call("POST", f"/jobs/{jid}/stop", json=body)
        else:
            body = {"target-directory": directory, "cancel-job": False, "formatType": "CANONICAL"}
            data = self._call("POST", f"/jobs/{jid}/savepoints", json=body)
        return data["request-id"]

    def await_savepoint(self, jid: str, trigger: str, timeout: float = 120.0) -> str:
        """Wait for a savepoint to complete; its location."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self._call("GET", f"/jobs/{jid}/savepoints/{trigger}")
            if data.get("status", {}).get("id") == "COMPLETED":
                op = data.get("operation", {})
                if op.get("location"):
                    return op["location"]
                cause = op.get("failure-cause", {})
                text = cause.get("stack-trace") or cause.get("class") or "unknown cause"
                raise DeployError(f"savepoint of job {jid} failed: {cause_of(text)[:400]}")
            time.sleep(0.5)
        raise DeployError(f"savepoint of job {jid} did not complete within {timeout:.0f}s")

    def savepoint(self, jid: str, directory: str, stop: bool = False, timeout: float = 120.0) -> str:
        """Take a savepoint (and stop the job, when ``stop``); its location."""
        return self.await_savepoint(jid, self.trigger_savepoint(jid, directory, stop), timeout)

    def wait_state(self, jid: str, states: set[str], timeout: float = 60.0) -> str:
        """Wait until the job is in one of ``states``; the state reached."""
        deadline = time.monotonic() + timeout
        state = "?"
        while time.monotonic() < deadline:
            state = self.job(jid).get("state", "?")
            if state in states:
                return state
            time.sleep(0.3)
        raise DeployError(f"job {jid} stayed {state}, expected {'/'.join(sorted(states))} within {timeout:.0f}s")
