"""The native ONNX model runtime (the Maven module ``jvm/``), seen from the Flink layer.

``make`` builds one jar, with onnxruntime inside, into the cache
(``.cache/jars/native/sqlflow-onnx-<version>.jar``). A job whose models run
natively has it on ``pipeline.jars``, and each of its
:class:`~sqlflow.compiler.lowering.NativePredict` steps is taken by
:func:`predict`: the table the model scores goes through the jar's
micro-batching operator and comes back as a table of its columns followed by
the model's OUTPUT columns (what ML_PREDICT returns), rowtime and watermarks
kept, in streaming and batch mode alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from sqlflow.compiler.compiled import CompiledStatement
from sqlflow.errors import Location, ModelError, SetupError
from sqlflow.flink.java import cause_of, root_message
from sqlflow.paths import cache_dir

if TYPE_CHECKING:  # pyflink's table API is heavy to import: only for annotations
    from pyflink.table import StreamTableEnvironment, Table

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


def add_jar(t_env: StreamTableEnvironment) -> None:
    """Put the native runtime's jar on the environment's ``pipeline.jars`` (once); setting it through
    the table config also loads it into the gateway's class loader, where :func:`predict` finds it."""
    uri = native_jar().resolve().as_uri()
    config = t_env.get_config()
    jars = [j for j in (config.get("pipeline.jars", "") or "").split(";") if j]
    if uri not in jars:
        config.set("pipeline.jars", ";".join([*jars, uri]))


def predict(t_env: StreamTableEnvironment, table: Table, features: Sequence[str], options: Mapping[str, object],
            outputs: Sequence[tuple[str, str]]) -> Table:
    """Score ``table`` with an ONNX model natively; returns its columns plus the OUTPUT columns.

    ``t_env`` is a PyFlink ``StreamTableEnvironment`` (streaming or batch mode) whose
    ``pipeline.jars`` holds :func:`native_jar`; ``features`` are the DESCRIPTOR columns;
    ``options`` the model's options ('path', 'batch-size', 'device', 'threads', 'input',
    'output', 'width', 'flush-interval'); ``outputs`` the OUTPUT columns as (name, Flink SQL
    type) pairs. A bad option, an unknown column or a model that does not fit the columns
    raises :class:`~sqlflow.errors.ModelError` with the runtime's message.
    """
    # pyflink's gateway and table API: imported when a job runs, not on the CLI's start-up path
    from pyflink.java_gateway import get_gateway
    from pyflink.table import StreamTableEnvironment, Table
    from pyflink.util.java_utils import to_jarray

    if not isinstance(t_env, StreamTableEnvironment):
        raise SetupError("a native model step needs a StreamTableEnvironment (it turns the table into a stream "
                         "and back)", hint="create the job's environment with sqlflow.flink.env.job_table_env")
    gateway = get_gateway()
    j_options = gateway.jvm.java.util.HashMap()
    for key, value in options.items():
        j_options.put(str(key), str(value))
    string = gateway.jvm.java.lang.String
    splice = _java_class(gateway, SPLICE_CLASS)
    try:
        j_table = splice.apply(t_env._j_tenv, table._j_table, to_jarray(string, list(features)),
                               j_options, to_jarray(string, [n for n, _ in outputs]),
                               to_jarray(string, [t for _, t in outputs]))
    except Exception as exc:  # py4j: the Java side refused
        raise ModelError(f"native ONNX model ({options.get('path', '?')}): {root_message(exc)}",
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
                         hint="call sqlflow.flink.native.add_jar(t_env) first")
    return view


#: The runtime's classes, as they appear in a job's exception text.
RUNTIME_PACKAGE = "io.sqlflow.onnx"


def native_failure(text: str, statements: Iterable[CompiledStatement]) -> tuple[str, Location | None] | None:
    """A job failure raised by the native model runtime (a model file missing on the cluster, a model
    that does not load, a batch too large): the message and the model's CREATE MODEL; None when the
    job failed for another reason."""
    if RUNTIME_PACKAGE not in text:
        return None
    cause = cause_of(text)
    steps = [p for s in statements for p in s.predicts]
    hit = next((p for p in steps if p.path and (p.path in text or Path(p.path).name in text)), None)
    if hit is None and len({p.model for p in steps}) == 1:
        hit = steps[0]
    if hit is None:
        return f"the native model runtime failed: {cause}", None
    return f"model '{hit.model}' failed in open(): {cause}", hit.model_location
