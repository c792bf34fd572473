"""Hints for syntax errors that need the statement's tokens and text: brackets, quotes, SET, WITH, INTERVAL.

Each rule takes the cleaned message, the statement's tokens, the index of the
token the parser stopped at, whether it stopped at the end, and the file
text; it returns ``(hint, token to put the caret under)`` or None.
"""

from __future__ import annotations

import re

from sqlglot.tokens import Token, TokenType

_UNIT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Za-z]+?)S?\s*$")
_UNITS = ("YEAR", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def hint_double_quotes(message: str, chunk: list[Token], pos: int, at_end: bool, text: str):
    """``"x"``: Flink strings take single quotes (double quotes are not SQL quotes here)."""
    for tok in chunk[max(0, pos - 1) : pos + 2]:
        if tok.token_type == TokenType.UNKNOWN and tok.text == '"':
            close = text.find('"', tok.end + 1)
            inner = text[tok.end + 1 : close] if close != -1 and "\n" not in text[tok.end + 1 : close] else "..."
            return f"strings take single quotes in Flink SQL: '{inner}' (names take backquotes: `{inner}`)", tok
    return None


def hint_unclosed_paren(message: str, chunk: list[Token], pos: int, at_end: bool, text: str):
    """``expected )``: name the '(' that is still open."""
    if not re.match(r"expect(ed|ing) \)( |$)", message):
        return None
    stack: list[Token] = []
    for tok in chunk[: pos if not at_end else len(chunk)]:
        if tok.token_type == TokenType.L_PAREN:
            stack.append(tok)
        elif tok.token_type == TokenType.R_PAREN and stack:
            stack.pop()
    if not stack:
        return None
    line, col = _line_col(text, stack[-1].start)
    before = "at the end" if at_end else f"before '{chunk[pos].text}'"
    return f"the '(' at line {line}, column {col} is not closed: add ')' {before}", chunk[pos]


def hint_extra_paren(message: str, chunk: list[Token], pos: int, at_end: bool, text: str):
    """A ')' that closes nothing."""
    if at_end or chunk[pos].token_type != TokenType.R_PAREN:
        return None
    depth = 0
    for tok in chunk[: pos + 1]:
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
    if depth < 0:
        return "this ')' has no '(' to close: remove it", chunk[pos]
    return None


def hint_set_quotes(message: str, chunk: list[Token], pos: int, at_end: bool, text: str):
    """``SET key = value``: Flink wants both quoted."""
    if "SET 'key' = 'value'" not in message or not chunk:
        return None
    eq = next((i for i, t in enumerate(chunk) if t.token_type == TokenType.EQ), None)
    if eq is None or eq + 1 >= len(chunk):
        return "write SET 'key' = 'value';", chunk[pos]
    key = text[chunk[1].start : chunk[eq - 1].end + 1].strip().strip("'")
    value = text[chunk[eq + 1].start : chunk[-1].end + 1].strip().strip("'")
    return f"quote both: SET '{key}' = '{value}';", chunk[pos]


def hint_with_key(message: str, chunk: list[Token], pos: int, at_end: bool, text: str):
    """``WITH (connector = 'kafka')`` or ``,,`` in a WITH clause."""
    if not message.startswith("expected a quoted option key") or at_end:
        return None
    tok = chunk[pos]
    if tok.token_type == TokenType.COMMA:
        return "remove the extra ','", tok
    end = pos
    while end + 1 < len(chunk) and chunk[end + 1].token_type not in (TokenType.EQ, TokenType.COMMA, TokenType.R_PAREN):
        end += 1
    key = text[tok.start : chunk[end].end + 1]
    if tok.token_type in (TokenType.VAR, TokenType.IDENTIFIER) or tok.text.isalpha():
        return f"option keys are strings: '{key.strip('`')}'", tok
    return None


def hint_interval(message: str, chunk: list[Token], pos: int, at_end: bool, text: str):
    """``INTERVAL '1 minute'``: Flink wants the unit outside the quotes."""
    if "interval unit" not in message:
        return None
    for tok in reversed(chunk[: pos + 1]):
        if tok.token_type == TokenType.STRING:
            m = _UNIT.match(tok.text)
            if m and m.group(2).upper() in _UNITS:
                return f"write INTERVAL '{m.group(1)}' {m.group(2).upper()}", tok
            break
    return None


def hint_case_end(message: str, chunk: list[Token], pos: int, at_end: bool, text: str):
    if message.startswith("expected END after CASE"):
        return "close the CASE with END: CASE WHEN ... THEN ... ELSE ... END", chunk[pos]
    return None


#: Tried before the token-only rules of :mod:`sqlflow.dialect.script`.
TEXT_HINT_RULES = (hint_double_quotes, hint_extra_paren, hint_set_quotes, hint_with_key, hint_interval,
                   hint_case_end)
#: Tried after them (a missing comma explains an "expected )" better than the open bracket).
LAST_HINT_RULES = (hint_unclosed_paren,)


# -- a SELECT item without its comma ---------------------------------------------------------

_ENDS_ITEM = {TokenType.VAR, TokenType.IDENTIFIER, TokenType.NUMBER, TokenType.STRING, TokenType.R_PAREN,
              TokenType.R_BRACKET}
_CLAUSES = {TokenType.FROM, TokenType.WHERE, TokenType.GROUP_BY, TokenType.HAVING, TokenType.ORDER_BY,
            TokenType.WINDOW, TokenType.QUALIFY, TokenType.LIMIT}


def as_written(token: Token) -> str:
    """A token as the SQL spells it (a string literal in its quotes)."""
    return "'" + token.text.replace("'", "''") + "'" if token.token_type == TokenType.STRING else token.text


def missing_select_comma(chunk: list[Token], pos: int) -> tuple[Token, Token] | None:
    """In a SELECT list, ``a f(x)``, ``a b(x)`` or ``a 'x'``: two items with no comma between them.

    The parser took the second item's name as an alias of the first and failed at
    its ``(``; the comma belongs after the first item. Returns (its last token, the
    first token of the next item).
    """
    if pos < 2 or pos >= len(chunk):
        return None
    if chunk[pos].token_type in (TokenType.STRING, TokenType.NUMBER):  # ``a 'x'``: the literal is the next item
        name, prev = chunk[pos], chunk[pos - 1]
        if prev.token_type == TokenType.STRING:  # two string literals in a row: a hint of their own
            return None
    elif chunk[pos].token_type == TokenType.L_PAREN:
        name, prev = chunk[pos - 1], chunk[pos - 2]
    elif pos + 1 < len(chunk) and chunk[pos + 1].token_type == TokenType.L_PAREN:
        name, prev = chunk[pos], chunk[pos - 1]
    else:
        return None
    if name.token_type not in (TokenType.STRING, TokenType.NUMBER) and not (
            name.text[:1].isalpha() or name.token_type == TokenType.IDENTIFIER):
        return None
    if prev.token_type not in _ENDS_ITEM or prev.end + 1 > name.start:
        return None
    depth = ends = 0
    for tok in reversed(chunk[: chunk.index(prev) + 1]):  # inside SELECT ... at the same depth, before FROM
        if depth == 0 and tok.token_type == TokenType.END:
            ends += 1
        elif depth == 0 and tok.token_type == TokenType.CASE:
            if ends == 0:
                return None  # inside a CASE: not a list of items
            ends -= 1
        elif tok.token_type == TokenType.R_PAREN:
            depth += 1
        elif tok.token_type == TokenType.L_PAREN:
            if depth == 0:
                return None
            depth -= 1
        elif depth == 0 and tok.token_type in _CLAUSES:
            return None
        elif depth == 0 and tok.token_type == TokenType.SELECT:
            return prev, name
    return None
