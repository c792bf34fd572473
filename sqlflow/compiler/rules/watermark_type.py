"""watermark-type: ``WATERMARK FOR c`` needs ``c`` to be TIMESTAMP(p) or TIMESTAMP_LTZ(p), p at most 3.

Flink refuses the CREATE TABLE otherwise, and every statement that reads the
table then fails as well; here the WATERMARK is the one error, and the column
still counts as the table's time attribute so that no window or join on it is
blamed for a missing watermark.
"""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.catalog import TableDef
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError

_TIME = ("TIMESTAMP", "TIMESTAMP_LTZ")


class WatermarkType(Rule):
    id = "watermark-type"
    description = "a WATERMARK is declared on a TIMESTAMP(p) or TIMESTAMP_LTZ(p) column (p <= 3)"

    def check(self, project: Project) -> Iterable[ValidationError]:
        seen: set[int] = set()
        for s in project.statements:
            t = s.definition
            if not isinstance(t, TableDef) or t.watermark is None or id(t.watermark) in seen:
                continue
            seen.add(id(t.watermark))
            col = t.column(t.watermark.column)
            if col is None or col.type.is_any:
                continue  # unknown-column says so / a type sqlflow cannot tell
            precision = col.type.params[0] if col.type.params else 3
            if col.type.root in _TIME and precision <= 3:
                continue
            if col.type.family == "string":
                how = (f"parse it in a computed column, {col.name}_ts AS TO_TIMESTAMP({col.name}), and put the "
                       f"WATERMARK on that")
            elif col.type.family == "numeric":
                how = (f"convert it in a computed column, {col.name}_ts AS TO_TIMESTAMP_LTZ({col.name}, 3) for epoch "
                       f"milliseconds, and put the WATERMARK on that")
            else:
                how = f"declare '{col.name}' as {col.type.root if col.type.root in _TIME else 'TIMESTAMP'}(3)"
            yield self.diag(f"WATERMARK FOR '{col.name}', which is {col.type}: Flink takes a watermark only on "
                            f"TIMESTAMP(p) or TIMESTAMP_LTZ(p) with p up to 3", t.watermark.location, how)
