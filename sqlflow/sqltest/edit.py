"""Edits of a compiled statement's SQL, located with the Flink dialect's own tokenizer.

A test runs the job's statements as the compiler gives them; only a few spans
change: the ``WITH (...)`` of a swapped table, its ``METADATA`` clauses, and
the query of an INSERT that is collected. The dialect's tokenizer gives every
token's exact character offsets (comments, quoted strings and identifiers
already told apart), so these spans need no scanner of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from sqlglot.tokens import Token, TokenType

from sqlflow.dialect import Flink

#: Tokens that are quoted text, never keywords, whatever they spell.
_QUOTED = {TokenType.STRING, TokenType.IDENTIFIER, TokenType.NATIONAL_STRING}


def tokens(sql: str) -> list[Token]:
    """The tokens of ``sql`` (comments are not tokens; ``/*+ hints */`` are)."""
    return Flink.tokenizer_class(dialect=Flink).tokenize(sql)


def _is(tok: Token, *words: str) -> bool:
    return tok.token_type not in _QUOTED and tok.text.upper() in words


def _closing(toks: list[Token], open_index: int) -> int:
    """The index of the ``)`` closing the ``(`` at ``open_index``."""
    depth = 0
    for k in range(open_index, len(toks)):
        if toks[k].token_type == TokenType.L_PAREN:
            depth += 1
        elif toks[k].token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return k
    raise ValueError("unbalanced parentheses")


def _top_level(toks: list[Token]) -> list[int]:
    """Indexes of the tokens outside any parentheses."""
    out, depth = [], 0
    for k, t in enumerate(toks):
        if t.token_type == TokenType.R_PAREN:
            depth -= 1
        if depth == 0:
            out.append(k)
        if t.token_type == TokenType.L_PAREN:
            depth += 1
    return out


def with_clause(sql: str) -> tuple[int, int] | None:
    """The character span ``[start, end)`` of a CREATE TABLE's top-level ``WITH (...)``, or None."""
    toks = tokens(sql)
    for k in _top_level(toks):
        if _is(toks[k], "WITH") and k + 1 < len(toks) and toks[k + 1].token_type == TokenType.L_PAREN:
            return toks[k].start, toks[_closing(toks, k + 1)].end + 1
    return None


def quote(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def with_options(options: Mapping[str, str]) -> str:
    """``WITH ('k' = 'v', ...)``."""
    return "WITH (" + ", ".join(f"{quote(k)} = {quote(v)}" for k, v in options.items()) + ")"


def replace_with(sql: str, options: Mapping[str, str]) -> str:
    """``sql`` with its WITH clause replaced by ``options`` (appended when it has none)."""
    span = with_clause(sql)
    if span is None:
        return sql.rstrip() + " " + with_options(options)
    start, end = span
    return sql[:start] + with_options(options) + sql[end:]


def _column_list(toks: list[Token]) -> tuple[int, int] | None:
    """Token indexes of the ``(`` and ``)`` of a CREATE TABLE's column list, or None."""
    for k in _top_level(toks):
        if toks[k].token_type == TokenType.L_PAREN:
            return k, _closing(toks, k)
        if _is(toks[k], "WITH", "LIKE", "AS", "COMMENT", "PARTITIONED"):
            return None
    return None


@dataclass(frozen=True)
class MetadataClause:
    """``<type> METADATA [FROM 'key'] [VIRTUAL]`` of one column, as character spans of the SQL."""

    column: str
    type_span: tuple[int, int]
    clause_span: tuple[int, int]  # from METADATA to the end of VIRTUAL (or of the key)
    virtual: bool


def metadata_clauses(sql: str) -> list[MetadataClause]:
    """Every METADATA column of a CREATE TABLE's column list, in order."""
    toks = tokens(sql)
    span = _column_list(toks)
    if span is None:
        return []
    open_k, close_k = span
    items: list[list[int]] = [[]]
    depth = 0
    for k in range(open_k + 1, close_k):
        t = toks[k]
        if t.token_type == TokenType.L_PAREN:
            depth += 1
        elif t.token_type == TokenType.R_PAREN:
            depth -= 1
        if depth == 0 and t.token_type == TokenType.COMMA:
            items.append([])
        else:
            items[-1].append(k)
    out = []
    for item in items:
        at = next((i for i, k in enumerate(item) if i > 1 and _is(toks[k], "METADATA")), None)
        if at is None:
            continue
        last = at
        if last + 2 < len(item) and _is(toks[item[last + 1]], "FROM") \
                and toks[item[last + 2]].token_type == TokenType.STRING:
            last += 2
        virtual = last + 1 < len(item) and _is(toks[item[last + 1]], "VIRTUAL")
        if virtual:
            last += 1
        name = toks[item[0]]
        out.append(MetadataClause(name.text, (toks[item[1]].start, toks[item[at - 1]].end + 1),
                                  (toks[item[at]].start, toks[item[last]].end + 1), virtual))
    return out


def insert_query(sql: str, column_list: bool) -> tuple[int, int]:
    """The character span of the query of ``INSERT INTO|OVERWRITE [TABLE] t [hints] [PARTITION (...)]
    [(cols)] <query>``; ``column_list`` says whether the INSERT names its columns (the parse tree knows)."""
    toks = tokens(sql)
    k = 0
    while k < len(toks) and not _is(toks[k], "INTO", "OVERWRITE"):
        k += 1
    k += 1
    if k < len(toks) and _is(toks[k], "TABLE"):
        k += 1
    k += 1  # the table name, its parts joined by dots
    while k + 1 < len(toks) and toks[k].token_type == TokenType.DOT:
        k += 2
    while k < len(toks) and toks[k].token_type == TokenType.HINT:
        k += 1
    if k + 1 < len(toks) and _is(toks[k], "PARTITION") and toks[k + 1].token_type == TokenType.L_PAREN:
        k = _closing(toks, k + 1) + 1
    if column_list and k < len(toks) and toks[k].token_type == TokenType.L_PAREN:
        k = _closing(toks, k) + 1
    if k >= len(toks):
        raise ValueError("INSERT without a query")
    return toks[k].start, toks[-1].end + 1 if toks[-1].token_type != TokenType.SEMICOLON else toks[-2].end + 1


def after_first_word(sql: str) -> int:
    """The offset of the second token (``EXECUTE INSERT ...`` -> where ``INSERT`` starts)."""
    toks = tokens(sql)
    return toks[1].start if len(toks) > 1 else 0
