"""A light scanner over a statement's raw text: words, strings, punctuation, with offsets.

The test runner edits job SQL in place (only WITH clauses and METADATA
clauses), so it needs exact character spans, which the parse tree does not
keep; this scanner skips comments and quoted text the way Flink's lexer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator


@dataclass(frozen=True)
class Tok:
    """One token: ``kind`` is word, string ('...'), ident (`...`) or punct."""

    kind: str
    start: int
    end: int
    text: str
    depth: int  # parenthesis depth before this token

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str) -> Iterator[Tok]:
    """The tokens of ``text``, comments skipped, each with its parenthesis depth."""
    i, n, depth = 0, len(text), 0
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "'`\"":
            j = i + 1
            while j < n:
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            yield Tok("string" if c == "'" else "ident", i, min(j + 1, n), text[i:j + 1], depth)
            i = j + 1
        elif c.isalnum() or c in "_$":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "_$"):
                j += 1
            yield Tok("word", i, j, text[i:j], depth)
            i = j
        else:
            if c == ")":
                depth -= 1
            yield Tok("punct", i, i + 1, c, depth)
            if c == "(":
                depth += 1
            i += 1


def matching_paren(toks: list[Tok], open_index: int) -> int:
    """The index of the ``)`` closing the ``(`` at ``open_index``."""
    depth = toks[open_index].depth
    for k in range(open_index + 1, len(toks)):
        if toks[k].text == ")" and toks[k].kind == "punct" and toks[k].depth == depth:
            return k
    raise ValueError("unbalanced parentheses")


def with_clause(text: str) -> tuple[int, int] | None:
    """The span of the top-level ``WITH (...)`` of a CREATE TABLE, or None."""
    toks = list(tokens(text))
    for k, t in enumerate(toks):
        if t.depth == 0 and t.is_word("WITH") and k + 1 < len(toks) and toks[k + 1].text == "(":
            close = matching_paren(toks, k + 1)
            return t.start, toks[close].end
    return None


def column_list(toks: list[Tok]) -> tuple[int, int] | None:
    """Token indexes of the ``(`` and ``)`` of a CREATE TABLE's column list, or None."""
    for k, t in enumerate(toks):
        if t.depth == 0 and t.text == "(" and t.kind == "punct":
            return k, matching_paren(toks, k)
        if t.depth == 0 and t.is_word("WITH", "LIKE", "AS", "COMMENT", "PARTITIONED"):
            return None
    return None


@dataclass(frozen=True)
class MetadataClause:
    """``<type> METADATA [FROM 'key'] [VIRTUAL]`` of one column, as spans in the text."""

    column: str
    type_span: tuple[int, int]
    clause_span: tuple[int, int]  # from METADATA to the end of VIRTUAL / the key
    virtual: bool


def metadata_clauses(text: str) -> list[MetadataClause]:
    """Every METADATA column of a CREATE TABLE's column list."""
    toks = list(tokens(text))
    span = column_list(toks)
    if span is None:
        return []
    open_k, close_k = span
    depth = toks[open_k].depth + 1
    out: list[MetadataClause] = []
    col_start = open_k + 1
    for k in range(open_k + 1, close_k + 1):
        t = toks[k]
        if t.depth == depth and t.kind == "punct" and t.text == ",":
            col_start = k + 1
        elif t.depth == depth and t.is_word("METADATA") and k > col_start + 1:
            end = k
            if end + 2 <= close_k and toks[end + 1].is_word("FROM") and toks[end + 2].kind == "string":
                end += 2
            virtual = end + 1 < close_k and toks[end + 1].is_word("VIRTUAL")
            if virtual:
                end += 1
            name_tok = toks[col_start]
            out.append(MetadataClause(name_tok.text.strip("`"), (toks[col_start + 1].start, toks[k - 1].end),
                                      (t.start, toks[end].end), virtual))
    return out


def insert_query(text: str) -> tuple[int, int]:
    """The span of the query of an ``INSERT INTO t [PARTITION (...)] [(cols)] <query>``.

    Table hints (``/*+ OPTIONS(...) */``) are comments to this scanner, so they are skipped.
    """
    toks = list(tokens(text))
    k = 0
    while k < len(toks) and not toks[k].is_word("INTO", "OVERWRITE"):
        k += 1
    k += 1
    if k < len(toks) and toks[k].is_word("TABLE"):
        k += 1
    # the table name: parts joined by dots
    k += 1
    while k + 1 < len(toks) and toks[k].text == ".":
        k += 2
    if k < len(toks) and toks[k].is_word("PARTITION") and k + 1 < len(toks) and toks[k + 1].text == "(":
        k = matching_paren(toks, k + 1) + 1
    if k < len(toks) and toks[k].text == "(":
        close = matching_paren(toks, k)
        inner = toks[k + 1:close]
        if inner and all(t.kind in ("word", "ident") or t.text == "," for t in inner) \
                and not inner[0].is_word("SELECT", "WITH", "VALUES"):
            k = close + 1
    if k >= len(toks):
        raise ValueError("INSERT without a query")
    return toks[k].start, len(text.rstrip().rstrip(";").rstrip())
