"""The native ONNX model runtime for Flink (the Maven module ``jvm/``), seen from Python.

``make`` builds one jar, with onnxruntime inside, into the cache
(``.cache/jars/native/sqlflow-onnx-<version>.jar``). A job that runs ONNX models
natively needs it on ``pipeline.jars``; then

* ``CREATE MODEL m ... WITH ('provider' = 'onnx', 'path' = ...)`` plus
  ``ML_PREDICT`` plan with the jar's model provider, and
* :func:`predict` splices the micro-batching operator into a Table program: it
  takes a Table, the DESCRIPTOR columns, the model's options and its OUTPUT
  columns, and gives back a Table of the input's columns followed by the OUTPUT
  columns (what ML_PREDICT returns), rowtime and watermarks kept, in streaming
  and batch mode alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from pyflink.java_gateway import get_gateway
from pyflink.table import Table
from pyflink.util.java_utils import to_jarray

from sqlflow.errors import ModelError, SetupError
from sqlflow.paths import cache_dir

#: The version of the jvm/ module (jvm/pom.xml); part of the jar's name.
NATIVE_VERSION = "0.1.0"
#: The Java entry point of the splice.
SPLICE_CLASS = "io.sqlflow.onnx.OnnxPredict"


def jar_path() -> Path:
    """Where ``make`` puts the native runtime's jar (it may not be built yet)."""
    return cache_dir() / "jars" / "native" / f"sqlflow-onnx-{NATIVE_VERSION}.jar"


def native_jar() -> Path:
    """The built jar; a :class:`~sqlflow.errors.SetupError` naming ``make`` when it is missing."""
    path = jar_path()
    if not path.is_file():
        raise SetupError(f"the native ONNX model runtime is not built: {path} is missing",
                         hint="run `make` in the sqlflow checkout (it builds jvm/ with Maven and Java 17)")
    return path


def add_jar(t_env) -> None:
    """Put the native runtime's jar on a PyFlink TableEnvironment's ``pipeline.jars`` (once)."""
    uri = native_jar().resolve().as_uri()
    config = t_env.get_config()
    current = config.get("pipeline.jars", "") or ""
    jars = [j for j in current.split(";") if j]
    if uri not in jars:
        config.set("pipeline.jars", ";".join([*jars, uri]))


def predict(t_env, table: Table, features: Sequence[str], options: Mapping[str, object],
            outputs: Sequence[tuple[str, str]]) -> Table:
    """Score ``table`` with an ONNX model natively; returns its columns plus the OUTPUT columns.

    ``t_env`` is a PyFlink ``StreamTableEnvironment`` (streaming or batch mode) whose
    ``pipeline.jars`` holds :func:`native_jar` (see :func:`add_jar`); ``features`` are
    the DESCRIPTOR columns; ``options`` the model's WITH options ('path', 'batch-size',
    'device', 'threads', 'input', 'output', 'width', 'flush-interval'); ``outputs``
    the OUTPUT columns as (name, Flink SQL type) pairs. A bad option, an unknown
    column or a model that does not fit the columns raises
    :class:`~sqlflow.errors.ModelError` with Flink's message.
    """
    gateway = get_gateway()
    j_options = gateway.jvm.java.util.HashMap()
    for key, value in options.items():
        j_options.put(str(key), str(value))
    string = gateway.jvm.java.lang.String
    try:
        splice = _java_class(gateway, SPLICE_CLASS)
        j_table = splice.apply(t_env._j_tenv, table._j_table, to_jarray(string, list(features)),
                               j_options, to_jarray(string, [n for n, _ in outputs]),
                               to_jarray(string, [t for _, t in outputs]))
    except SetupError:
        raise
    except Exception as exc:  # py4j: the Java side refused
        raise ModelError(f"native ONNX model ({options.get('path', '?')}): {java_message(exc)}",
                         rule="model-native") from None
    return Table(j_table, t_env)


def _java_class(gateway, name: str):
    """A Java class by name from the jars on ``pipeline.jars`` (py4j's view of the JVM)."""
    view = gateway.jvm
    for part in name.split("."):
        view = getattr(view, part)
    if type(view).__name__ != "JavaClass":  # a py4j package: the class was not found
        raise SetupError(f"class {name} is not loaded: the native runtime's jar is not on "
                         "pipeline.jars of this table environment",
                         hint="call sqlflow.native_model.add_jar(t_env) first")
    return view


def java_message(exc: BaseException) -> str:
    """The root cause's message of a py4j Java exception, without the Java stack trace."""
    java = getattr(exc, "java_exception", None)
    if java is None:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    root = java
    while root.getCause() is not None and root.getCause() != root:
        root = root.getCause()
    message = root.getMessage() or java.getMessage() or root.getClass().getName()
    return str(message).strip()
