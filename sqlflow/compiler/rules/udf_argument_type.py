"""udf-argument-type: an argument Flink cannot cast implicitly to the UDF's declared type."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.compiler.types import TypeSyntaxError, implicit_cast, parse_type
from sqlflow.errors import ValidationError


class UdfArgumentType(Rule):
    id = "udf-argument-type"
    description = "UDF arguments have types that cast implicitly to the declared ones"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for call in s.facts.calls:
                spec = call.udf.spec if call.udf is not None else None
                if spec is None or len(spec.arg_types) != len(call.arg_types):
                    continue
                for i, (got, declared, loc) in enumerate(zip(call.arg_types, spec.arg_types, call.arg_locations)):
                    try:
                        want = parse_type(declared)
                    except TypeSyntaxError:
                        continue
                    if not implicit_cast(got, want):
                        yield self.diag(
                            f"argument {i + 1} of {call.name}() is {got}, but the UDF takes {want}", loc,
                            f"cast it: CAST(... AS {want})")
