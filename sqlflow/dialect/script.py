"""Parse a whole SQL file into located statements, with compiler-style errors.

The file is tokenized once, so every token (and every node built from one)
carries its offset in the file; statements are split at ``;`` (statement
sets kept whole) and parsed one by one, so one bad statement does not hide
the errors of the others.
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import ParseError as SqlglotParseError
from sqlglot.errors import TokenError
from sqlglot.tokens import Token, TokenType

from sqlflow.dialect.ddl import DDL_KEYWORDS, TYPE_NAMES
from sqlflow.dialect.flink import Flink
from sqlflow.dialect.parser import INTERVAL_UNITS, STATEMENT_KEYWORDS, split_chunks
from sqlflow.errors import Diagnostics, Location, ParseError, did_you_mean

#: Files larger than this are refused up front (tokenizing is ~3 us a character).
MAX_CHARS = 1_000_000
#: Deeper nesting of parentheses than this is refused (the parser recurses per level).
MAX_DEPTH = 200

QUERY_KEYWORDS: tuple[str, ...] = (
    "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "JOIN",
    "LEFT", "RIGHT", "INNER", "OUTER", "FULL", "CROSS", "ON", "UNION", "WINDOW",
    "PARTITION", "OVER", "DISTINCT", "BETWEEN", "INTERVAL", "LATERAL", "UNNEST",
    "DESCRIPTOR", "TUMBLE", "HOP", "CUMULATE", "SESSION", "INSERT", "INTO",
    "OVERWRITE", "VALUES", "CAST", "CASE", "WHEN", "THEN", "ELSE", "END",
    "SYSTEM_TIME", "MATCH_RECOGNIZE", "STATEMENT", "EXECUTE", "BEGIN",
)
HINT_WORDS: tuple[str, ...] = tuple(dict.fromkeys((*STATEMENT_KEYWORDS, *DDL_KEYWORDS, *QUERY_KEYWORDS, *TYPE_NAMES)))
#: Words never "corrected": every keyword sqlglot knows, plus Flink clause words.
_KNOWN = frozenset(
    {*HINT_WORDS, *(k for k in Flink.tokenizer_class.KEYWORDS if k.isalpha() or "_" in k),
     "FIRST", "AFTER", "WITHIN", "MEASURES", "PATTERN", "DEFINE", "PER", "SKIP", "PAST", "LAST",
     "MODEL", "DESCRIPTOR", "METADATA", "VIRTUAL", "ENFORCED", "WATERMARK", "LANGUAGE", "JAR",
     "GROUPING", "SETS", "ROLLUP", "CUBE", "PRECEDING", "FOLLOWING", "UNBOUNDED", "ORDINALITY"}
)
#: Two-word phrases that are near misses of Flink syntax, and what was meant.
_PHRASES = {("GROUPING", "SET"): "GROUPING SETS", ("PARTITION", "ON"): "PARTITION BY",
            ("ORDER", "ON"): "ORDER BY", ("GROUP", "ON"): "GROUP BY", ("PRIMARY", "KEYS"): "PRIMARY KEY"}
_NAME_TOKENS = {TokenType.VAR, TokenType.IDENTIFIER}
_TOKEN_REPR = re.compile(r"<Token token_type: TokenType\.(\w+), text: (.*?), line: \d+, col: \d+, start: \d+, end: \d+, comments: \[.*?\]>")


def _token_text(match: re.Match) -> str:
    """A raw token repr in a sqlglot message, as a user would write it."""
    return "the end of the statement" if match.group(1) == "SENTINEL" else repr(match.group(2))


@dataclass(frozen=True)
class Statement:
    """One parsed statement of a file: its tree, its text and where it is."""

    expression: exp.Expr
    sql: str
    location: Location
    comments: tuple[str, ...] = ()  # comments after the statement's closing ``;`` (end of file only)
    comments_own_line: bool = False  # whether those comments started on a line of their own
    _index: "_LineIndex" = field(repr=False, compare=False, default=None)  # type: ignore[assignment]

    def locate(self, node: exp.Expr) -> Location:
        """The Location of ``node`` (a node of this statement): its first positioned token and span."""
        start = end = None
        for n in node.walk():
            meta = n._meta  # noqa: SLF001 - sqlglot keeps token positions there
            if meta and "start" in meta:
                s, e = meta["start"], meta.get("end", meta["start"])
                start = s if start is None else min(start, s)
                end = e if end is None else max(end, e)
        if start is None or self._index is None:
            return self.location
        return self._index.location(start, (end or start) - start + 1)


class _LineIndex:
    """Maps character offsets of a file to 1-based line and column."""

    def __init__(self, text: str, file: str):
        self.text = text
        self.file = file
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def location(self, offset: int, length: int = 1) -> Location:
        line = bisect.bisect_right(self.starts, offset)
        column = offset - self.starts[line - 1] + 1
        line_end = self.text.find("\n", offset)
        if line_end != -1:
            length = min(length, max(1, line_end - offset))
        return Location(self.file, line, column, max(1, length), self.text)


def parse_script(text: str, file: str = "<string>") -> list[Statement]:
    """Split ``text`` into statements and parse each; raise located errors for bad ones."""
    if text.startswith("\ufeff"):  # a UTF-8 byte-order mark: whitespace, offsets unchanged
        text = " " + text[1:]
    index = _LineIndex(text, file)
    _check_text(text, index)
    tokens = _tokenize(text, index)
    _check_tokens(tokens, index)
    statements: list[Statement] = []
    errors: list[ParseError] = []
    chunks = split_chunks(tokens)
    trailing = _trailing_comments(tokens, text)
    for chunk in chunks:
        try:
            expression = _parse_chunk(chunk, text, index)
        except ParseError as err:
            errors.append(err)
            continue
        first, last = chunk[0], chunk[-1]
        statements.append(Statement(
            expression=expression,
            sql=text[first.start : last.end + 1],
            location=index.location(first.start, last.end - first.start + 1),
            comments=tuple(trailing.get(id(last), ((), False))[0]),
            comments_own_line=trailing.get(id(last), ((), False))[1],
            _index=index,
        ))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise Diagnostics(errors)
    return statements


def _trailing_comments(tokens: list[Token], text: str) -> dict[int, tuple[list[str], bool]]:
    """Comments that sqlglot attached to a ``;`` belong after the statement before it.

    Maps the statement's last token to (comments, whether the first one starts on a new line).
    """
    out: dict[int, tuple[list[str], bool]] = {}
    prev = None
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            if tok.comments and prev is not None:
                starts = [i for i in (text.find("--", tok.end + 1), text.find("/*", tok.end + 1)) if i != -1]
                own_line = bool(starts) and "\n" in text[tok.end + 1 : min(starts)]
                found, flag = out.get(id(prev), ([], own_line))
                out[id(prev)] = (found + list(tok.comments), flag)
        else:
            prev = tok
    return out


def _check_text(text: str, index: _LineIndex) -> None:
    if len(text) > MAX_CHARS:
        raise ParseError(
            f"file too large to parse ({len(text) / 1e6:.1f} MB; the limit is {MAX_CHARS / 1e6:.0f} MB)",
            index.location(0), rule="syntax", hint="split it into several files",
        )
    for i, ch in enumerate(text):
        if ch < " " and ch not in "\t\n\r\f":
            raise ParseError(f"unexpected control character U+{ord(ch):04X}", index.location(i), rule="syntax",
                             hint="the file looks binary or corrupted")
        if ch == "\ufffd":
            raise ParseError("undecodable byte in the file (not UTF-8 text)", index.location(i), rule="syntax")


def _tokenize(text: str, index: _LineIndex) -> list[Token]:
    tokenizer = Flink.tokenizer_class(dialect=Flink)
    try:
        return tokenizer.tokenize(text)
    except TokenError:
        start = getattr(tokenizer._core, "_start", 0)  # noqa: SLF001 - where the bad token began
        rest = text[start:]
        if rest.startswith("'"):
            message, hint = "unterminated string", "close it with '"
        elif rest.startswith("/*"):
            message, hint = "unterminated comment", "close it with */"
        elif rest.startswith("`"):
            message, hint = "unterminated quoted identifier", "close it with `"
        else:
            message, hint = "cannot read this text as SQL", None
        raise ParseError(message, index.location(start, len(rest.split("\n", 1)[0])), rule="syntax",
                         hint=hint) from None


def _check_tokens(tokens: list[Token], index: _LineIndex) -> None:
    depth = 0
    for tok in tokens:
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"parentheses nested more than {MAX_DEPTH} deep", index.location(tok.start),
                                 rule="syntax", hint="simplify the expression")
        elif tok.token_type == TokenType.R_PAREN:
            depth = max(0, depth - 1)
        elif tok.token_type == TokenType.SEMICOLON:
            depth = 0


def _parse_chunk(chunk: list[Token], text: str, index: _LineIndex) -> exp.Expr:
    for a, b in zip(chunk, chunk[1:]):
        if a.token_type == TokenType.EQ and b.token_type == TokenType.EQ and b.start == a.end + 1:
            raise ParseError("'==' is not a SQL operator", index.location(a.start, 2), rule="syntax",
                             hint="use = to compare")
        if a.token_type == TokenType.COMMA and b.token_type in (TokenType.R_PAREN, TokenType.FROM):
            raise ParseError(f"trailing comma before {b.text.upper()!r}", index.location(a.start), rule="syntax",
                             hint="remove the comma")
    parser = Flink.parser_class(dialect=Flink)
    try:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20_000))
        try:
            result = parser.parse(chunk, text)
        finally:
            sys.setrecursionlimit(limit)
    except SqlglotParseError as err:
        raise _convert(err, parser, chunk, index) from None
    except RecursionError:
        raise ParseError("statement nested too deeply to parse", index.location(chunk[0].start),
                         rule="syntax") from None
    expression = result[0] if result else None
    if expression is None:
        raise ParseError("empty statement", index.location(chunk[0].start), rule="syntax")
    return expression


def _convert(err: SqlglotParseError, parser, chunk: list[Token], index: _LineIndex) -> ParseError:
    """A sqlglot parse error as a located sqlflow ParseError, with a hint where one fits."""
    token = getattr(parser, "error_token", None)
    desc = err.errors[0].get("description") if err.errors else str(err)
    message = _clean_message(desc or "syntax error")
    at_end = token is None or not token.text
    if at_end:
        token = chunk[-1]
    hint = None
    for marker, prefix in (("; hint: ", ""), ("; did you mean", "did you mean")):
        if marker in message:
            message, rest = message.split(marker, 1)
            hint = prefix + rest
    pos = next((i for i, t in enumerate(chunk) if t is token), len(chunk) - 1)
    where = token
    for rule in _HINT_RULES:
        if hint is not None:
            break
        found = rule(message, chunk, pos, at_end)
        if found:
            hint, where = found
    if at_end and "end" not in message:
        message = f"{message} (the statement ended early)"
    return ParseError(message, index.location(where.start, where.end - where.start + 1), rule="syntax", hint=hint)


_REQUIRED = re.compile(r"Required keyword: '(\w+)' missing for <class '[\w.]*?(\w+)'>")
_WHAT = {"Where": "WHERE condition", "Having": "HAVING condition", "DPipe": "|| operand", "EQ": "= operand",
         "And": "AND operand", "Or": "OR operand", "Add": "+ operand", "Sub": "- operand", "Mul": "* operand",
         "Div": "/ operand", "GT": "> operand", "LT": "< operand", "GTE": ">= operand", "LTE": "<= operand"}


def _clean_message(desc: str) -> str:
    """sqlglot's wording without internals (token and class reprs), starting lower-case."""
    required = _REQUIRED.search(desc)
    if required:
        desc = f"expected an expression (missing {_WHAT.get(required.group(2), required.group(2))})"
    message = _TOKEN_REPR.sub(_token_text, desc).rstrip(".")
    if message[:1].isupper() and not message[1:2].isupper() and not message.startswith("Flink"):
        message = message[0].lower() + message[1:]
    return message


def _hint_phrase(message: str, chunk: list[Token], pos: int, at_end: bool):
    """Two words that are a near miss of a Flink phrase (GROUPING SET -> GROUPING SETS)."""
    for i in range(max(0, pos - 1), min(len(chunk) - 1, pos + 1)):
        meant = _PHRASES.get((chunk[i].text.upper(), chunk[i + 1].text.upper()))
        if meant:
            return f"did you mean {meant}?", chunk[i]
    return None


def _expected_words(message: str) -> tuple[str, ...]:
    """The words an error message says were expected, to correct a misspelling against."""
    lowered = message.lower()
    if "data type" in lowered or "expected type" in lowered:
        return TYPE_NAMES
    if "interval unit" in lowered:
        return tuple(sorted(INTERVAL_UNITS))
    if lowered.startswith("expected a statement"):
        return STATEMENT_KEYWORDS
    if lowered.startswith("expected"):
        unquoted = re.sub(r"'[^']*'", "", message)
        words = tuple(w for w in re.findall(r"\b[A-Z][A-Z_]{2,}\b", unquoted) if w not in ("SQL",))
        if words:
            return words
    return ()


def _hint_expected(message: str, chunk: list[Token], pos: int, at_end: bool):
    """The failing word is a misspelling of what the message expected (INTEGR -> INTEGER)."""
    words = _expected_words(message)
    cand = chunk[pos]
    if words and not at_end and cand.token_type in _NAME_TOKENS | {TokenType.VAR}:
        guess = did_you_mean(cand.text, words)
        if guess and guess.upper() != cand.text.upper():
            return f"did you mean {guess}?", cand
    return None


def _hint_keyword(message: str, chunk: list[Token], pos: int, at_end: bool):
    """A word near the failure that is no keyword but close to one (WATERMAK -> WATERMARK)."""
    first = pos - 1 if _expected_words(message) else pos  # the failing word itself was checked against those
    for cand in (chunk[i] for i in range(first, max(-1, pos - 3), -1)):
        word = cand.text.upper()
        if cand.token_type == TokenType.VAR and word not in _KNOWN and len(word) >= 4:
            guess = did_you_mean(word, HINT_WORDS)
            if guess and guess != word:
                return f"did you mean {guess}?", cand
    return None


def _hint_comma(message: str, chunk: list[Token], pos: int, at_end: bool):
    """Two names or values in a row where a list was expected: a missing comma."""
    if at_end or pos == 0 or not (message in ("expected )", "expecting )", "unexpected token")
                                  or message.startswith("expected ) to close")):
        return None
    token, prev = chunk[pos], chunk[pos - 1]
    values = _NAME_TOKENS | {TokenType.STRING, TokenType.NUMBER}
    if token.token_type in values and prev.token_type in (
        values | {TokenType.R_PAREN, TokenType.GT} | set(Flink.parser_class.TYPE_TOKENS)
    ):
        return f"is a comma missing before '{token.text}'?", token
    return None


#: Hint rules, tried in order; the first that fits gives the hint (and where the caret goes).
_HINT_RULES = (_hint_phrase, _hint_expected, _hint_keyword, _hint_comma)
