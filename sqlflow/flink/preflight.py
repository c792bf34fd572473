"""Checks before a job is submitted: do the Kafka brokers its tables name answer?

Flink's Kafka connector waits for a broker for about a minute and then fails
with ``Timed out waiting for a node assignment. Call: listNodes``, naming
neither the address nor that nothing runs there. :func:`check_kafka` asks
first: it opens a TCP connection to each ``properties.bootstrap.servers`` of
the job's ``kafka`` and ``upsert-kafka`` tables (the compiled job's catalog
definitions) and fails within seconds, at the option's line, naming the
address and what to start. ``kafka.check: false`` in sqlflow.yaml (or
``SQLFLOW_KAFKA_CHECK=0``) skips it, for a cluster that reaches brokers this
machine cannot.
"""

from __future__ import annotations

import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterable

from sqlflow.compiler.catalog import TableDef
from sqlflow.compiler.compiled import CompiledStatement
from sqlflow.errors import Location, ServiceError

KAFKA_CONNECTORS = ("kafka", "upsert-kafka")
BOOTSTRAP_KEY = "properties.bootstrap.servers"


@dataclass(frozen=True)
class KafkaEndpoint:
    """The bootstrap servers one table names, and where."""

    servers: str
    table: str
    location: Location | None


def kafka_endpoints(statements: Iterable[CompiledStatement]) -> list[KafkaEndpoint]:
    """The Kafka bootstrap servers of the tables these statements define, one per distinct address."""
    found: dict[str, KafkaEndpoint] = {}
    for s in statements:
        d = s.info.definition if s.info is not None else None
        if not isinstance(d, TableDef) or d.connector not in KAFKA_CONNECTORS:
            continue
        servers = d.options.get(BOOTSTRAP_KEY, "").strip()
        if servers and servers not in found:
            found[servers] = KafkaEndpoint(servers, d.name, d.option_locations.get(BOOTSTRAP_KEY, d.location))
    return list(found.values())


def _addresses(servers: str) -> list[tuple[str, int]]:
    out = []
    for item in servers.split(","):
        item = item.strip()
        if "://" in item:  # SASL_SSL://host:port
            item = item.split("://", 1)[1]
        host, _, port = item.rpartition(":")
        host = host.strip("[]")
        if host and port.isdigit():
            out.append((host, int(port)))
    return out


def probe(host: str, port: int, timeout: float = 2.0) -> str | None:
    """None when something accepts a TCP connection at ``host:port``; else why not."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except socket.gaierror:
        return f"the host name {host} does not resolve"
    except ConnectionRefusedError:
        return "connection refused: nothing listens there"
    except socket.timeout:
        return f"no answer within {timeout:g} s"
    except OSError as exc:
        return exc.strerror or type(exc).__name__


def unreachable(servers: str, timeout: float = 2.0) -> str | None:
    """None when any of the bootstrap ``servers`` answers; else the reason for the first one."""
    addresses = _addresses(servers)
    if not addresses:
        return None  # not host:port pairs: the connector reports that itself
    with ThreadPoolExecutor(max_workers=min(8, len(addresses))) as pool:
        reasons = list(pool.map(lambda hp: probe(hp[0], hp[1], timeout), addresses))
    if any(r is None for r in reasons):
        return None
    return reasons[0]


def check_kafka(statements: Iterable[CompiledStatement], job: str, timeout: float = 2.0) -> None:
    """Raise a located :class:`ServiceError` when no broker answers at a Kafka table's bootstrap servers."""
    for endpoint in kafka_endpoints(statements):
        reason = unreachable(endpoint.servers, timeout)
        if reason is None:
            continue
        raise ServiceError(
            f"no Kafka broker answers at {endpoint.servers} ({reason}); job {job} reads or writes it "
            f"through table '{endpoint.table}'", location=endpoint.location, rule="kafka-unreachable",
            hint="start one (sqlflow up --kafka-only starts a broker on targets.local.kafka_port), or point the "
                 "table at a running broker: ${KAFKA_BOOTSTRAP} comes from the KAFKA_BOOTSTRAP environment "
                 "variable or kafka.bootstrap in sqlflow.yaml (SQLFLOW_KAFKA_CHECK=0 skips this check)")


__all__ = ["KafkaEndpoint", "check_kafka", "kafka_endpoints", "probe", "unreachable"]
