"""unknown-function: a call that is neither a Flink built-in nor a declared function.

A UDF of ``udfs/`` counts once a ``CREATE FUNCTION`` registers it (in the job
or a shared file): without one Flink says "No match found for function
signature". Also a ``CREATE FUNCTION ... LANGUAGE PYTHON`` whose target is no
UDF in ``udfs/``.
"""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.builtins import BUILTINS
from sqlflow.compiler.rules.base import Rule, suggest
from sqlflow.errors import ValidationError
from sqlglot import exp


class UnknownFunction(Rule):
    id = "unknown-function"
    description = "every function called is a Flink built-in or a declared UDF"

    def check(self, project: Project) -> Iterable[ValidationError]:
        udf_names = [n for defs in project.catalog.functions.values() for n in {d.name for d in defs}]
        for s in project.statements:
            for call in s.facts.calls:
                if call.undeclared is not None:
                    yield self._undeclared(call)
                    continue
                if call.udf is None and call.builtin is None and isinstance(call.node, exp.Anonymous) \
                        and not project.catalog.is_broken("function", call.name):
                    hint = suggest(call.name, udf_names + list(BUILTINS))
                    yield self.diag(f"unknown function '{call.name}'", call.location, hint)
            for u in s.facts.unresolved:
                if u.kind == "function":
                    yield self.diag(f"unknown table function '{u.name}'", u.location,
                                    suggest(u.name.upper(), u.candidates))
            d = s.definition
            if s.kind == "function" and d is not None and d.language == "PYTHON" and d.spec is None:
                if _in_broken_module(project, d.target or ""):
                    continue  # the module's own import error says what is wrong
                targets = [f"{x.module}.{x.attr}" for x in project.udfs]
                yield self.diag(f"function '{d.name}' refers to '{d.target}', which is not a UDF in "
                                f"{project.config.udfs_dir}/", d.location, suggest(d.target or "", targets))


    def _undeclared(self, call) -> ValidationError:
        d = call.undeclared
        spec = d.spec
        where = f"{d.location.file}:{d.location.line}" if d.location and d.location.line else "udfs/"
        target = f"{spec.module}.{spec.attr}" if spec is not None else d.target
        return self.diag(f"function '{call.name}' is not declared: {where} defines it, but no CREATE FUNCTION "
                         "registers it with Flink", call.location,
                         f"declare it before its first use: CREATE TEMPORARY FUNCTION {d.name} AS '{target}' "
                         "LANGUAGE PYTHON;")


def _in_broken_module(project: Project, target: str) -> bool:
    """Whether ``target`` (``udfs.money.to_eur``) lives in a UDF module that failed to import."""
    module = target.rpartition(".")[0]
    return bool(module) and any(f"cannot import {module}:" in e.message for e in project.load_errors
                                if e.rule == "udf-import")
