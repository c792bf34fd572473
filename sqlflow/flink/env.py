"""Table environments set up the sqlflow way, and the files shipped with a job.

Every job sqlflow runs goes through :func:`make_table_env`: the connector
jars on ``pipeline.jars``, this interpreter for Python UDF workers, and the
project's UDF package, model files and generated model modules staged into
one folder that is shipped as ``python.files`` (:func:`stage_python_files`),
so a job never depends on the current directory.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from sqlflow import KAFKA_CONNECTOR_VERSION
from sqlflow.compiler.catalog import TableDef
from sqlflow.compiler.compiled import JobFile
from sqlflow.compiler.lowering import write_modules
from sqlflow.errors import ConfigError
from sqlflow.flink.native import native_jar
from sqlflow.jars import cached_jars, ensure_jars, jars_dir
from sqlflow.paths import within

if TYPE_CHECKING:  # pyflink's table API is heavy to import: only for annotations
    from pyflink.table import TableEnvironment

#: Connectors whose jar Flink's package lacks, and the jar (in the cache) that brings each.
CONNECTOR_JARS = {
    "kafka": f"connector/flink-sql-connector-kafka-{KAFKA_CONNECTOR_VERSION}.jar",
    "upsert-kafka": f"connector/flink-sql-connector-kafka-{KAFKA_CONNECTOR_VERSION}.jar",
}


def inside_project(root: Path, path: Path, what: str) -> Path:
    """``path``, refused (a ConfigError) when it resolves outside the project: nothing from outside
    the project is copied into a job's shipped folder."""
    if not within(root, path):
        raise ConfigError(f"{what} {path} lies outside the project ({Path(root).resolve()}): it is not shipped",
                          rule="path-outside-project",
                          hint="copy it into the project instead of linking to it ('sqlflow validate' shows where)")
    return path


def copy_tree_within(root: Path, src: Path, dest: Path) -> None:
    """``shutil.copytree`` of a project folder, refusing any entry (a link) that resolves outside the project."""
    for path in src.rglob("*"):
        if "__pycache__" not in path.parts:
            inside_project(root, path, "the file")
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def stage_python_files(project_root: Path, udfs_dir: Path, models_dir: Path, dest: Path,
                       modules: Iterable[tuple[str, str]] = ()) -> Path:
    """Copy the project's UDF package and model files into ``dest`` (shipped as python.files),
    with the Python ``modules`` (name, source) the compiler generated.

    The UDF modules import as ``udfs.<name>`` and find ``models/`` beside them.
    """
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    src = inside_project(project_root, project_root / udfs_dir, "the UDF folder")
    if src.is_dir():
        copy_tree_within(project_root, src, dest / udfs_dir.name)
        init = dest / udfs_dir.name / "__init__.py"
        if not init.exists():
            init.write_text("")
    msrc = inside_project(project_root, project_root / models_dir, "the models folder")
    if msrc.is_dir():
        mdest = dest / models_dir.name
        mdest.mkdir()
        for f in msrc.iterdir():
            if f.suffix in (".onnx", ".json") and f.is_file():
                shutil.copy2(inside_project(project_root, f, "the model file"), mdest / f.name)
    write_modules(dest, tuple(modules))
    return dest


def bind_packages(folder: Path) -> None:
    """Make the packages in ``folder`` (a staged udfs/) the ones this process imports.

    Another project's ``udfs`` imported earlier in the same process (tests, the
    demo) would otherwise shadow this one's modules of the same names.
    """
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


def jars_for(job: JobFile) -> list[Path]:
    """The jars a job needs beyond Flink's own: its tables' connectors (paths in the jar cache, fetched
    or not), and the native model runtime's when it runs a model natively."""
    found: list[Path] = []
    for s in job.session:
        d = s.info.definition if s.info is not None else None
        rel = CONNECTOR_JARS.get(d.connector or "") if isinstance(d, TableDef) else None
        if rel and jars_dir() / rel not in found:
            found.append(jars_dir() / rel)
    if job.native:
        found.append(native_jar())
    return found


def default_jars() -> list[Path]:
    """The jars every job gets: the Kafka SQL connector (fetched once into the cache)."""
    cached = cached_jars() or ensure_jars(quiet=True)
    return [cached.kafka_connector]


def make_table_env(streaming: bool = True, rest_port: int | None = None,
                   config: Mapping[str, str] | None = None, python_files: Iterable[Path] = (),
                   jars: Iterable[Path] | None = None, parallelism: int | None = None,
                   rest_address: str = "127.0.0.1", stream_api: bool = False) -> TableEnvironment:
    """A PyFlink TableEnvironment set up the sqlflow way: connector jars, this Python, shipped UDFs.

    With ``rest_port`` its jobs go to that cluster; without, to a per-job mini-cluster. With
    ``stream_api`` it is a StreamTableEnvironment (a job with native model steps needs one: they
    turn tables into streams and back), in the same runtime mode.
    """
    # pyflink's table API is heavy to import: kept off the CLI's start-up path
    from pyflink.common import Configuration
    from pyflink.table import EnvironmentSettings, TableEnvironment

    conf = Configuration()
    if rest_port:
        conf.set_string("execution.target", "remote")
        conf.set_string("rest.address", rest_address)
        conf.set_string("rest.port", str(rest_port))
    jar_urls = ";".join(Path(j).resolve().as_uri() for j in (default_jars() if jars is None else jars))
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
    if not stream_api:
        return TableEnvironment.create(settings)
    from pyflink.datastream import StreamExecutionEnvironment
    from pyflink.table import StreamTableEnvironment

    conf.set_string("execution.runtime-mode", "streaming" if streaming else "batch")
    env = StreamExecutionEnvironment.get_execution_environment(conf)
    return StreamTableEnvironment.create(env, environment_settings=settings)


def job_table_env(job: JobFile, *, streaming: bool = True, rest_port: int | None = None,
                  config: Mapping[str, str] | None = None, python_files: Iterable[Path] = (),
                  parallelism: int | None = None) -> TableEnvironment:
    """The environment one compiled job runs in: its mode (a batch job's own wins), its jars (the
    Kafka connector always, the native runtime's when it scores natively), a stream environment
    when its models run natively."""
    jars = list(dict.fromkeys([*default_jars(), *jars_for(job)]))
    return make_table_env(streaming=streaming and not job.batch, rest_port=rest_port, config=config,
                          python_files=python_files, jars=jars, parallelism=parallelism, stream_api=job.native)
