"""set-operation: the branches of UNION, INTERSECT and EXCEPT must have as many columns, of combinable types.

Flink (Calcite) combines numbers with numbers and text with text; a BIGINT
next to a STRING, a DATE next to a TIMESTAMP or a BOOLEAN next to a number
is "Type mismatch in column N of UNION ALL", and branches of different
widths are "Column count mismatch". A bare NULL has no type to combine.
"""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.compiler.types import FlinkType
from sqlflow.errors import ValidationError


def _combinable(a: FlinkType, b: FlinkType) -> bool:
    if a.is_any or b.is_any:
        return True
    if a.family == "timestamp" and b.family == "timestamp":
        return a.root == b.root
    return a.family == b.family and a.family not in ("null",)


class SetOperation(Rule):
    id = "set-operation"
    description = "UNION, INTERSECT and EXCEPT branches have as many columns, of types Flink combines"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for op in s.facts.set_ops:
                if len(op.left) != len(op.right):
                    yield self.diag(f"the branches of {op.kind} have {len(op.left)} and {len(op.right)} columns",
                                    op.location, "give both branches the same columns, in the same order")
                    continue
                for i, (a, b) in enumerate(zip(op.left, op.right)):
                    if a.root == "NULL" or b.root == "NULL":
                        loc = op.left_locations[i] if a.root == "NULL" else op.right_locations[i]
                        yield self.diag(f"column {i + 1} of {op.kind} is a bare NULL, which has no type",
                                        loc, f"write CAST(NULL AS {b if a.root == 'NULL' else a})")
                    elif not _combinable(a, b):
                        yield self.diag(
                            f"column {i + 1} of {op.kind} is {a} in the first branch and {b} in the second",
                            op.right_locations[i], f"cast one to the other: CAST(... AS {a})")
