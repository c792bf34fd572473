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
from sqlflow.dialect.hints import LAST_HINT_RULES, TEXT_HINT_RULES, as_written, missing_select_comma
from sqlflow.dialect.parser import (INTERVAL_UNITS, SPECIAL_FUNCTIONS, STATEMENT_KEYWORDS, TYPED_FUNCTIONS,
                                   split_chunks)
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
     "GROUPING", "SETS", "ROLLUP", "CUBE", "PRECEDING", "FOLLOWING", "UNBOUNDED", "ORDINALITY",
     *TYPED_FUNCTIONS, *SPECIAL_FUNCTIONS}
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

    def text_of(self, node: exp.Expr) -> str:
        """The source text of one INSERT of a statement set (the whole statement for any other node)."""
        span = node.meta.get("span") if node._meta else None  # noqa: SLF001 - set by the parser
        if span is None or self._index is None:
            return self.sql
        return self._index.text[span[0] : span[1] + 1]

    def start_of(self, node: exp.Expr) -> Location:
        """Where the text :meth:`text_of` gives starts."""
        span = node.meta.get("span") if node._meta else None  # noqa: SLF001 - set by the parser
        if span is None or self._index is None:
            return self.location
        return self._index.location(span[0], span[1] - span[0] + 1)


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


@dataclass
class ParsedScript:
    """What a file yields when bad statements are skipped: the good ones, and an error per bad one.

    ``skipped`` holds the source text of each statement that did not parse, so
    that a caller can tell what it may have defined.
    """

    statements: list[Statement]
    errors: list[ParseError]
    skipped: list[str]


def parse_script(text: str, file: str = "<string>") -> list[Statement]:
    """Split ``text`` into statements and parse each; raise located errors for bad ones."""
    parsed = parse_script_partial(text, file)
    if len(parsed.errors) == 1:
        raise parsed.errors[0]
    if parsed.errors:
        raise Diagnostics(parsed.errors)
    return parsed.statements


def statement_texts(text: str, file: str = "<string>") -> list[tuple[str, Location]]:
    """Each statement's text and where it starts, split as the parser splits (statement sets kept
    whole), whether or not it parses; text the tokenizer cannot read ends the list."""
    index = _LineIndex(text, file)
    try:
        tokens = _tokenize(text, index)
    except _TokenizeError as err:
        tokens = err.before
    return [(text[c[0].start : c[-1].end + 1], index.location(c[0].start)) for c in split_chunks(tokens) if c]


def parse_script_partial(text: str, file: str = "<string>") -> ParsedScript:
    """Like :func:`parse_script`, but a bad statement costs only itself: the others are kept.

    Text the tokenizer cannot read (an unterminated string or comment) loses
    the statements from there on; those before it are still parsed.
    """
    if text.startswith("\ufeff"):  # a UTF-8 byte-order mark: whitespace, offsets unchanged
        text = " " + text[1:]
    index = _LineIndex(text, file)
    out = ParsedScript([], [], [])
    try:
        _check_text(text, index)
    except ParseError as err:
        out.errors.append(err)
        return out
    try:
        tokens = _tokenize(text, index)
    except _TokenizeError as err:
        # the text from the bad token on cannot be read (an unclosed string or comment runs to the
        # end): the statements that end before it are parsed, the one it starts in is reported
        _parse_tokens(err.before, text, index, out, complete=err.ends_statement)
        out.errors.append(err.error)
        return out
    _parse_tokens(tokens, text, index, out)
    return out


def _parse_tokens(tokens: list[Token], text: str, index: _LineIndex, out: ParsedScript,
                  complete: bool = True) -> None:
    """Parse the statements of ``tokens``; unless ``complete``, the last one was cut off (skipped)."""
    try:
        _check_tokens(tokens, index)
    except ParseError as err:
        out.errors.append(err)
        if tokens:
            out.skipped.append(text[tokens[0].start : tokens[-1].end + 1])
        return
    trailing = _trailing_comments(tokens, text)
    chunks = split_chunks(tokens)
    if not complete and chunks:
        cut = chunks.pop()
        out.skipped.append(text[cut[0].start :])
    for chunk in chunks:
        for part, expression, err in _parse_recovering(chunk, text, index):
            if err is not None:
                out.errors.append(err)
            if expression is None:
                out.skipped.append(text[part[0].start : part[-1].end + 1])
                continue
            first, last = part[0], part[-1]
            out.statements.append(Statement(
                expression=expression,
                sql=text[first.start : last.end + 1],
                location=index.location(first.start, last.end - first.start + 1),
                comments=tuple(trailing.get(id(last), ((), False))[0]),
                comments_own_line=trailing.get(id(last), ((), False))[1],
                _index=index,
            ))


#: Words that start a statement and never continue one at the start of a line:
#: a chunk that fails to parse and holds one there is most likely missing a ``;``.
_NEXT_STATEMENT = frozenset({"INSERT", "CREATE", "DROP", "ALTER", "EXECUTE", "SHOW", "DESCRIBE", "EXPLAIN",
                             "USE", "RESET"})


def _parse_recovering(chunk: list[Token], text: str, index: _LineIndex
                      ) -> list[tuple[list[Token], exp.Expr | None, ParseError | None]]:
    """Parse one chunk; when it fails where a ``;`` is missing, report that and parse both halves."""
    try:
        return [(chunk, _parse_chunk(chunk, text, index), None)]
    except ParseError as err:
        first_error = err
    split = _missing_semicolon(chunk, text, index)
    if split is None:
        return [(chunk, None, first_error)]
    head, tail, head_expr = split
    last = head[-1]
    err = ParseError("missing ';' at the end of this statement", index.location(last.start, last.end - last.start + 1),
                     rule="syntax", hint=f"end it with ';': the next statement starts at line "
                                         f"{index.location(tail[0].start).line} ({tail[0].text.upper()})")
    return [(head, head_expr, err), *_parse_recovering(tail, text, index)]


def _missing_semicolon(chunk: list[Token], text: str, index: _LineIndex):
    """Where a statement keyword starts a line inside a chunk whose text before it parses alone."""
    if chunk and chunk[0].text.upper() in ("EXECUTE", "BEGIN", "EXPLAIN"):
        return None  # statement sets hold several statements; EXPLAIN holds one
    depth = 0
    for i, tok in enumerate(chunk):
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
        if i == 0 or depth or tok.text.upper() not in _NEXT_STATEMENT:
            continue
        if "\n" not in text[chunk[i - 1].end + 1 : tok.start]:
            continue
        try:
            head_expr = _parse_chunk(chunk[:i], text, index)
        except ParseError:
            continue
        return chunk[:i], chunk[i:], head_expr
    return None


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


class _TokenizeError(Exception):
    """Text the tokenizer cannot read: the error, and the tokens before the bad one."""

    def __init__(self, error: ParseError, before: list[Token], ends_statement: bool):
        super().__init__(error.message)
        self.error = error
        self.before = before
        self.ends_statement = ends_statement  # whether those tokens end with a complete statement


def _tokenize(text: str, index: _LineIndex) -> list[Token]:
    """Tokens of ``text``, the file ``index`` maps; a :class:`_TokenizeError` where one cannot be read."""
    tokenizer = Flink.tokenizer_class(dialect=Flink)
    try:
        return tokenizer.tokenize(text)
    except TokenError:
        start = getattr(tokenizer._core, "_start", 0)  # noqa: SLF001 - where the bad token began
        rest = text[start:]
        if rest.startswith("'"):
            message, hint = "unterminated string", "close it with '"
            opened = _first_multiline_string(text, start)
            if opened is not None:  # the quote left open is earlier: its string ate the line ends
                end_line = index.location(start).line
                start, rest = opened, text[opened:]
                hint = f"close it with ' on this line (as written, the string runs on to line {end_line})"
        elif rest.startswith("/*"):
            message, hint = "unterminated comment", "close it with */"
        elif rest.startswith("`"):
            message, hint = "unterminated quoted identifier", "close it with `"
        else:
            message, hint = "cannot read this text as SQL", None
        error = ParseError(message, index.location(start, len(rest.split("\n", 1)[0])), rule="syntax", hint=hint)
        before = Flink.tokenizer_class(dialect=Flink).tokenize(text[:start]) if start else []
        ends = not before or before[-1].token_type == TokenType.SEMICOLON
        raise _TokenizeError(error, before, ends) from None


def _first_multiline_string(text: str, limit: int) -> int | None:
    """Offset of the first '...' string before ``limit`` that spans a line end (likely left open)."""
    i = 0
    while i < limit:
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = len(text) if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = len(text) if j < 0 else j + 2
        elif text[i] in "'`\"":
            q, j = text[i], i + 1
            while j < len(text) and (text[j] != q or text.startswith(q * 2, j)):
                j += 2 if text.startswith(q * 2, j) else 1
            if q == "'" and "\n" in text[i:j]:
                return i
            i = j + 1
        else:
            i += 1
    return None


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
    comma = None if at_end else missing_select_comma(chunk, pos)
    if comma is not None:
        before, after = comma
        return ParseError(f"missing ',' after {before.text!r}: a new column starts with {after.text!r}",
                          index.location(before.start, before.end - before.start + 1), rule="syntax",
                          hint=f"write {as_written(before)}, {as_written(after)}...")
    where = token
    for text_rule in TEXT_HINT_RULES:
        if hint is not None:
            break
        found = text_rule(message, chunk, pos, at_end, index.text)
        if found:
            hint, where = found
    for rule in _HINT_RULES:
        if hint is not None:
            break
        found = rule(message, chunk, pos, at_end)
        if found:
            hint, where = found
    for text_rule in LAST_HINT_RULES:
        if hint is not None:
            break
        found = text_rule(message, chunk, pos, at_end, index.text)
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


def strip_comments(text: str) -> str:
    """The text with ``--`` and ``/* */`` comments removed (hints ``/*+ */`` kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n:
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i) and not text.startswith("/*+", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)
