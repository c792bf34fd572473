"""reserved-word: a reserved word of Flink SQL used as a name without backquotes.

Flink's parser (Calcite) refuses ``timestamp``, ``value``, ``count``, ``year``
and the like as table, column or alias names unless they are quoted:
```value```. The list here holds only words that Calcite reserves for
certain; a word it merely knows (``name``, ``key``, ``data``) is fine.
"""

from __future__ import annotations

from typing import Iterable

from sqlglot import exp

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError

RESERVED = frozenset("""
ALL ALTER AND ANY ARRAY AS AVG BETWEEN BIGINT BINARY BOOLEAN BOTH BY CARDINALITY CASE CAST CEIL CHAR
CHARACTER CHECK COALESCE COLUMN CONSTRAINT CONVERT COUNT CREATE CROSS CUBE CURRENT CURRENT_DATE
CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DATE DAY DEC DECIMAL DEFAULT DELETE DENSE_RANK DISTINCT
DOUBLE DROP ELEMENT ELSE END ESCAPE EVERY EXCEPT EXISTS EXP EXTERNAL EXTRACT FALSE FETCH FILTER FLOAT
FLOOR FOR FOREIGN FROM FULL FUNCTION GROUP GROUPING HAVING HOUR IN INNER INSERT INT INTEGER INTERSECT
INTERVAL INTO IS JOIN LANGUAGE LATERAL LEFT LIKE LIMIT LN LOCAL LOCALTIME LOCALTIMESTAMP LOWER MATCH MAX
MIN MINUTE MOD MONTH MULTISET NATURAL NOT NULL NULLIF NUMERIC OF OFFSET ON ONLY OR ORDER OUTER OVER
OVERLAY PARTITION PERCENT_RANK POSITION POWER PRIMARY RANGE RANK REAL REFERENCES RESULT RETURN RETURNS
RIGHT ROLLUP ROW ROW_NUMBER ROWS SECOND SELECT SESSION_USER SET SIMILAR SMALLINT SOME SQRT SUBSTRING SUM
SYSTEM SYSTEM_USER TABLE THEN TIME TIMESTAMP TINYINT TO TRANSLATE TRIM TRUE UNION UNIQUE UNKNOWN UNNEST
UPDATE UPPER USER USING VALUE VALUES VARCHAR WHEN WHERE WINDOW WITH WITHIN YEAR
""".split())

#: Reserved words that Flink reads as a call without parentheses where a column could stand.
_NILADIC = frozenset({"USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER", "CURRENT_DATE", "CURRENT_TIME",
                      "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP"})


class ReservedWord(Rule):
    id = "reserved-word"
    description = "reserved words of Flink SQL used as names are quoted with backquotes"

    def check(self, project: Project) -> Iterable[ValidationError]:
        seen: set[int] = set()
        for s in project.statements:
            tree = s.statement.expression
            if id(tree) in seen:
                continue
            seen.add(id(tree))
            for ident in tree.find_all(exp.Identifier):
                word = ident.name.upper()
                if ident.args.get("quoted") or word not in RESERVED:
                    continue
                if isinstance(ident.parent, exp.Column) and (word in _NILADIC or _unit_argument(ident.parent)):
                    continue
                if ident.find_ancestor(exp.Partition) is not None or _insert_column_list(ident):
                    continue  # Flink's documentation writes `PARTITION (date = ...) (user)` so
                yield self.diag(f"'{ident.name}' is a reserved word in Flink SQL", s.locate(ident),
                                f"quote it with backquotes: `{ident.name}`, or pick another name")


_UNITS = frozenset({"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"})


def _unit_argument(col: exp.Column) -> bool:
    """A time unit as a call's argument: ``TIMESTAMPDIFF(DAY, a, b)``."""
    return col.name.upper() in _UNITS and not col.table and isinstance(col.parent, exp.Func)


def _insert_column_list(ident: exp.Identifier) -> bool:
    schema = ident.parent
    return isinstance(schema, exp.Schema) and isinstance(schema.parent, exp.Insert)
