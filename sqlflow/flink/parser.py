"""Flink's own SQL parser, without a planner or a catalog: does Flink's grammar accept this text?

Flink 2.x keeps its parser (``FlinkSqlParserImpl``, Calcite's ``SqlParser``)
inside ``flink-table-planner-loader``, as an embedded jar that only the
loader's private class loader sees. The embedded jar is extracted once into
the jar cache (``<cache>/jars/flink/``) and loaded by a class loader of its
own in the PyFlink gateway JVM; the parser is configured as Flink's planner
configures it (Flink's parser factory and conformance, Java lexing,
identifiers up to 256 characters). Parsing is pure: nothing is registered,
nothing is validated against a catalog.

Used by the tests and benchmarks that check that ``sqlflow fmt`` never
changes what Flink accepts::

    parser = flink_parser()
    parser.parse("SELECT 1").ok          # True
    parser.parse("SELECT FROM").message  # "Incorrect syntax near the keyword 'FROM' ..."
"""

from __future__ import annotations

import re
import shutil
import threading
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlflow import FLINK_VERSION
from sqlflow.errors import SetupError
from sqlflow.paths import cache_dir, flink_home

_EMBEDDED = "flink-table-planner.jar"
_POSITION = re.compile(r"at line (\d+), column (\d+)")


@dataclass(frozen=True)
class FlinkParse:
    """What Flink's parser said about one text: accepted, or why not and where (1-based)."""

    ok: bool
    message: str = ""
    line: int = 0
    column: int = 0
    statements: int = 0  # how many statements it read (``parseStmtList``)


def planner_jar() -> Path:
    """The planner jar embedded in flink-table-planner-loader, extracted into the cache once."""
    target = cache_dir() / "jars" / "flink" / f"flink-table-planner-{FLINK_VERSION}.jar"
    if target.exists():
        return target
    loader = flink_home() / "lib" / f"flink-table-planner-loader-{FLINK_VERSION}.jar"
    if not loader.exists():
        raise SetupError(f"Flink's planner loader is missing: {loader}",
                         hint="reinstall the pinned apache-flink package")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(loader) as zf, zf.open(_EMBEDDED) as src, partial.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    partial.replace(target)
    return target


class FlinkSqlParser:
    """Calcite's ``SqlParser`` with Flink's grammar, in the PyFlink gateway JVM."""

    def __init__(self) -> None:
        from pyflink.java_gateway import get_gateway

        self._gateway = gw = get_gateway()
        jvm = gw.jvm
        urls = gw.new_array(jvm.java.net.URL, 1)
        urls[0] = jvm.java.io.File(str(planner_jar())).toURI().toURL()
        self._loader = jvm.java.net.URLClassLoader(urls, jvm.java.lang.ClassLoader.getSystemClassLoader())
        sql_parser = self._class("org.apache.calcite.sql.parser.SqlParser")
        config = sql_parser.getMethod("config", gw.new_array(jvm.java.lang.Class, 0)).invoke(
            None, gw.new_array(jvm.java.lang.Object, 0))
        self._config = (config
                        .withParserFactory(self._static("org.apache.flink.sql.parser.impl.FlinkSqlParserImpl",
                                                        "FACTORY"))
                        .withConformance(self._static("org.apache.flink.sql.parser.validate.FlinkSqlConformance",
                                                      "DEFAULT"))
                        .withLex(self._static("org.apache.calcite.config.Lex", "JAVA"))
                        .withIdentifierMaxLength(256))
        types = gw.new_array(jvm.java.lang.Class, 2)
        types[0] = jvm.java.lang.Class.forName("java.lang.String")
        types[1] = self._class("org.apache.calcite.sql.parser.SqlParser$Config")
        self._create = sql_parser.getMethod("create", types)
        self._lock = threading.Lock()

    def _class(self, name: str) -> Any:
        return self._gateway.jvm.java.lang.Class.forName(name, True, self._loader)

    def _static(self, cls: str, field: str) -> Any:
        return self._class(cls).getField(field).get(None)

    def parse(self, sql: str) -> FlinkParse:
        """Parse ``sql`` (one or more ``;``-separated statements) as Flink's SQL client would."""
        args = self._gateway.new_array(self._gateway.jvm.java.lang.Object, 2)
        args[0] = sql
        args[1] = self._config
        with self._lock:
            try:
                parser = self._create.invoke(None, args)
                statements = parser.parseStmtList()
                return FlinkParse(True, statements=int(statements.size()))
            except Exception as exc:  # py4j wraps the SqlParseException
                return _rejection(exc)


def _rejection(exc: BaseException) -> FlinkParse:
    java = getattr(exc, "java_exception", None)
    text = ""
    if java is not None:
        cause = java
        while cause is not None and cause.getCause() is not None and "SqlParseException" not in str(cause.getClass()):
            cause = cause.getCause()
        text = str(cause.getMessage() or cause.toString())
    text = text or str(exc)
    first = text.strip().splitlines()[0] if text.strip() else "rejected"
    m = _POSITION.search(first)
    return FlinkParse(False, first, int(m.group(1)) if m else 0, int(m.group(2)) if m else 0)


@lru_cache(maxsize=1)
def flink_parser() -> FlinkSqlParser:
    """The one parser of this process (the gateway JVM starts on first use)."""
    return FlinkSqlParser()


__all__ = ["FlinkParse", "FlinkSqlParser", "flink_parser", "planner_jar"]
