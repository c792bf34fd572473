"""udf-argument-type: an argument Flink cannot cast implicitly to the UDF's declared type."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.compiler.rules.models import bad_inputs, load_signature
from sqlflow.compiler.types import TypeSyntaxError, implicit_cast, parse_type
from sqlflow.errors import ValidationError
from sqlflow.udf.spec import UdfSpec


def _badly_declared(project: Project, spec: UdfSpec, cache: dict) -> bool:
    """An ONNX UDF declared with inputs its model cannot take (then the call's types follow a wrong declaration)."""
    if not spec.model:
        return False
    sig, _ = load_signature(project, spec.model, cache)
    return sig is not None and bool(bad_inputs(spec, sig))


class UdfArgumentType(Rule):
    id = "udf-argument-type"
    description = "UDF arguments have types that cast implicitly to the declared ones"

    def check(self, project: Project) -> Iterable[ValidationError]:
        cache: dict = {}
        for s in project.statements:
            for call in s.facts.calls:
                spec = call.udf.spec if call.udf is not None else None
                if spec is None or len(spec.arg_types) != len(call.arg_types) or _badly_declared(project, spec, cache):
                    continue  # a model UDF declared with inputs its model cannot take: model-signature says so
                for i, (got, declared, loc) in enumerate(zip(call.arg_types, spec.arg_types, call.arg_locations)):
                    try:
                        want = parse_type(declared)
                    except TypeSyntaxError:
                        continue
                    if not implicit_cast(got, want):
                        yield self.diag(
                            f"argument {i + 1} of {call.name}() is {got}, but the UDF takes {want}", loc,
                            f"cast it: CAST(... AS {want})")
