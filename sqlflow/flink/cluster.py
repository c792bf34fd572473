"""The embedded target: a Flink mini-cluster inside the sqlflow process.

One ``MiniCluster`` is started in the PyFlink gateway JVM and serves Flink's
own web dashboard and REST API on a local port for as long as it runs; every
job is submitted to it through Flink's remote executor, exactly as it would be
to a standalone cluster. Python UDFs run in Python workers started by its
TaskManager with this interpreter.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from sqlflow.errors import JobError, ServiceError, SqlflowError
from sqlflow.compiler.compiled import JobFile
from sqlflow.flink.env import job_table_env, make_table_env
from sqlflow.flink.java import cause_of, message_of
from sqlflow.flink.rest import TERMINAL_STATES, FlinkRest
from sqlflow.ports import free_port, port_free

if TYPE_CHECKING:  # pyflink's table API is heavy to import: only for annotations
    from pyflink.table import TableEnvironment

log = logging.getLogger(__name__)


@dataclass
class EmbeddedCluster:
    """A running mini-cluster: start it, get table environments bound to it, close it."""

    rest_port: int = 8081
    slots: int = 4
    parallelism: int = 1
    flink_config: Mapping[str, str] = field(default_factory=dict)
    _cluster: object | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rest_port}"

    @property
    def client(self) -> FlinkRest:
        """Flink's REST API of this cluster."""
        return FlinkRest(self.url)

    def start(self, fallback_port: bool = True) -> "EmbeddedCluster":
        """Start the mini-cluster; if the port is taken, take a free one (or fail)."""
        if self.rest_port == 0:
            self.rest_port = free_port()
        elif not port_free(self.rest_port):
            if not fallback_port:
                raise ServiceError(f"port {self.rest_port} is in use: cannot serve the Flink dashboard there",
                                   hint="set targets.embedded.rest_port or SQLFLOW_REST_PORT")
            taken = self.rest_port
            self.rest_port = free_port()
            log.warning("port %s is in use; the dashboard goes to port %s", taken, self.rest_port)
        from pyflink.java_gateway import get_gateway  # starts the JVM: kept off the CLI's start-up path

        jvm = get_gateway().jvm
        conf = jvm.org.apache.flink.configuration.Configuration()
        settings = {
            "rest.port": str(self.rest_port),
            "rest.address": "127.0.0.1",
            "rest.bind-address": "127.0.0.1",
            "taskmanager.numberOfTaskSlots": str(self.slots),
            "parallelism.default": str(self.parallelism),
            # jobs are cancelled while the cluster closes; their late log lines must not trip this check
            "classloader.check-leaked-classloader": "false",
            **{k: str(v) for k, v in self.flink_config.items()},
        }
        for k, v in settings.items():
            conf.setString(k, v)
        mc_conf = (jvm.org.apache.flink.runtime.minicluster.MiniClusterConfiguration.Builder()
                   .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(self.slots).build())
        cluster = jvm.org.apache.flink.runtime.minicluster.MiniCluster(mc_conf)
        try:
            cluster.start()
        except Exception as exc:  # py4j wraps the Java error
            raise ServiceError(f"the Flink mini-cluster did not start: {message_of(exc)}") from None
        self._cluster = cluster
        return self

    def close(self) -> None:
        """Stop the mini-cluster (cancels its jobs)."""
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            self._cancel_running()
            try:
                cluster.close()
            except Exception:  # noqa: BLE001 - closing must not mask the real error
                log.debug("closing the mini-cluster failed", exc_info=True)

    def _cancel_running(self, timeout: float = 15.0) -> None:
        """Cancel running jobs and give them a moment to release their resources."""
        client = self.client
        try:
            running = [j.jid for j in client.jobs() if j.state not in TERMINAL_STATES]
            for jid in running:
                client.cancel(jid)
            deadline = time.monotonic() + timeout
            while running and time.monotonic() < deadline:
                states = {j.jid: j.state for j in client.jobs()}
                running = [j for j in running if states.get(j) not in TERMINAL_STATES]
                time.sleep(0.2)
        except SqlflowError:
            log.debug("cancelling jobs before close failed", exc_info=True)

    def __enter__(self) -> "EmbeddedCluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- jobs -------------------------------------------------------------

    def table_env(self, streaming: bool = True, config: Mapping[str, str] | None = None,
                  python_files: Iterable[Path] = (), jars: Iterable[Path] | None = None) -> TableEnvironment:
        """A TableEnvironment whose jobs run on this cluster."""
        return make_table_env(streaming=streaming, rest_port=self.rest_port, config=config,
                              python_files=python_files, jars=jars, parallelism=self.parallelism)

    def job_env(self, job: JobFile, streaming: bool = True, config: Mapping[str, str] | None = None,
                python_files: Iterable[Path] = ()) -> TableEnvironment:
        """The TableEnvironment one compiled job runs in on this cluster (see ``job_table_env``)."""
        return job_table_env(job, streaming=streaming, rest_port=self.rest_port, config=config,
                             python_files=python_files, parallelism=self.parallelism)

    def rest(self, path: str) -> dict:
        """GET a Flink REST resource as JSON."""
        return self.client.get(path)

    def jobs(self) -> list[dict]:
        return self.rest("/jobs/overview")["jobs"]

    def wait_for_job(self, job_id: str, states: Iterable[str] = ("FINISHED",), timeout: float = 120.0) -> str:
        """Wait until the job reaches one of ``states``; a FAILED job raises JobError with its cause."""
        want = set(states)
        deadline = time.monotonic() + timeout
        state = "?"
        while time.monotonic() < deadline:
            state = self.rest(f"/jobs/{job_id}")["state"]
            if state in want:
                return state
            if state in ("FAILED", "CANCELED") and state not in want:
                raise JobError(f"job {job_id} {state.lower()}: {self.job_failure(job_id)}")
            time.sleep(0.3)
        raise JobError(f"job {job_id} is still {state} after {timeout:.0f} s")

    def job_failure(self, job_id: str) -> str:
        """The root cause of a failed (or failing) job, without the Java stack trace."""
        try:
            traces = self.client.exceptions(job_id)
        except SqlflowError:
            return "unknown cause"
        for text in traces:
            cause = cause_of(text)
            if cause:
                return cause
        return "unknown cause"
