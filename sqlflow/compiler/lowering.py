"""The compiler pass that lowers ``CREATE MODEL`` / ``ML_PREDICT`` on ONNX models to a runtime.

Flink 2.x has declarative models in SQL::

    CREATE MODEL ctr
    INPUT (f1 FLOAT, f2 FLOAT)
    OUTPUT (probability FLOAT)
    WITH ('provider' = 'onnx', 'path' = 'models/ctr.onnx');

    SELECT id, probability FROM ML_PREDICT(TABLE feats, MODEL ctr, DESCRIPTOR(f1, f2));

and for ``'provider' = 'onnx'`` sqlflow decides how each call runs
(:func:`lower_job`, run by the compiler over the parsed trees of a job):

- ``'runtime' = 'native'`` (the default): in the TaskManager's JVM. Each
  ``ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(a, b))`` becomes a reference to a
  view that a :class:`NativePredict` step makes before the statement runs: the
  table ``t`` scored by sqlflow's micro-batching ONNX operator (``jvm/``),
  every column of ``t`` followed by the model's OUTPUT columns, as Flink's own
  ML_PREDICT returns them, in batch and streaming jobs alike.
- ``'runtime' = 'python'``: in sqlflow's Python UDF runtime, for models that
  need Python around them. The model becomes a vectorized ONNX UDF
  (``sqlflow.udf.onnx_udf``, in a Python module generated for the job and
  shipped with it, registered with ``CREATE TEMPORARY FUNCTION``), and the
  ``ML_PREDICT`` a subquery calling it.

Models of other providers are left to Flink. Options of both runtimes:
``path`` (the ONNX file, relative to the project root), ``input`` (the ONNX
input tensor, when the model has several), ``output`` (the ONNX output of the
first OUTPUT column, default its name), ``batch-size``, ``device`` (auto,
cuda, cpu); native only: ``threads``, ``width``, ``flush-interval``; Python
only: ``fp16``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp

from sqlflow.compiler.analysis import StatementInfo
from sqlflow.compiler.catalog import TableDef
from sqlflow.dialect.flink import Flink
from sqlflow.errors import Location, SqlflowError, ValidationError, did_you_mean

#: The package the generated model modules are shipped in (beside the project's udfs/).
MODULE_PACKAGE = "_sqlflow_models"

ONNX_PROVIDER = "onnx"
RUNTIMES = ("native", "python")
#: Options every ONNX model takes, and those only one runtime knows.
_COMMON_OPTIONS = {"provider", "runtime", "path", "input", "output", "batch-size", "device", "task", "version"}
_RUNTIME_OPTIONS = {"native": {"threads", "width", "flush-interval"}, "python": {"fp16"}}
#: The options the native runtime (jvm/) is given.
NATIVE_OPTIONS = ("path", "batch-size", "device", "threads", "input", "output", "width", "flush-interval")


@dataclass(frozen=True)
class ModelDecl:
    """A ``CREATE MODEL`` statement: its columns and options."""

    name: str
    inputs: tuple[tuple[str, str], ...]
    outputs: tuple[tuple[str, str], ...]
    options: dict = field(default_factory=dict, compare=False, hash=False)
    location: Location | None = None

    @property
    def provider(self) -> str:
        return str(self.options.get("provider", "")).lower()

    @property
    def is_onnx(self) -> bool:
        return self.provider == ONNX_PROVIDER

    @property
    def runtime(self) -> str:
        """Where the model runs: ``native`` (the JVM, the default) or ``python``."""
        return str(self.options.get("runtime", "native")).lower()

    @property
    def function_name(self) -> str:
        return "__ml_" + re.sub(r"\W", "_", self.name)

    @property
    def result_type(self) -> str:
        if len(self.outputs) == 1:
            return self.outputs[0][1]
        return "ROW<" + ", ".join(f"`{n}` {t}" for n, t in self.outputs) + ">"


def ml_predict_parts(n: exp.Expression) -> tuple[exp.Expression | None, exp.Expression | None,
                                                exp.Expression | None] | None:
    """The TABLE, MODEL and DESCRIPTOR arguments of an ``ML_PREDICT(...)`` table call (each None
    when missing); None when ``n`` is not one."""
    if not (isinstance(n, exp.Table) and isinstance(n.this, exp.Anonymous)
            and str(n.this.this).upper() == "ML_PREDICT"):
        return None
    args = n.this.expressions
    return tuple(next((a for a in args if type(a).__name__ == kind), None)  # type: ignore[return-value]
                 for kind in ("TableArgument", "ModelArgument", "Descriptor"))

def _type_sql(node: exp.Expression | None) -> str:
    return node.sql(dialect="flink") if node is not None else "FLOAT"


def _columns(prop: exp.Expression | None) -> tuple[tuple[str, str], ...]:
    if prop is None:
        return ()
    schema = prop.this
    return tuple((c.name, _type_sql(c.args.get("kind"))) for c in schema.expressions
                 if isinstance(c, exp.ColumnDef))


def model_decl(create: exp.Create, location: Location | None = None) -> ModelDecl:
    """Read a parsed ``CREATE MODEL``."""
    props = create.args.get("properties")
    items = props.expressions if props else []
    inputs = next((p for p in items if type(p).__name__ == "InputModelProperty"), None)
    outputs = next((p for p in items if type(p).__name__ == "OutputModelProperty"), None)
    options = {}
    for p in items:
        if isinstance(p, exp.Property) and type(p) is exp.Property:
            key = p.this.name if isinstance(p.this, exp.Expression) else str(p.this)
            value = p.args.get("value")
            options[key] = value.name if isinstance(value, exp.Expression) else str(value)
    return ModelDecl(name=create.this.name, inputs=_columns(inputs), outputs=_columns(outputs),
                     options=options, location=location)


def is_create_model(node: exp.Expression) -> bool:
    return isinstance(node, exp.Create) and str(node.args.get("kind", "")).upper() == "MODEL"


def check_model(decl: ModelDecl) -> None:
    """Errors a lowering would otherwise turn into a confusing Flink failure."""
    if not decl.is_onnx:
        return
    if not decl.options.get("path"):
        raise ValidationError(f"model '{decl.name}' has no 'path' option", location=decl.location,
                              rule="model-option", hint="add 'path' = 'models/<file>.onnx' to its WITH clause")
    if decl.runtime not in RUNTIMES:
        raise ValidationError(f"model '{decl.name}' has 'runtime' = '{decl.options.get('runtime')}'",
                              location=decl.location, rule="model-option",
                              hint="'native' (in Flink's JVM, the default) or 'python' (sqlflow's Python UDF runtime)")
    known = _COMMON_OPTIONS | _RUNTIME_OPTIONS[decl.runtime]
    unknown = [k for k in decl.options if k not in known]
    if unknown:
        other = next((r for r in RUNTIMES if unknown[0] in _RUNTIME_OPTIONS[r]), None)
        hint = did_you_mean(unknown[0], known)
        raise ValidationError(f"unknown option '{unknown[0]}' for ONNX model '{decl.name}'"
                              + (f" (it is an option of the {other} runtime)" if other else ""),
                              location=decl.location, rule="model-option",
                              hint=f"did you mean '{hint}'?" if hint else
                              f"set 'runtime' = '{other}'" if other else
                              "known options: " + ", ".join(sorted(known)))
    if not decl.inputs or not decl.outputs:
        raise ValidationError(f"model '{decl.name}' needs INPUT (...) and OUTPUT (...) columns",
                              location=decl.location, rule="model-signature")


def python_module(decls: list[ModelDecl]) -> str:
    """The Python source declaring one ONNX UDF per model (shipped in the job's udfs/)."""
    lines = ['"""ONNX models declared with CREATE MODEL, as sqlflow UDFs (generated)."""', "",
             "from sqlflow.udf import onnx_udf", ""]
    for d in decls:
        opts = d.options
        kwargs = [f"model={opts['path']!r}", f"inputs={[t for _, t in d.inputs]!r}",
                  f"result={d.result_type!r}"]
        if len(d.outputs) == 1:
            kwargs.append(f"output={opts.get('output', d.outputs[0][0])!r}")
        else:
            kwargs.append(f"fields={ {n: n for n, _ in d.outputs}!r}")
        if opts.get("input"):
            kwargs.append(f"input={opts['input']!r}")
        if opts.get("batch-size"):
            kwargs.append(f"batch_size={int(opts['batch-size'])}")
        if opts.get("device"):
            kwargs.append(f"device={opts['device']!r}")
        if str(opts.get("fp16", "")).lower() == "true":
            kwargs.append("fp16=True")
        lines.append(f"{d.function_name} = onnx_udf({d.function_name!r}, {', '.join(kwargs)})")
    return "\n".join(lines) + "\n"


def create_function_sql(decl: ModelDecl, module: str) -> str:
    """The statement that replaces an ONNX ``CREATE MODEL``."""
    return f"CREATE TEMPORARY FUNCTION `{decl.function_name}` AS '{module}.{decl.function_name}' LANGUAGE PYTHON"


def uses_ml_predict(node: exp.Expression) -> bool:
    return any(isinstance(a, exp.Anonymous) and str(a.this).upper() == "ML_PREDICT"
               for a in node.find_all(exp.Anonymous))


def lower_ml_predict(node: exp.Expression, models: dict[str, ModelDecl],
                     table_columns: dict[str, list[str]], locate=None) -> exp.Expression:
    """Rewrite every ``ML_PREDICT`` over an ONNX model in ``node`` into a subquery calling its UDF."""

    def where(n: exp.Expression) -> Location | None:
        return locate(n) if locate else None

    def rewrite(n: exp.Expression) -> exp.Expression:
        parts = ml_predict_parts(n)
        if parts is None:
            return n
        table_arg, model_arg, desc = parts
        if table_arg is None or model_arg is None or desc is None:
            raise ValidationError("ML_PREDICT needs (TABLE t, MODEL m, DESCRIPTOR(columns))",
                                  location=where(n), rule="ml-predict")
        mname = model_arg.this.name
        decl = models.get(mname.lower())
        if decl is None:
            hint = did_you_mean(mname, [m.name for m in models.values()])
            raise ValidationError(f"unknown model '{mname}'", location=where(model_arg.this),
                                  rule="unknown-model",
                                  hint=f"did you mean '{hint}'?" if hint else
                                  "declare it with CREATE MODEL in this file")
        if not decl.is_onnx or decl.runtime != "python":
            return n
        features = [c.copy() for c in desc.expressions]
        if len(features) != len(decl.inputs):
            raise ValidationError(f"model '{decl.name}' takes {len(decl.inputs)} input column(s), "
                                  f"DESCRIPTOR gives {len(features)}", location=where(desc),
                                  rule="model-signature")
        source = table_arg.this.copy()
        call = exp.Anonymous(this=decl.function_name, expressions=features)
        alias = n.args.get("alias")
        if len(decl.outputs) == 1:
            inner = exp.select(exp.Star(), exp.alias_(call, decl.outputs[0][0], quoted=True)).from_(source)
        else:
            cols = table_columns.get(source.name.lower())
            if cols is None:
                raise ValidationError(
                    f"ML_PREDICT over '{source.name}' with the multi-output model '{decl.name}' needs "
                    f"the columns of '{source.name}': declare it with CREATE TABLE in this file",
                    location=where(table_arg.this), rule="ml-predict")
            row = exp.alias_(call, "__ml_row", quoted=True)
            first = exp.select(exp.Star(), row).from_(source).subquery("__ml_in")
            picks = [exp.column(c, quoted=True) for c in cols]
            picks += [exp.alias_(exp.Dot(this=exp.column("__ml_row", quoted=True),
                                         expression=exp.to_identifier(o, quoted=True)), o, quoted=True)
                      for o, _ in decl.outputs]
            inner = exp.select(*picks).from_(first)
        sub = exp.Subquery(this=inner)
        sub.set("alias", alias.copy() if alias else exp.TableAlias(this=exp.to_identifier("__ml_predict")))
        return sub

    return node.transform(rewrite)


def table_columns(node: exp.Expression) -> tuple[str, list[str]] | None:
    """(name, columns that ``SELECT *`` returns) of a ``CREATE TABLE``, else None."""
    if not (isinstance(node, exp.Create) and str(node.args.get("kind", "")).upper() == "TABLE"):
        return None
    schema = node.this
    if not isinstance(schema, exp.Schema):
        return None
    cols = []
    for c in schema.expressions:
        if not isinstance(c, exp.ColumnDef):
            continue
        virtual = any(getattr(k.args.get("kind"), "args", {}).get("virtual")
                      for k in c.args.get("constraints") or [])
        if not virtual:
            cols.append(c.name)
    return schema.this.name, cols


def module_name(source: str) -> str:
    """The importable name of a generated model module (it changes with its content)."""
    return f"{MODULE_PACKAGE}.m_{hashlib.sha1(source.encode()).hexdigest()[:12]}"


def write_modules(python_files: Path, modules: tuple[tuple[str, str], ...]) -> None:
    """Write generated modules (name, source) into a staged python-files folder."""
    for name, source in modules:
        path = python_files.joinpath(*name.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        init = path.parent / "__init__.py"
        if not init.exists():
            init.write_text("")
        path.write_text(source)


@dataclass(frozen=True)
class NativePredict:
    """A model call that runs natively: the view a step makes before its statement runs.

    The step scores the table ``source`` with the model and registers the result,
    ``source``'s columns followed by ``outputs``, as the temporary view ``view``, which
    the lowered statement reads where it called ``ML_PREDICT``.
    """

    view: str
    source: str  # the TABLE argument, as SQL
    features: tuple[str, ...]  # the DESCRIPTOR columns
    options: tuple[tuple[str, str], ...]  # the model's options the runtime takes (path relative to the root)
    outputs: tuple[tuple[str, str], ...]  # OUTPUT columns: (name, SQL type)
    model: str
    location: Location | None = None  # the ML_PREDICT call
    model_location: Location | None = None  # the model's CREATE MODEL (where the runtime's errors are shown)
    #: Every column name the statement may read (see :func:`read_columns`), None: it may read them all.
    #: The step scores only the source's columns named here and the features: what the planner cannot
    #: prune for it, since it sees no further than the splice.
    reads: tuple[str, ...] | None = None

    @property
    def path(self) -> str:
        return dict(self.options).get("path", "")

    def keep(self, columns: list[str]) -> list[str]:
        """The source's ``columns`` the step passes on: the features and what the statement may read
        (names compared case-insensitively, so a doubt keeps the column), in the source's order."""
        if self.reads is None:
            return list(columns)
        wanted = {c.lower() for c in (*self.reads, *self.features)}
        return [c for c in columns if c.lower() in wanted]


def read_columns(node: exp.Expression) -> tuple[str, ...] | None:
    """Every name a statement may read a column by, or None when it may read columns it does not name
    (``*`` or ``t.*`` outside an aggregate's argument, a NATURAL join).

    Each part of a column reference counts (``r.f1`` names ``r`` too: ``r`` may be a ROW column), as do
    the columns of DESCRIPTORs and of ``JOIN ... USING``. Over-counting only keeps a column needlessly.
    """
    for star in node.find_all(exp.Star):
        if not isinstance(star.parent, exp.AggFunc):
            return None
    for join in node.find_all(exp.Join):
        if str(join.args.get("method") or "").upper() == "NATURAL":
            return None
    names: dict[str, None] = {}
    for column in node.find_all(exp.Column):
        for ident in column.find_all(exp.Identifier):
            names[ident.name] = None
    for join in node.find_all(exp.Join):
        for ident in join.args.get("using") or []:
            names[ident.name] = None
    return tuple(sorted(names))


def lower_native(node: exp.Expression, models: dict[str, ModelDecl], views: list[NativePredict],
                 locate=None) -> exp.Expression:
    """Rewrite every ``ML_PREDICT`` over a native ONNX model in ``node`` into a view's name; the
    steps that make the views are appended to ``views``."""
    reads = read_columns(node)

    def rewrite(n: exp.Expression) -> exp.Expression:
        parts = ml_predict_parts(n)
        if parts is None:
            return n
        table_arg, model_arg, desc = parts
        decl = models.get(model_arg.this.name.lower()) if model_arg is not None else None
        if table_arg is None or desc is None or decl is None or not decl.is_onnx or decl.runtime != "native":
            return n  # reported by the rules, another runtime's, or Flink's own
        features = tuple(c.name for c in desc.expressions)
        if len(features) != len(decl.inputs):
            raise ValidationError(f"model '{decl.name}' takes {len(decl.inputs)} input column(s), "
                                  f"DESCRIPTOR gives {len(features)}", location=locate(desc) if locate else None,
                                  rule="model-signature")
        view = f"__ml_predict_{len(views) + 1}"
        options = tuple((k, str(decl.options[k])) for k in NATIVE_OPTIONS if decl.options.get(k) not in (None, ""))
        views.append(NativePredict(view, table_arg.this.sql(dialect="flink"), features, options, decl.outputs,
                                   decl.name, locate(n) if locate else None, decl.location, reads))
        table = exp.Table(this=exp.to_identifier(view, quoted=True))
        alias = n.args.get("alias")
        table.set("alias", alias.copy() if alias else exp.TableAlias(this=exp.to_identifier("__ml_predict")))
        return table

    return node.transform(rewrite)


@dataclass(frozen=True)
class LoweredJob:
    """What the pass changed in one job: new trees by statement, the steps and modules they need, errors."""

    nodes: dict[int, exp.Expression]  # id(StatementInfo) -> its lowered tree
    kinds: dict[int, str]  # id(StatementInfo) -> its kind after lowering, where it changed
    predicts: dict[int, tuple[NativePredict, ...]]  # id(StatementInfo) -> native model steps to run before it
    modules: tuple[tuple[str, str], ...]  # generated Python modules: (dotted name, source)
    errors: tuple[SqlflowError, ...]


def lower_job(infos: list[StatementInfo]) -> LoweredJob:
    """Lower the ONNX models of one job session (its shared definitions, then its own statements).

    A statement that cannot be lowered is left as it is, with the error kept (the compiler's
    rules report the same mistakes at their own place first).
    """
    models: dict[str, ModelDecl] = {}
    columns: dict[str, list[str]] = {}
    errors: list[SqlflowError] = []
    for info in infos:
        if info.kind == "model" and is_create_model(info.node):
            decl = model_decl(info.node, info.location)
            models[decl.name.lower()] = decl
        elif isinstance(info.definition, TableDef):
            found = table_columns(info.node)
            if found:
                columns[found[0].lower()] = found[1]
    onnx = [d for d in models.values() if d.is_onnx]
    for decl in onnx:
        try:
            check_model(decl)
        except ValidationError as exc:
            errors.append(exc)
    usable = [d for d in onnx if not any(e.location == d.location for e in errors)]
    python = [d for d in usable if d.runtime == "python"]
    nodes: dict[int, exp.Expression] = {}
    kinds: dict[int, str] = {}
    predicts: dict[int, tuple[NativePredict, ...]] = {}
    modules: tuple[tuple[str, str], ...] = ()
    if python:
        source = python_module(python)
        modules = ((module_name(source), source),)
    views: list[NativePredict] = []
    for info in infos:
        if info.kind == "model" and is_create_model(info.node):
            decl = models.get(info.node.this.name.lower())
            if decl is not None and decl in python:
                nodes[id(info)] = sqlglot.parse_one(create_function_sql(decl, modules[0][0]), read=Flink)
                kinds[id(info)] = "function"
        elif uses_ml_predict(info.node) and not _calls_broken_model(info, models, usable):
            try:
                before = len(views)
                node = lower_native(info.node.copy(), models, views, locate=info.locate)
                node = lower_ml_predict(node, models, columns, locate=info.locate)
                nodes[id(info)] = node
                if len(views) > before:
                    predicts[id(info)] = tuple(views[before:])
            except ValidationError as exc:
                errors.append(exc)
    return LoweredJob(nodes, kinds, predicts, modules, tuple(errors))


def _calls_broken_model(info: StatementInfo, models: dict[str, ModelDecl], usable: list[ModelDecl]) -> bool:
    """Whether the statement calls an ONNX model whose declaration has errors (reported already)."""
    for node in info.node.find_all(exp.Anonymous):
        if str(node.this).upper() != "ML_PREDICT":
            continue
        for arg in node.expressions:
            if type(arg).__name__ == "ModelArgument":
                decl = models.get(arg.this.name.lower())
                if decl is not None and decl.is_onnx and decl not in usable:
                    return True
    return False
