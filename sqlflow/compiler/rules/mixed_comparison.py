"""A string compared with a number, or used in arithmetic.

mixed-equality (error): ``=`` or ``<>`` between a string and a number, in a
WHERE, a join condition or anywhere else: Flink refuses it ("implicit type
conversion between VARCHAR and INTEGER is not supported"). mixed-comparison
(lint): ``<``, ``>`` and the like, which Flink's planner accepts by converting
one side; a non-numeric string then never matches, silently. Either way:
write both sides with one type. string-arithmetic (error): ``+ - * / %`` with a
string operand, or ``||`` with a number: Flink refuses both ("Cannot apply '-' to
arguments of type '<BIGINT> - <VARCHAR>'"); cast the string (or the number).
"""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError


class MixedEquality(Rule):
    id = "mixed-equality"
    description = "= and <> compare a string with a string or a number with a number"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for u in s.facts.unresolved:
                if u.kind == "mixed-equality":
                    yield self.diag(f"comparing {u.name}: Flink does not convert between them implicitly",
                                    u.location, u.hint)


class MixedComparison(Rule):
    id = "mixed-comparison"
    severity = "warning"
    description = "comparisons have a string on both sides or a number on both sides"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for u in s.facts.unresolved:
                if u.kind == "mixed-comparison":
                    yield self.diag(f"comparing {u.name}", u.location, u.hint)


class StringArithmetic(Rule):
    id = "string-arithmetic"
    description = "arithmetic on numbers and || on strings, never a string and a number mixed"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for u in s.facts.unresolved:
                if u.kind == "string-arithmetic":
                    yield self.diag(f"{u.name}: Flink does not convert between them implicitly", u.location, u.hint)

