"""Model checks at the call site: the ONNX file loads, and the call fits its signature.

model-file: the ONNX file of a model (CREATE MODEL ... 'path', or the model of
an ONNX UDF) is missing or cannot be loaded. model-signature: the features
passed do not match the model's input (count; FLOAT vs DOUBLE for a CREATE
MODEL, whose input types Flink passes as declared), or the declared outputs
do not match its outputs (count for CREATE MODEL, output names for an ONNX
UDF).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.catalog import DroppedDef, ModelDef
from sqlflow.compiler.rules.base import Rule
from sqlflow.compiler.types import FlinkType, TypeSyntaxError, parse_type
from sqlflow.errors import Location, ModelError, ValidationError, did_you_mean
from sqlflow.udf import model_signature
from sqlflow.udf.spec import ModelSignature, UdfSpec

_ELEM = {"FLOAT": "float32", "DOUBLE": "float64"}
_SQL = {"float32": "FLOAT", "float64": "DOUBLE"}


def feature_count(sig: ModelSignature) -> int | None:
    """How many features a model takes: the last axis of one input, or one per input."""
    if len(sig.inputs) == 1:
        shape = sig.inputs[0].shape
        last = shape[-1] if len(shape) >= 2 else 1
        return last if isinstance(last, int) else None
    return len(sig.inputs)


def load_signature(project: Project, path: str, cache: dict) -> tuple[ModelSignature | None, str | None]:
    """The ONNX signature of a model file (relative to the project), or why it does not load; cached."""
    return _load(project, path, cache)


def _load(project: Project, path: str, cache: dict) -> tuple[ModelSignature | None, str | None]:
    if path not in cache:
        try:
            cache[path] = (model_signature(project.config.root / path), None)
        except ModelError as exc:
            cache[path] = (None, exc.message.replace(str(project.config.root / path), path))
    return cache[path]


def _udf_model_calls(project: Project) -> Iterable[tuple[UdfSpec, Location, tuple[FlinkType, ...]]]:
    for s in project.statements:
        for call in s.facts.calls:
            spec = call.udf.spec if call.udf is not None else None
            if spec is not None and spec.model:
                yield spec, call.location, call.arg_types


def _model_path(project: Project, spec: UdfSpec) -> str:
    p = Path(spec.model or "")
    if p.is_absolute():
        try:
            return str(p.relative_to(project.config.root))
        except ValueError:
            return str(p)
    return str(p)


def _file_hint(project: Project, path: str | None, declared: Location | None) -> str | None:
    """For a model file that does not exist: the closest ONNX file of the project, and where the path is set."""
    root = project.config.root
    if not path or (root / path).exists():
        return None
    files = sorted(str(f.relative_to(root)) for f in root.rglob("*.onnx")
                   if not any(part.startswith(".") for part in f.relative_to(root).parts))
    by_stem = {Path(f).stem: f for f in files}  # compare stems: a shared folder or suffix says nothing
    close = by_stem.get(did_you_mean(Path(path).stem, by_stem) or "")
    where = ""
    if declared and declared.file:
        shown = Path(declared.file)
        if shown.is_absolute() and shown.is_relative_to(root):
            shown = shown.relative_to(root)
        where = f" (the path is set at {shown}:{declared.line})"
    if close:
        return f"did you mean '{close}'?{where}"
    if files:
        return f"the project's ONNX files: {', '.join(files[:5])}{where}"
    return f"no .onnx file in the project: train or copy one under models/{where}"


_NUMERIC = {"TINYINT", "SMALLINT", "INT", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL"}


def declaration_location(project: Project, spec: UdfSpec) -> Location:
    """Where a UDF is declared in udfs/ (its file relative to the project, and line)."""
    file = Path(spec.file) if spec.file else project.config.udfs_path
    try:
        shown = str(file.resolve().relative_to(project.config.root.resolve())) if file.is_absolute() else str(file)
    except ValueError:
        shown = str(file)
    return Location(shown, spec.line, 1, 1, file.read_text(encoding="utf-8", errors="replace")
                    if file.is_file() else None)


def bad_inputs(spec: UdfSpec, sig: ModelSignature) -> list[tuple[int, str]]:
    """The declared inputs an ONNX model cannot take: (1-based position, type) of each non-numeric one."""
    if not sig.inputs or sig.inputs[0].elem_type not in _SQL:
        return []
    out = []
    for i, text in enumerate(spec.arg_types, start=1):
        try:
            t = parse_type(text)
        except TypeSyntaxError:
            continue
        elem = t.args[0] if t.root in ("ARRAY",) and t.args else t
        if not elem.is_any and elem.root not in _NUMERIC:
            out.append((i, text))
    return out


def declared_input_errors(project: Project, spec: UdfSpec, sig: ModelSignature, rule: Rule
                          ) -> Iterable[ValidationError]:
    """An onnx_udf declared with inputs its model cannot take (STRING for a float32 model), at the declaration."""
    bad = bad_inputs(spec, sig)
    if not bad:
        return
    elem = sig.inputs[0].elem_type
    listed = ", ".join(f"{i} ({t})" for i, t in bad)
    yield rule.diag(f"{spec.name}() declares input{'s' if len(bad) > 1 else ''} {listed}, but model "
                    f"'{spec.model}' takes {elem} numbers", declaration_location(project, spec),
                    f"declare its inputs as {_SQL[elem]} (or any number type: the runtime casts them to {elem})")


class ModelFile(Rule):
    id = "model-file"
    description = "every model a query calls has an ONNX file that loads"

    def check(self, project: Project) -> Iterable[ValidationError]:
        cache: dict = {}
        called: set[int] = set()
        for s in project.statements:
            for p in s.facts.predicts:
                called.add(id(p.model))
                if p.model.load_error:
                    yield self.diag(f"model '{p.model.name}' cannot be used: {p.model.load_error}", p.location,
                                    _file_hint(project, p.model.path, p.model.location))
        for spec, loc, _ in _udf_model_calls(project):
            _, err = _load(project, _model_path(project, spec), cache)
            if err:
                where = Location(spec.file, spec.line, 1) if spec.file else None
                yield self.diag(f"{spec.name}() runs a model that cannot be used: {err}", loc,
                                _file_hint(project, _model_path(project, spec), where))
        for m in project.catalog.models.values():
            for d in m:
                if id(d) not in called and not isinstance(d, DroppedDef) and d.load_error:
                    yield self.diag(f"model '{d.name}' cannot be used: {d.load_error}", d.location,
                                    _file_hint(project, d.path, None))


_VERSION_COLUMNS = ("model_version", "version")
_STRINGS = ("STRING", "VARCHAR", "CHAR")


class ModelSignatureRule(Rule):
    id = "model-signature"
    description = "model calls pass the features the ONNX model takes and read the outputs it gives"

    def check(self, project: Project) -> Iterable[ValidationError]:
        cache: dict = {}
        for s in project.statements:
            for p in s.facts.predicts:
                yield from self._predict(p.model, p.features, p.location)
        for spec, loc, _ in _udf_model_calls(project):
            sig, _ = _load(project, _model_path(project, spec), cache)
            if sig is not None:
                yield from self._udf(spec, sig, loc)
                yield from declared_input_errors(project, spec, sig, self)

    def _predict(self, m: ModelDef, features, loc: Location) -> Iterable[ValidationError]:
        if m.inputs and len(features) != len(m.inputs):
            yield self.diag(f"model '{m.name}' takes {len(m.inputs)} input column(s), DESCRIPTOR gives {len(features)}", loc,
                            "INPUT (" + ", ".join(f"{c.name} {c.type}" for c in m.inputs) + ")")
        sig = m.signature
        if sig is None:
            return
        n = feature_count(sig)
        if n is not None and len(m.inputs or features) != n:
            yield self.diag(f"model '{m.name}' declares {len(m.inputs or features)} inputs, but its ONNX "
                            f"file takes {n} features", loc)
        elem = sig.inputs[0].elem_type if sig.inputs else None
        wrong = [c.name for c in m.inputs if elem in _SQL and c.type.root in _ELEM and _ELEM[c.type.root] != elem]
        if wrong:
            yield self.diag(f"model '{m.name}' declares {', '.join(wrong)} as "
                            f"{'DOUBLE' if elem == 'float32' else 'FLOAT'}, but its ONNX file takes "
                            f"{elem} ({_SQL[elem]})", loc, f"declare the inputs as {_SQL[elem]}")
        for (name, t, floc), col in zip(features, m.inputs):
            if t.root in _ELEM and col.type.root in _ELEM and t.root != col.type.root:
                yield self.diag(f"feature '{name}' is {t}, but model '{m.name}' input '{col.name}' is "
                                f"{col.type}", floc, f"cast it: CAST({name} AS {col.type})")
        # a STRING column named model_version or version gets the model's version, not a tensor
        tensors = [c for c in m.outputs if not (c.name.lower() in _VERSION_COLUMNS and c.type.root in _STRINGS)]
        if tensors and len(tensors) != len(sig.outputs) and not (
                len(sig.outputs) == 1 and sig.outputs[0].shape and sig.outputs[0].shape[-1] == len(tensors)):
            yield self.diag(f"model '{m.name}' declares {len(tensors)} outputs, but its ONNX file gives "
                            f"{len(sig.outputs)} ({', '.join(o.name for o in sig.outputs)})", loc)

    def _udf(self, spec: UdfSpec, sig: ModelSignature, loc: Location) -> Iterable[ValidationError]:
        try:
            args = [parse_type(a) for a in spec.arg_types]
        except TypeSyntaxError:
            return
        n = feature_count(sig)
        scalar = [a for a in args if a.root not in ("ARRAY",)]
        if n is not None and args and len(scalar) == len(args) and len(args) != n:
            yield self.diag(f"{spec.name}() passes {len(args)} features, but model "
                            f"'{spec.model}' takes {n}", loc)
        # no FLOAT/DOUBLE check here: the UDF runtime casts its arguments to the model's type
        outputs = {o.name for o in sig.outputs}
        sources = list((spec.options.get("fields") or {}).values())
        if spec.options.get("output"):
            sources.append(spec.options["output"])
        for src in sources:
            name = str(src).split("[")[0]
            if name and name not in outputs and not name.startswith("$"):  # "$version": the model version
                yield self.diag(f"{spec.name}() reads model output '{name}', which model '{spec.model}' "
                                f"does not have", loc, f"outputs: {', '.join(sorted(outputs))}")
