"""Flink query clauses that sqlglot's parser lacks: MATCH_RECOGNIZE with WITHIN.

A parser mixin for :class:`sqlflow.dialect.parser.FlinkParser`.
"""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.tokens import TokenType

from sqlflow.dialect import expressions as fx

_AFTER_MATCH = (("PAST", "LAST", "ROW"), ("TO", "NEXT", "ROW"))


class QueryMixin:
    """MATCH_RECOGNIZE (Flink's subset, plus ``WITHIN``)."""

    if t.TYPE_CHECKING:
        def __getattr__(self, name: str) -> t.Any: ...

    def _parse_group(self, skip_group_by_token: bool = False) -> exp.Group | None:
        start = self._curr
        group = super()._parse_group(skip_group_by_token)  # type: ignore[misc]
        if group is not None and any(group.args.get(k) for k in ("grouping_sets", "rollup", "cube", "totals")):
            self.raise_error("Flink writes GROUPING SETS, ROLLUP and CUBE as GROUP BY items, after a comma", start)
        return group

    def _parse_match_recognize(self) -> exp.MatchRecognize | None:
        if not self._match(TokenType.MATCH_RECOGNIZE):
            return None
        self._expect(TokenType.L_PAREN, "( after MATCH_RECOGNIZE")
        partition = self._parse_partition_by()
        order = self._parse_order()
        measures = self._parse_csv(self._parse_match_recognize_measure) if self._match_text_seq("MEASURES") else None
        rows = None
        if self._match_text_seq("ONE", "ROW", "PER", "MATCH"):
            rows = exp.var("ONE ROW PER MATCH")
        elif self._match_text_seq("ALL", "ROWS", "PER", "MATCH"):
            rows = exp.var("ALL ROWS PER MATCH")
        after = None
        if self._match_text_seq("AFTER", "MATCH", "SKIP"):
            text = None
            for words in _AFTER_MATCH:
                if self._match_text_seq(*words):
                    text = " ".join(words)
                    break
            if text is None and self._match_text_seq("TO") and self._match_texts(("FIRST", "LAST")):
                direction = self._prev.text.upper()
                var = self._parse_id_var()
                text = f"TO {direction} {var.name if var else ''}"
            if text is None:
                self.raise_error("Expected PAST LAST ROW, TO NEXT ROW, TO FIRST v or TO LAST v")
            after = exp.var(f"AFTER MATCH SKIP {text}")
        pattern = self._parse_pattern() if self._match_text_seq("PATTERN") else None
        within = None
        if self._match_text_seq("WITHIN"):
            within = self._parse_interval()
            if within is None:
                self.raise_error("Expected an interval after WITHIN")
        subset = self._parse_csv(self._parse_subset) if self._match_text_seq("SUBSET") else None
        define = self._parse_csv(self._parse_name_as_expression) if self._match_text_seq("DEFINE") else None
        self._expect(TokenType.R_PAREN, ") to close MATCH_RECOGNIZE")
        return self.expression(fx.MatchRecognize(
            partition_by=partition, order=order, measures=measures, rows=rows, after=after,
            pattern=pattern, within=within, subset=subset, define=define, alias=self._parse_table_alias(),
        ))

    def _parse_subset(self) -> exp.Expr:
        """``U = (A, B)`` of SUBSET: a union of pattern variables."""
        name = self._parse_id_var()
        self._expect(TokenType.EQ, "=")
        self._expect(TokenType.L_PAREN, "(")
        members = self._parse_csv(self._parse_id_var)
        self._expect(TokenType.R_PAREN, ")")
        return self.expression(exp.EQ(this=name, expression=exp.Tuple(expressions=members)))

    def _parse_pattern(self) -> exp.Var:
        """The row pattern kept as its text (``A B+ C{2,}?``)."""
        self._expect(TokenType.L_PAREN, "( after PATTERN")
        if not self._curr:
            self.raise_error("Expected a pattern")
        depth, start, end = 1, self._curr, self._curr
        while self._curr:
            if self._curr.token_type == TokenType.L_PAREN:
                depth += 1
            elif self._curr.token_type == TokenType.R_PAREN:
                depth -= 1
                if depth == 0:
                    break
            end = self._curr
            self._advance()
        if depth:
            self.raise_error("Expected ) to close PATTERN")
        self._advance()
        return exp.var(self._find_sql(start, end))
