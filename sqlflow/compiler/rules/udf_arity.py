"""udf-arity: a call passes a UDF (or built-in) more or fewer arguments than it takes."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError


def _args(n: int) -> str:
    return f"{n} argument" + ("" if n == 1 else "s")


class UdfArity(Rule):
    id = "udf-arity"
    description = "calls pass as many arguments as the function takes"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for call in s.facts.calls:
                n = len(call.arg_types)
                if call.udf is not None and call.udf.spec is not None:
                    spec = call.udf.spec
                    want = len(spec.arg_types)
                    if n != want:
                        sig = f"{spec.name}({', '.join(spec.arg_types)})"
                        yield self.diag(f"{call.name}() takes {_args(want)}, got {n}", call.location,
                                        f"the UDF is declared as {sig}")
                elif call.builtin is not None and not call.builtin.accepts(n):
                    b = call.builtin
                    yield self.diag(f"{call.name}() takes {b.arity_text()} argument"
                                    f"{'' if b.arity_text() == '1' else 's'}, got {n}", call.location)
