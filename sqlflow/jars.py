"""The jars Flink's Python package lacks, fetched from Maven Central with mvn and cached.

Two sets, both pinned: the Flink Kafka SQL connector (one shaded jar, put on
``pipeline.jars``) and Apache Kafka's broker with its runtime dependencies
(the classpath of the KRaft broker that ``sqlflow up`` and the tests start).
Nothing is fetched twice: a finished set leaves a marker file in the cache.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlflow import KAFKA_CONNECTOR_VERSION, KAFKA_VERSION
from sqlflow.errors import SetupError
from sqlflow.paths import cache_dir

CONNECTOR = f"org.apache.flink:flink-sql-connector-kafka:{KAFKA_CONNECTOR_VERSION}"
#: How long one mvn call may take: the broker's dependencies are ~100 MB on a first fetch.
MVN_TIMEOUT_S = 900

_BROKER_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>sqlflow</groupId><artifactId>kafka-broker-classpath</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>{kafka}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.25.3</version></dependency>
  </dependencies>
</project>
"""


@dataclass(frozen=True)
class Jars:
    """Paths of the cached jars."""

    kafka_connector: Path
    kafka_broker_dir: Path

    @property
    def broker_classpath(self) -> str:
        return ":".join(str(p) for p in sorted(self.kafka_broker_dir.glob("*.jar")))


def jars_dir() -> Path:
    return cache_dir() / "jars"


def _mvn(args: list[str], what: str) -> None:
    if shutil.which("mvn") is None:
        raise SetupError(f"cannot fetch {what}: Maven (mvn) is not on PATH",
                         hint="install Maven (apt-get install maven) or put the jars in " + str(jars_dir()))
    try:
        proc = subprocess.run(["mvn", "-q", "-B", *args], capture_output=True, text=True, timeout=MVN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise SetupError(f"fetching {what} from Maven Central did not finish within {MVN_TIMEOUT_S // 60} min",
                         hint="check the network (and any Maven proxy settings), then run `sqlflow setup` again; "
                              f"or put the jars in {jars_dir()}") from None
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-8:])
        raise SetupError(f"fetching {what} from Maven Central failed:\n{tail}")


def ensure_jars(quiet: bool = False) -> Jars:
    """Fetch the pinned jars once; later calls only check the cache."""
    root = jars_dir()
    connector_dir = root / "connector"
    broker_dir = root / f"kafka-{KAFKA_VERSION}"
    connector = connector_dir / f"flink-sql-connector-kafka-{KAFKA_CONNECTOR_VERSION}.jar"

    if not connector.exists():
        if not quiet:
            print(f"fetching {CONNECTOR} from Maven Central ...", flush=True)
        connector_dir.mkdir(parents=True, exist_ok=True)
        _mvn(["dependency:copy", f"-Dartifact={CONNECTOR}", f"-DoutputDirectory={connector_dir}"],
             "the Kafka SQL connector")
        if not connector.exists():
            raise SetupError(f"the Kafka SQL connector is missing after download: {connector}")

    marker = broker_dir / ".complete"
    if not marker.exists():
        if not quiet:
            print(f"fetching Apache Kafka {KAFKA_VERSION} broker jars from Maven Central ...", flush=True)
        tmp_out = broker_dir.with_name(broker_dir.name + ".partial")
        shutil.rmtree(tmp_out, ignore_errors=True)
        with tempfile.TemporaryDirectory() as tmp:
            pom = Path(tmp) / "pom.xml"
            pom.write_text(_BROKER_POM.format(kafka=KAFKA_VERSION))
            _mvn(["-f", str(pom), "dependency:copy-dependencies", "-DincludeScope=runtime",
                  f"-DoutputDirectory={tmp_out}"], "the Kafka broker jars")
        shutil.rmtree(broker_dir, ignore_errors=True)
        tmp_out.rename(broker_dir)
        marker.write_text(KAFKA_VERSION)
    return Jars(kafka_connector=connector, kafka_broker_dir=broker_dir)


def cached_jars() -> Jars | None:
    """The jars if they are already cached, without fetching anything."""
    root = jars_dir()
    connector = root / "connector" / f"flink-sql-connector-kafka-{KAFKA_CONNECTOR_VERSION}.jar"
    broker_dir = root / f"kafka-{KAFKA_VERSION}"
    if connector.exists() and (broker_dir / ".complete").exists():
        return Jars(kafka_connector=connector, kafka_broker_dir=broker_dir)
    return None
