"""The embedded target: a Flink mini-cluster inside the sqlflow process.

One ``MiniCluster`` is started in the PyFlink gateway JVM and serves Flink's
own web dashboard and REST API on a local port for as long as it runs; every
job is submitted to it through Flink's remote executor, exactly as it would be
to a standalone cluster. Python UDFs run in Python workers started by its
TaskManager with this interpreter; the project's ``udfs/`` and ``models/`` are
shipped with each job (``python.files``), so the job does not depend on the
current directory.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import socket
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from sqlflow.errors import JobError, Location, ServiceError, SqlflowError
from sqlflow.jars import cached_jars, ensure_jars
from sqlflow.kafka.broker import free_port

log = logging.getLogger(__name__)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def stage_python_files(project_root: Path, udfs_dir: Path, models_dir: Path, dest: Path) -> Path:
    """Copy the project's UDF package and model files into ``dest`` (shipped as python.files).

    The UDF modules import as ``udfs.<name>`` and find ``models/`` beside them.
    """
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    src = project_root / udfs_dir
    if src.is_dir():
        shutil.copytree(src, dest / udfs_dir.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        init = dest / udfs_dir.name / "__init__.py"
        if not init.exists():
            init.write_text("")
    msrc = project_root / models_dir
    if msrc.is_dir():
        mdest = dest / models_dir.name
        mdest.mkdir()
        for f in msrc.iterdir():
            if f.suffix in (".onnx", ".json") and f.is_file():
                shutil.copy2(f, mdest / f.name)
    return dest


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

    def start(self, fallback_port: bool = True) -> "EmbeddedCluster":
        """Start the mini-cluster; if the port is taken, take a free one (or fail)."""
        if self.rest_port == 0:
            self.rest_port = free_port()
        elif not _port_free(self.rest_port):
            if not fallback_port:
                raise ServiceError(f"port {self.rest_port} is in use: cannot serve the Flink dashboard there",
                                   hint="set targets.embedded.rest_port or SQLFLOW_REST_PORT")
            taken = self.rest_port
            self.rest_port = free_port()
            log.warning("port %s is in use; the dashboard goes to port %s", taken, self.rest_port)
        from pyflink.java_gateway import get_gateway

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
            raise ServiceError(f"the Flink mini-cluster did not start: {_java_message(exc)}") from None
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
        try:
            running = [j["jid"] for j in self.jobs() if j["state"] not in ("FINISHED", "FAILED", "CANCELED")]
            for jid in running:
                req = urllib.request.Request(f"{self.url}/jobs/{jid}?mode=cancel", method="PATCH")
                urllib.request.urlopen(req, timeout=10).close()
            deadline = time.monotonic() + timeout
            while running and time.monotonic() < deadline:
                states = {j["jid"]: j["state"] for j in self.jobs()}
                running = [j for j in running if states.get(j) not in ("FINISHED", "FAILED", "CANCELED")]
                time.sleep(0.2)
        except OSError:
            log.debug("cancelling jobs before close failed", exc_info=True)

    def __enter__(self) -> "EmbeddedCluster":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- jobs -------------------------------------------------------------

    def table_env(self, streaming: bool = True, config: Mapping[str, str] | None = None,
                  python_files: Iterable[Path] = (), jars: Iterable[Path] | None = None):
        """A TableEnvironment whose jobs run on this cluster."""
        return make_table_env(streaming=streaming, rest_port=self.rest_port, config=config,
                              python_files=python_files, jars=jars, parallelism=self.parallelism)

    def rest(self, path: str) -> dict:
        """GET a Flink REST resource as JSON."""
        with urllib.request.urlopen(self.url + path, timeout=10) as resp:
            return json.loads(resp.read())

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
        """The root cause of a failed job, without the Java stack trace."""
        try:
            exc = self.rest(f"/jobs/{job_id}/exceptions")
        except OSError:
            return "unknown cause"
        texts = [exc.get("rootException") or exc.get("root-exception") or ""]
        # Flink 2.x answers with the exception history only
        texts += [e.get("stacktrace") or "" for e in (exc.get("exceptionHistory") or {}).get("entries") or []]
        for text in texts:
            cause = _first_cause(text.strip())
            if cause:
                return cause
        return "unknown cause"


def bind_packages(folder: Path) -> None:
    """Make the packages in ``folder`` (a staged udfs/) the ones this process imports.

    Another project's ``udfs`` imported earlier in the same process (tests, the
    demo) would otherwise shadow this one's modules of the same names.
    """
    import importlib

    path = str(folder)
    if path in sys.path:
        sys.path.remove(path)
    sys.path.insert(0, path)
    for child in folder.iterdir() if folder.is_dir() else ():
        if not (child / "__init__.py").exists():
            continue
        name = child.name
        for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            origin = getattr(sys.modules[mod], "__file__", None) or ""
            if not origin.startswith(str(child)):
                del sys.modules[mod]
    importlib.invalidate_caches()


def make_table_env(streaming: bool = True, rest_port: int | None = None,
                   config: Mapping[str, str] | None = None, python_files: Iterable[Path] = (),
                   jars: Iterable[Path] | None = None, parallelism: int | None = None,
                   rest_address: str = "127.0.0.1"):
    """A PyFlink TableEnvironment set up the sqlflow way: connector jars, this Python, shipped UDFs.

    With ``rest_port`` its jobs go to that cluster; without, to a per-job mini-cluster.
    """
    from pyflink.common import Configuration
    from pyflink.table import EnvironmentSettings, TableEnvironment

    conf = Configuration()
    if rest_port:
        conf.set_string("execution.target", "remote")
        conf.set_string("rest.address", rest_address)
        conf.set_string("rest.port", str(rest_port))
    if jars is None:
        cached = cached_jars() or ensure_jars(quiet=True)
        jars = [cached.kafka_connector]
    jar_urls = ";".join(Path(j).resolve().as_uri() for j in jars)
    if jar_urls:
        conf.set_string("pipeline.jars", jar_urls)
    conf.set_string("classloader.check-leaked-classloader", "false")
    conf.set_string("python.executable", sys.executable)
    conf.set_string("python.client.executable", sys.executable)
    staged = [str(Path(p).resolve()) for p in python_files]
    if staged:
        conf.set_string("python.files", ",".join(staged))
        # SQL-registered Python functions are instantiated in this process first
        for path in reversed(staged):
            bind_packages(Path(path))
    if parallelism:
        conf.set_string("parallelism.default", str(parallelism))
    for k, v in (config or {}).items():
        conf.set_string(k, str(v))
    builder = EnvironmentSettings.new_instance().with_configuration(conf)
    settings = (builder.in_streaming_mode() if streaming else builder.in_batch_mode()).build()
    return TableEnvironment.create(settings)


def _first_cause(text: str) -> str:
    """The most specific meaningful line of a Java exception text."""
    causes = [line.strip() for line in text.splitlines()
              if line.strip() and not line.strip().startswith(("at ", "..."))]
    if not causes:
        return ""
    # a Python error raised inside a UDF or its module is the most useful line
    py_errors = [c for c in causes if re.match(r"^[A-Za-z_.]*(Error|Exception): ", c)
                 and not c.startswith(("org.", "java.", "py4j."))]
    if py_errors:
        return py_errors[-1]
    # the last "Caused by:" is usually the root cause
    caused = [c for c in causes if c.startswith("Caused by:")]
    line = (caused[-1] if caused else causes[0]).removeprefix("Caused by:").strip()
    for prefix in ("org.apache.flink.table.api.ValidationException: ", "org.apache.flink.table.api.TableException: ",
                   "java.lang.RuntimeException: ", "org.apache.calcite.sql.parser.SqlParseException: "):
        line = line.replace(prefix, "")
    return line


def _java_message(exc: BaseException) -> str:
    java = getattr(exc, "java_exception", None)
    text = str(java) if java is not None else str(exc)
    return _first_cause(text) or text.splitlines()[0]


_AT = re.compile(r"\bAt line (\d+), column (\d+):\s*")


def rejection(exc: BaseException, what: str, start: Location | None, sql: str | None = None) -> JobError:
    """Flink's rejection of one statement, at the spot it names when it names one.

    Flink counts lines and columns within the statement text it got (``sql``,
    whose first line of code is at ``start`` in the file); those become a place
    in the file.
    The repeated "SQL validation failed." Flink puts in front is dropped.
    """
    message = re.sub(r"^(?:SQL validation failed\.\s*)+", "", _java_message(exc))
    location = start
    m = _AT.search(message)
    if m and start is not None and start.line and sql is not None:
        line, column = int(m.group(1)), int(m.group(2))
        lines = sql.splitlines()
        first = next((i for i, text in enumerate(lines, 1)  # where starts: its first line of code
                      if text.strip() and not text.strip().startswith("--")), 1)
        if first <= line <= len(lines):
            location = Location(start.file, start.line + line - first,
                                start.column + column - 1 if line == first == 1 else column, 1,
                                source=start.source)
            message = message[:m.start()] + message[m.end():]
    return JobError(f"{what}: {message}", location=location, rule="flink")


def flink_error(exc: BaseException, what: str) -> SqlflowError:
    """Turn a PyFlink/py4j exception into a short JobError (no Java stack trace)."""
    return JobError(f"{what}: {_java_message(exc)}")
