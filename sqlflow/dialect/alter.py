"""Flink's ALTER and DROP statements: the parser mixin for every object kind.

Each kind takes the actions Flink 2.2's grammar gives it (``ALTER VIEW`` only
renames or replaces the query, ``ALTER DATABASE`` only sets options, ...);
anything else is a located error. The shapes are listed in the package docstring.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlflow.dialect import expressions as fx
from sqlflow.dialect.ddl import CREATE_KINDS

#: What each kind of ALTER may do after the name (checked in this order).
_ACTIONS: dict[str, str] = {
    "TABLE": "RENAME, SET, RESET, ADD, MODIFY or DROP",
    "VIEW": "RENAME TO or AS <query>",
    "MODEL": "RENAME TO, SET or RESET",
    "CATALOG": "SET, RESET or COMMENT",
    "DATABASE": "SET",
    "FUNCTION": "AS 'class'",
    "MATERIALIZED TABLE": "SUSPEND, RESUME, REFRESH, SET, RESET, AS <query>, ADD, MODIFY or DROP DISTRIBUTION",
}
#: Kinds whose ALTER takes IF EXISTS.
_ALTER_IF_EXISTS = {"TABLE", "MODEL", "FUNCTION"}


class AlterMixin:
    """ALTER and DROP for :class:`FlinkParser`."""

    if t.TYPE_CHECKING:  # the parser methods this mixin calls come from sqlglot's Parser
        def __getattr__(self, name: str) -> t.Any: ...

    # ---- DROP -------------------------------------------------------------

    def _parse_flink_drop(self) -> exp.Drop:
        start = self._prev
        temporary: t.Any = False
        system = False
        if self._match(TokenType.TEMPORARY):
            temporary = True
            if self._match_text_seq("SYSTEM"):
                temporary = exp.var("SYSTEM")
        elif self._match_text_seq("SYSTEM"):
            system = True
        kind = self._parse_object_kind("DROP")
        if kind is None:
            return exp.Drop()
        if (temporary is not True and temporary or system) and kind != "FUNCTION":
            self.raise_error("only functions are SYSTEM", start)
        if temporary and kind == "MATERIALIZED TABLE":
            self.raise_error("a materialized table is never TEMPORARY: write DROP MATERIALIZED TABLE", start)
        exists = bool(self._parse_exists())
        name = self._parse_name()
        cascade = restrict = False
        if kind == "DATABASE":
            cascade = bool(self._match_text_seq("CASCADE"))
            restrict = not cascade and bool(self._match_text_seq("RESTRICT"))
        return self.expression(exp.Drop(kind=f"SYSTEM {kind}" if system else kind, tables=[name], exists=exists,
                                        temporary=temporary, cascade=cascade, restrict=restrict))

    # ---- ALTER ------------------------------------------------------------

    def _parse_flink_alter(self) -> exp.Expr:
        if self._curr and self._curr.text.upper() in ("SYSTEM", "SESSION") and self._next \
                and self._next.text.upper() in ("SET", "RESET"):
            return self._parse_set_option()
        options = None
        if self._match(TokenType.TEMPORARY):
            options = [exp.var("TEMPORARY SYSTEM" if self._match_text_seq("SYSTEM") else "TEMPORARY")]
            if not (self._curr and self._curr.text.upper() == "FUNCTION"):
                self.raise_error("only functions are altered as TEMPORARY")
        kind = self._parse_object_kind("ALTER", CREATE_KINDS)
        if kind is None:
            return exp.Alter(kind="TABLE")
        exists = bool(self._parse_exists())
        if exists and kind not in _ALTER_IF_EXISTS:
            self.raise_error(f"ALTER {kind} takes no IF EXISTS", self._prev)
        name = self._parse_name()
        action = self._parse_alter_action(kind)
        return self.expression(exp.Alter(this=name, kind=kind, exists=exists, actions=[action] if action else [],
                                         options=options))

    def _parse_alter_action(self, kind: str) -> exp.Expr | None:
        if kind == "FUNCTION":
            return self._parse_alter_function()
        if kind == "MATERIALIZED TABLE":
            action = self._parse_alter_materialized()
            if action is not None:
                return action
        if kind in ("TABLE", "MODEL", "VIEW") and self._match_text_seq("RENAME", "TO"):
            return exp.AlterRename(this=self._parse_name())
        if kind != "VIEW" and self._match(TokenType.SET):
            return fx.AlterOptions(expressions=self._parse_with_options())
        if kind in ("TABLE", "MODEL", "CATALOG", "MATERIALIZED TABLE") and self._match_text_seq("RESET"):
            return fx.AlterOptions(expressions=self._parse_option_keys(), reset=True)
        if kind == "CATALOG" and self._match(TokenType.COMMENT):
            return exp.SchemaCommentProperty(this=self._parse_string())
        if kind in ("VIEW", "MATERIALIZED TABLE") and self._match(TokenType.ALIAS):
            return fx.AlterAs(this=self._parse_query())
        if kind == "TABLE":
            action = self._parse_alter_table()
            if action is not None:
                return action
        if kind == "MATERIALIZED TABLE" and self._curr and self._curr.text.upper() in ("ADD", "MODIFY", "DROP"):
            return self._parse_alter_distribution()
        self.raise_error(f"Expected {_ACTIONS[kind]} after ALTER {kind} <name>")
        return None

    def _parse_option_keys(self) -> list[exp.Expr]:
        """``('k1', 'k2')`` after RESET (may be empty)."""
        self._expect(TokenType.L_PAREN, "(")
        keys = [] if self._curr and self._curr.token_type == TokenType.R_PAREN else self._parse_csv(self._parse_string)
        self._expect(TokenType.R_PAREN, ")")
        return keys

    def _parse_alter_function(self) -> exp.Expr:
        self._expect(TokenType.ALIAS, "AS 'class'")
        impl = self._parse_string()
        if impl is None:
            self.raise_error("Expected the function's class as a string")
        lang = self._parse_language()
        return exp.Tuple(expressions=[impl, lang]) if lang is not None else impl

    def _parse_alter_table(self) -> exp.Expr | None:
        if self._match_text_seq("RENAME"):
            old = self._parse_column_name()
            if not self._match_text_seq("TO"):
                self.raise_error("Expected TO")
            return exp.RenameColumn(this=old, to=self._parse_id_var())
        if self._match_texts(("ADD", "MODIFY")):
            verb = self._prev.text.upper()
            if verb == "ADD" and (self._curr and self._curr.token_type == TokenType.PARTITION
                                  or self._curr and self._curr.text.upper() == "IF"):
                return self._parse_alter_partitions("ADD")
            if self._match(TokenType.L_PAREN):
                items = self._parse_csv(self._parse_alter_element)
                self._expect(TokenType.R_PAREN, ")")
                return fx.AlterSchema(this=verb, expressions=items, wrapped=True)
            return fx.AlterSchema(this=verb, expressions=[self._parse_alter_element()])
        if self._match(TokenType.DROP):
            if self._curr and (self._curr.token_type == TokenType.PARTITION or self._curr.text.upper() == "IF"):
                return self._parse_alter_partitions("DROP")
            if self._match(TokenType.PRIMARY_KEY):
                return fx.AlterDrop(kind="PRIMARY KEY")
            if self._match_text_seq("WATERMARK"):
                return fx.AlterDrop(kind="WATERMARK")
            if self._match_text_seq("DISTRIBUTION"):
                return fx.AlterDrop(kind="DISTRIBUTION")
            if self._match(TokenType.CONSTRAINT):
                return fx.AlterDrop(kind="CONSTRAINT", expressions=[self._parse_id_var()])
            if self._match(TokenType.L_PAREN):
                cols = self._parse_csv(self._parse_column_name)
                self._expect(TokenType.R_PAREN, ")")
                return fx.AlterDrop(expressions=cols, wrapped=True)
            return fx.AlterDrop(expressions=[self._parse_column_name()])
        return None

    def _parse_alter_element(self) -> exp.Expr | None:
        """One item of ALTER TABLE ADD / MODIFY: a column (``row.field`` too), watermark, key or distribution."""
        if self._match_text_seq("DISTRIBUTION"):
            return self.expression(fx.AlterDistribution(expression=self._parse_distribution()))
        return self._parse_table_element(nested=True)

    def _parse_alter_partitions(self, verb: str) -> fx.AlterPartitions:
        """``ADD [IF NOT EXISTS] PARTITION (...) [WITH (...)] ...`` / ``DROP [IF EXISTS] PARTITION (...), ...``."""
        exists = bool(self._parse_exists(not_=verb == "ADD"))
        specs: list[exp.Expr] = []
        while self._match(TokenType.PARTITION):
            start = self._prev
            self._expect(TokenType.L_PAREN, "(")
            values = self._parse_csv(self._parse_partition_spec)
            self._expect(TokenType.R_PAREN, ")")
            props = self._parse_with_options() if verb == "ADD" and self._match(TokenType.WITH) else None
            specs.append(self.expression(fx.PartitionSpec(expressions=values, properties=props), start))
            if verb == "DROP" and not self._match(TokenType.COMMA):
                break
        if not specs:
            self.raise_error(f"Expected PARTITION (...) after {verb}")
        return self.expression(fx.AlterPartitions(this=verb, exists=exists, expressions=specs))

    def _parse_alter_distribution(self) -> fx.AlterDistribution:
        verb = self._curr.text.upper() if self._curr else ""
        self._advance()
        if not self._match_text_seq("DISTRIBUTION"):
            self.raise_error(f"Expected DISTRIBUTION after {verb}: a materialized table's columns come from its"
                             " query (ALTER MATERIALIZED TABLE ... AS <query> changes them)")
        dist = None if verb == "DROP" else self._parse_distribution()
        return self.expression(fx.AlterDistribution(this=verb, expression=dist))

    def _parse_alter_materialized(self) -> exp.Expr | None:
        start = self._curr
        if self._match_text_seq("SUSPEND"):
            return self.expression(fx.AlterMaterialized(this="SUSPEND"), start)
        if self._match_text_seq("RESUME"):
            props = self._parse_with_options() if self._match(TokenType.WITH) else None
            return self.expression(fx.AlterMaterialized(this="RESUME", properties=props), start)
        if self._match_text_seq("REFRESH"):
            partition = None
            if self._match(TokenType.PARTITION):
                self._expect(TokenType.L_PAREN, "(")
                partition = self.expression(exp.Partition(expressions=self._parse_csv(self._parse_partition_spec)))
                self._expect(TokenType.R_PAREN, ")")
            return self.expression(fx.AlterMaterialized(this="REFRESH", partition=partition), start)
        if self._curr and self._curr.token_type == TokenType.SET and self._next:
            word = self._next.text.upper()
            if word == "FRESHNESS":
                self._advance(2)
                return self._parse_freshness()
            if word == "REFRESH_MODE":
                self._advance(2)
                return self._parse_refresh_mode()
        return None

    def _parse_set_option(self) -> fx.SetOption:
        """``ALTER SYSTEM | SESSION SET name = value`` / ``RESET name | ALL`` (Calcite's option statement)."""
        scope = self._curr.text.upper()
        self._advance()
        reset = self._prev if self._match_text_seq("RESET") else None
        if reset is None:
            self._advance()  # SET
        name = None if reset is not None and self._match(TokenType.ALL) else self._parse_column_name()
        value = None
        if reset is None:
            self._expect(TokenType.EQ, "=")
            value = self._parse_primary() or self._parse_id_var()
            if value is None:
                self.raise_error("Expected a value")
        return self.expression(fx.SetOption(this=scope, expression=name, value=value, reset=reset is not None))
