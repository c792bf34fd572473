"""Hypothesis strategies for token-level mutations of real Flink SQL files (the shipped ``sql/`` and
the test fixtures): deleted, duplicated, swapped, replaced and inserted tokens, renamed names,
keywords and types, noise; and ``sql_texts``, a mix of these and the grammar-built scripts of
:mod:`fuzz_sql`."""

from __future__ import annotations

import re

from hypothesis import strategies as st

from fuzz_sql import (
    KEYWORDS,
    NOISE,
    PLAIN_TYPES,
    ROOT,
    UNICODE_BITS,
    _quote,
    identifiers,
    literals,
    sql_scripts,
    types,
)

# ------------------------------------------------------------------------------ token mutations

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>--[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<var>\$\{[^}\n]*\})
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<op><>|<=|>=|!=|\|\||=>|::|.)
""", re.X | re.S)


def tokens_of(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs that join back to ``text`` exactly."""
    return [(m.lastgroup or "op", m.group(0)) for m in _TOKEN.finditer(text)]


def _corpus(patterns: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            out[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return out


#: The files mutated: every shipped job and every SQL fixture (read once).
SHIPPED_SQL = _corpus(("sql/**/*.sql",))
FIXTURE_SQL = _corpus(("tests/fixtures/**/*.sql",))
CORPUS_SQL = {**SHIPPED_SQL, **FIXTURE_SQL}

_TYPE_WORDS = {"INT", "INTEGER", "BIGINT", "STRING", "DOUBLE", "FLOAT", "BOOLEAN", "TIMESTAMP", "DATE", "DECIMAL",
               "VARCHAR", "BYTES", "TIMESTAMP_LTZ", "ARRAY", "MAP", "ROW", "SMALLINT", "TINYINT", "TIME", "CHAR"}
OPS = ("delete", "duplicate", "swap_adjacent", "swap", "replace", "insert", "drop_kind", "drop_one", "rename",
       "retype", "truncate", "noise", "case", "unquote", "quote")


@st.composite
def mutations(draw: st.DrawFn, text: str, max_ops: int = 4) -> tuple[str, list[str]]:
    """``text`` with 1..``max_ops`` token-level edits, and a list naming the edits made."""
    toks = tokens_of(text)
    done: list[str] = []
    for _ in range(draw(st.integers(1, max_ops))):
        if not toks:
            toks = [("word", "SELECT")]
        solid = [i for i, (k, _) in enumerate(toks) if k != "ws"] or [0]
        op = draw(st.sampled_from(OPS))
        i = draw(st.sampled_from(solid))
        if op == "delete":
            del toks[i]
        elif op == "duplicate":
            toks.insert(i, toks[i])
        elif op == "swap_adjacent":
            later = [j for j in solid if j > i]
            if later:
                j = later[0]
                toks[i], toks[j] = toks[j], toks[i]
        elif op == "swap":
            j = draw(st.sampled_from(solid))
            toks[i], toks[j] = toks[j], toks[i]
        elif op in ("replace", "insert"):
            new = draw(st.one_of(st.sampled_from(KEYWORDS), st.sampled_from(NOISE), st.sampled_from(PLAIN_TYPES),
                                 literals(), identifiers(), st.sampled_from([t for _, t in toks if t.strip()][:200]
                                                                           or ["x"])))
            if op == "replace":
                toks[i] = ("op", new)
            else:
                toks.insert(i, ("op", new + " "))
        elif op == "drop_kind":
            what = draw(st.sampled_from((",", "(", ")", ";", "'", "`")))
            toks = [t for t in toks if t[1] != what]
        elif op == "drop_one":
            what = draw(st.sampled_from((",", "(", ")", ";", "=", ".")))
            hits = [j for j, t in enumerate(toks) if t[1] == what]
            if hits:
                del toks[draw(st.sampled_from(hits))]
        elif op == "rename":
            names = sorted({t for k, t in toks if k in ("word", "quoted") and t.upper() not in KEYWORDS})
            if names:
                old = draw(st.sampled_from(names))
                new = draw(identifiers())
                everywhere = draw(st.booleans())
                toks = [(k, new) if t == old and (everywhere or j == i) else (k, t) for j, (k, t) in enumerate(toks)]
        elif op == "retype":
            hits = [j for j, (_, t) in enumerate(toks) if t.upper() in _TYPE_WORDS]
            if hits:
                toks[draw(st.sampled_from(hits))] = ("word", draw(types()))
        elif op == "truncate":
            toks = toks[:i]
        elif op == "noise":
            s = toks[i][1]
            at = draw(st.integers(0, len(s)))
            bit = draw(st.sampled_from(NOISE + UNICODE_BITS))
            toks[i] = ("op", s[:at] + bit + s[at:])
        elif op == "case":
            toks[i] = (toks[i][0], draw(st.sampled_from((str.lower, str.upper, str.swapcase)))(toks[i][1]))
        elif op == "unquote":
            k, t = toks[i]
            if k in ("quoted", "string") and len(t) >= 2:
                toks[i] = ("word", t[1:-1])
        else:  # quote
            k, t = toks[i]
            if k == "word":
                toks[i] = ("quoted", _quote(t) if draw(st.booleans()) else "'" + t + "'")
        done.append(op)
    return "".join(t for _, t in toks), done


@st.composite
def mutated_files(draw: st.DrawFn, corpus: dict[str, str] | None = None) -> tuple[str, str, list[str]]:
    """``(file, mutated text, edits)`` for a file of the corpus (default: shipped SQL and fixtures)."""
    corpus = corpus or CORPUS_SQL
    name = draw(st.sampled_from(sorted(corpus)))
    text, ops = draw(mutations(corpus[name]))
    return name, text, ops


@st.composite
def sql_texts(draw: st.DrawFn) -> str:
    """Any SQL text: from the grammar, a mutated real file, or a mutated grammar script."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(sql_scripts())
    if kind == 1:
        return draw(mutated_files())[1]
    return draw(mutations(draw(sql_scripts())))[0]
