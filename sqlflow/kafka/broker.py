"""A single-node Apache Kafka broker in KRaft mode, started from Kafka's own jars.

Used as a context manager by tests and demos, and by ``sqlflow up`` for
development::

    with KafkaBroker() as broker:
        producer = KafkaProducer(bootstrap_servers=broker.bootstrap)

It formats a fresh storage folder, starts ``kafka.Kafka`` in a JVM on free
local ports (loopback only), waits until the broker answers a metadata
request, and on stop terminates the JVM and removes its data unless told to
keep it.
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from sqlflow.errors import ServiceError, SetupError
from sqlflow.jars import ensure_jars
from sqlflow.ports import free_port

_LOG4J = """Configuration:
  status: warn
  Appenders:
    File:
      name: file
      fileName: "{log}"
      PatternLayout:
        pattern: "%d{{ISO8601}} %-5p [%c{{1}}] %m%n"
  Loggers:
    Root:
      level: {level}
      AppenderRef:
        - ref: file
"""


#: The largest record the broker takes (Kafka's default is 1 MB): 16 MiB, so an oversized input
#: record reaches the jobs, whose quality rules quarantine it, instead of failing its producer.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024

#: Broker settings that sqlflow's broker and docker-compose.yml's share (compose sets them as
#: KAFKA_<KEY> environment variables).
SHARED_SETTINGS: dict[str, str] = {
    "message.max.bytes": str(MAX_MESSAGE_BYTES),
    "group.initial.rebalance.delay.ms": "0",
}

#: How long formatting the storage folder may take (a JVM start and a small write).
FORMAT_TIMEOUT_S = 120


def _port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0



def pid_running(pid: int) -> bool:
    """Whether process ``pid`` runs: it exists and is not a zombie.

    A background process (the broker ``sqlflow up`` leaves, Flink's daemons)
    is adopted by pid 1 when its starter exits; where pid 1 does not reap its
    children (some container and VM inits), a process that ended stays a
    zombie, and ``kill -0`` alone would call it running.
    """
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[-1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True  # no /proc: kill -0 is all there is


def new_cluster_id() -> str:
    """A random KRaft cluster id: a UUID in URL-safe base64, never starting with '-' (the
    storage tool would read it as an option; Kafka's own Uuid.randomUuid() avoids it too)."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id

class KafkaBroker:
    """A KRaft broker+controller in one JVM, listening on 127.0.0.1."""

    def __init__(
        self,
        port: int | None = None,
        data_dir: Path | None = None,
        keep_data: bool = False,
        heap: str = "512m",
        log_level: str = "INFO",
        partitions: int = 1,
    ) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.controller_port = free_port()
        self._own_dir = data_dir is None
        self.data_dir = Path(data_dir or tempfile.mkdtemp(prefix="sqlflow-kafka-"))
        self.keep_data = keep_data
        self.heap = heap
        self.log_level = log_level
        self.partitions = partitions
        self.process: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "broker.log"

    def _java(self) -> str:
        java = shutil.which("java")
        if java is None and os.environ.get("JAVA_HOME"):
            java = str(Path(os.environ["JAVA_HOME"]) / "bin" / "java")
        if not java:
            raise SetupError("Java is not installed: the Kafka broker and Flink need Java 11 or 17",
                             hint="install a JDK (apt-get install openjdk-17-jdk-headless)")
        return java

    def _write_config(self) -> Path:
        logs = self.data_dir / "data"
        props = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@{self.host}:{self.controller_port}",
            "listeners": f"PLAINTEXT://{self.host}:{self.port},CONTROLLER://{self.host}:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{self.host}:{self.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(logs),
            "num.partitions": str(self.partitions),
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "4",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "auto.create.topics.enable": "true",
            "log.retention.hours": "168",
            **SHARED_SETTINGS,
        }
        path = self.data_dir / "server.properties"
        path.write_text("".join(f"{k}={v}\n" for k, v in props.items()))
        (self.data_dir / "log4j2.yaml").write_text(_LOG4J.format(log=self.log_file, level=self.log_level))
        return path

    def start(self, timeout: float = 90.0) -> "KafkaBroker":
        """Format storage (first time), start the JVM, wait until it answers."""
        java = self._java()
        classpath = ensure_jars(quiet=True).broker_classpath
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        jvm = [java, f"-Xmx{self.heap}", f"-Xms{self.heap}", "-XX:+UseG1GC", "-XX:TieredStopAtLevel=1",
               f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.yaml'}", "-cp", classpath]
        if not (self.data_dir / "data" / "meta.properties").exists():
            cluster_id = new_cluster_id()
            try:
                fmt = subprocess.run(jvm + ["kafka.tools.StorageTool", "format", "-t", cluster_id,
                                            "-c", str(config), "--ignore-formatted"],
                                     capture_output=True, text=True, timeout=FORMAT_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                raise ServiceError(f"formatting the Kafka storage in {self.data_dir} did not finish within "
                                   f"{FORMAT_TIMEOUT_S} s", hint="is the machine overloaded, or the disk full?") from None
            if fmt.returncode != 0:
                raise ServiceError("formatting the Kafka storage failed: "
                                   + (fmt.stderr or fmt.stdout).strip().splitlines()[-1:][0]
                                   if (fmt.stderr or fmt.stdout).strip() else "formatting the Kafka storage failed")
        out = open(self.data_dir / "broker.out", "ab")
        self.process = subprocess.Popen(jvm + ["kafka.Kafka", str(config)], stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        out.close()
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        from kafka import KafkaAdminClient
        from kafka.errors import KafkaError

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ServiceError(f"the Kafka broker exited with code {self.process.returncode}; "
                                   f"see {self.data_dir / 'broker.out'} and {self.log_file}")
            if _port_open(self.host, self.port):
                try:
                    admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, request_timeout_ms=5000)
                    admin.list_topics()
                    admin.close()
                    return
                except (KafkaError, OSError, ValueError):
                    pass
            time.sleep(0.3)
        self.stop()
        raise ServiceError(f"the Kafka broker did not answer on {self.bootstrap} within {timeout:.0f} s; "
                           f"see {self.log_file}")

    def stop(self) -> None:
        """Stop the JVM (SIGTERM, then SIGKILL) and remove the data unless kept."""
        proc, self.process = self.process, None
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        if self._own_dir and not self.keep_data:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def detach(self, pid_file: Path) -> None:
        """Leave the broker running after this process ends; ``stop_detached`` stops it."""
        if self.process is None:
            raise ServiceError("the broker is not running")
        pid_file.write_text(f"{self.process.pid} {self.port} {self.data_dir}\n")
        self.process = None

    def __enter__(self) -> "KafkaBroker":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- small admin helpers used by tests and the demo --------------------

    def create_topics(self, names: list[str], partitions: int | None = None) -> None:
        """Create topics (existing ones are left as they are)."""
        from kafka import KafkaAdminClient
        from kafka.admin import NewTopic
        from kafka.errors import TopicAlreadyExistsError

        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap)
        try:
            for name in names:
                try:
                    admin.create_topics([NewTopic(name, partitions or self.partitions, 1)])
                except TopicAlreadyExistsError:
                    pass
        finally:
            admin.close()


def detached_broker(pid_file: Path) -> tuple[int, str] | None:
    """(pid, bootstrap) of a broker left running by ``detach``, if it still runs."""
    if not pid_file.exists():
        return None
    try:
        pid_s, port, _ = pid_file.read_text().split(None, 2)
        pid = int(pid_s)
    except ValueError:
        return None
    if not pid_running(pid):
        return None
    return pid, f"127.0.0.1:{port}"


def stop_detached(pid_file: Path, timeout: float = 20.0) -> bool:
    """Stop a detached broker; returns whether one was running."""
    found = detached_broker(pid_file)
    pid_file.unlink(missing_ok=True)
    if found is None:
        return False
    pid = found[0]
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_running(pid):
            return True
        time.sleep(0.2)
    os.killpg(pid, signal.SIGKILL)
    return True
