"""parse_script: statement splitting, locations, and located errors for bad input."""

from __future__ import annotations

import random
import time

import pytest
from sqlglot import exp

from sqlflow.dialect import parse_script
from sqlflow.dialect import expressions as fx
from sqlflow.errors import Diagnostics, Location, ParseError

SCRIPT = """-- job
SET 'pipeline.name' = 'ctr';

CREATE TABLE clicks (
    user_id BIGINT,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'kafka');

BEGIN STATEMENT SET;
INSERT INTO a SELECT user_id FROM clicks;
INSERT INTO b SELECT COUNT(*) FROM clicks;
END;
SELECT score(user_id) FROM clicks"""


def test_split_and_locations() -> None:
    stmts = parse_script(SCRIPT, "job.sql")
    assert [type(s.expression).__name__ for s in stmts] == ["Set", "Create", "StatementSet", "Select"]
    assert [(s.location.line, s.location.column) for s in stmts] == [(2, 1), (4, 1), (10, 1), (14, 1)]
    assert stmts[0].sql == "SET 'pipeline.name' = 'ctr'"
    assert stmts[2].sql.startswith("BEGIN STATEMENT SET;") and stmts[2].sql.endswith("END")
    assert [len(s.expression.expressions) for s in stmts[2:3]] == [2]


def test_locate_nodes() -> None:
    stmts = parse_script(SCRIPT, "job.sql")
    create = stmts[1].expression
    ts_col = create.find(exp.WatermarkColumnConstraint).this
    assert stmts[1].locate(ts_col) == Location("job.sql", 7, 19, 2, SCRIPT)
    table = create.this.this
    assert (stmts[1].locate(table).line, stmts[1].locate(table).column) == (4, 14)
    call = stmts[3].expression.find(exp.Anonymous)
    loc = stmts[3].locate(call)
    # a span runs from the first to the last positioned token (the name and the argument here)
    assert (loc.line, loc.column, loc.length) == (14, 8, 13)
    insert_table = stmts[2].expression.expressions[1].this
    assert (stmts[2].locate(insert_table).line, stmts[2].locate(insert_table).column) == (12, 13)


def _error(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_script(text, "bad.sql")
    assert not isinstance(info.value, Diagnostics)
    return info.value


@pytest.mark.parametrize(
    "text, line, column, length, message, hint",
    [
        ("CREATE TABLE t (a INT,\n  WATERMAK FOR ts AS ts)", 2, 3, 8, "expected a data type", "did you mean WATERMARK?"),
        ("SELECT a FROM t WHERE a == 1", 1, 25, 2, "'==' is not a SQL operator", "use = to compare"),
        ("CREATE TABLE t (a INT b STRING)", 1, 23, 1, "expected )", "is a comma missing before 'b'?"),
        ("SELECT 'abc FROM t", 1, 8, 11, "unterminated string", "close it with '"),
        ("SELECT 1 /* abc\nmore", 1, 10, 6, "unterminated comment", "close it with */"),
        ("SELECT `abc FROM t", 1, 8, 11, "unterminated quoted identifier", "close it with `"),
        ("END", 1, 1, 3, "expected a statement, found 'END'", None),
        ("SELCT 1", 1, 1, 5, "expected a statement, found 'SELCT'", "did you mean SELECT?"),
        ("CREATE TABEL t (a INT)", 1, 8, 5, "expected TABLE, VIEW, FUNCTION, MODEL, CATALOG or DATABASE after CREATE", "did you mean TABLE?"),
        ("SELECT a FROM t WHER a = 1", 1, 17, 4, "unexpected token", "did you mean WHERE?"),
        ("SELECT \x00 1", 1, 8, 1, "unexpected control character U+0000", "the file looks binary or corrupted"),
        ("SET a = 'b'", 1, 5, 1, "expected a quoted option key: SET 'key' = 'value'", "quote both: SET 'a' = 'b';"),
        ("EXECUTE STATEMENT SET BEGIN SELECT 1; END", 1, 29, 6, "a statement set holds only INSERT statements", None),
        ("CREATE TABLE t (id INT, PRIMARY KEY (id) ENFORCED)", 1, 42, 8,
         "Flink supports only NOT ENFORCED primary keys", "write PRIMARY KEY (...) NOT ENFORCED"),
        ("CREATE TABLE t (id INT PRIMARY KEY)", 1, 24, 11,
         "Flink supports only NOT ENFORCED primary keys", "write PRIMARY KEY (...) NOT ENFORCED"),
        ("SELECT * FROM t JOIN r FOR SYSTEM_TIME AS o.ts ON t.a = r.a", 1, 40, 2,
         "expected AS OF after FOR SYSTEM_TIME", "write FOR SYSTEM_TIME AS OF o.ts"),
        ("SELECT a FROM t WHERE", 1, 17, 5, "expected an expression (missing WHERE condition) (the statement ended early)", None),
        ("CREATE TABLE t (a INTEGR)", 1, 19, 6, "expected a data type", "did you mean INTEGER?"),
        ("SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '5' MINUTS))", 1, 66, 6,
         "expected an interval unit (SECOND, MINUTE, HOUR, DAY, ...)", "did you mean MINUTES?"),
        ("CREATE FUNCTION f AS 'udfs.f' LANGUAGE PYTON", 1, 40, 5,
         "expected JAVA, SCALA or PYTHON after LANGUAGE", "did you mean PYTHON?"),
        ("CREATE TABLE t (a INT) WITH (connector = 'kafka')", 1, 30, 9,
         "expected a quoted option key, e.g. 'connector'", "option keys are strings: 'connector'"),
        ("CREATE TABLE t (a INT) WITH ('connector' = 'kafka',, 'topic' = 't')", 1, 52, 1,
         "expected a quoted option key, e.g. 'connector'", "remove the extra ','"),
        ("SELECT f(a, (a + 1) FROM t", 1, 21, 4, "expecting )",
         "the '(' at line 1, column 9 is not closed: add ')' before 'FROM'"),
        ("SELECT f(a, 1)) FROM t", 1, 15, 1, "unexpected token", "this ')' has no '(' to close: remove it"),
        ("SET execution.runtime-mode = batch", 1, 5, 9, "expected a quoted option key: SET 'key' = 'value'",
         "quote both: SET 'execution.runtime-mode' = 'batch';"),
        ("SELECT * FROM t WHERE ts > NOW() - INTERVAL '1 minute' AND a = 1", 1, 45, 10,
         "expected an interval unit (SECOND, MINUTE, HOUR, DAY, ...)", "write INTERVAL '1' MINUTE"),
        ("SELECT a FROM t WHERE a = \"x\"", 1, 27, 1, "unexpected token",
         "strings take single quotes in Flink SQL: 'x' (names take backquotes: `x`)"),
        ("SELECT CASE WHEN a THEN 1 FROM t", 1, 25, 1, "expected END after CASE",
         "close the CASE with END: CASE WHEN ... THEN ... ELSE ... END"),
        ("SHOW TABLEZ", 1, 6, 6, "expected what to SHOW (TABLES, VIEWS, FUNCTIONS, ...)", "did you mean TABLES?"),
        ("SELECT a FROM t GROUP BY GROUPING SET ((a))", 1, 26, 8, "unexpected token", "did you mean GROUPING SETS?"),
        ("SELECT CASE WHEN a THEN 'x'  'y' END FROM t", 1, 30, 3, "two string literals in a row",
         "join them into one string, or use ||"),
    ],
)
def test_located_errors(text: str, line: int, column: int, length: int, message: str, hint: str | None) -> None:
    err = _error(text)
    assert (err.location.file, err.location.line, err.location.column, err.location.length) == ("bad.sql", line, column, length)
    assert (err.message, err.rule, err.hint) == (message, "syntax", hint)


def test_error_render_has_caret() -> None:
    err = _error("SELECT a\nFROM t WHERE a == 1")
    assert err.render() == (
        "bad.sql:2:16: error[syntax]: '==' is not a SQL operator\n"
        "   2 | FROM t WHERE a == 1\n"
        "     |                ^^\n"
        "  = help: use = to compare"
    )


def test_all_bad_statements_are_reported() -> None:
    with pytest.raises(Diagnostics) as info:
        parse_script("SELECT 1;\nSELECT FROM;\nSELECT 2;\nINSERT t", "bad.sql")
    got = [(e.location.line, e.location.column, e.message) for e in info.value.errors]
    assert got == [
        (2, 8, "expected table name but got the end of the statement"),
        (4, 8, "expected INTO or OVERWRITE after INSERT"),
    ]


def _fast(fn, limit: float = 5.0):
    start = time.perf_counter()
    result = fn()
    assert time.perf_counter() - start < limit
    return result


def test_random_bytes_are_a_located_error() -> None:
    rng = random.Random(7)
    for _ in range(20):
        text = bytes(rng.randrange(256) for _ in range(300)).decode("utf-8", errors="replace")
        err = _fast(lambda: _error(text))
        assert err.location.line >= 1 and err.location.column >= 1 and err.rule == "syntax"


def test_random_printable_garbage_is_located() -> None:
    rng = random.Random(11)
    alphabet = "abc XYZ(),;'*=<>+-/`.\n0123"
    for _ in range(50):
        text = "".join(rng.choice(alphabet) for _ in range(200))
        try:
            _fast(lambda: parse_script(text, "g.sql"))
        except Diagnostics as d:
            assert all(e.location and e.location.line >= 1 for e in d.errors)
        except ParseError as e:
            assert e.location and e.location.line >= 1


def test_ten_megabyte_statement() -> None:
    text = "SELECT " + ", ".join(["abcd"] * 1_666_667)
    assert len(text) == 10_000_007
    err = _fast(lambda: _error(text))
    assert (err.location.line, err.location.column, err.message) == (1, 1, "file too large to parse (10.0 MB; the limit is 1 MB)")


def test_deep_parentheses() -> None:
    text = "SELECT " + "(" * 500 + "1" + ")" * 500
    err = _fast(lambda: _error(text))
    assert (err.location.line, err.location.column, err.message) == (1, 208, "parentheses nested more than 200 deep")


def test_moderate_nesting_parses() -> None:
    text = "SELECT " + "(" * 150 + "1" + ")" * 150
    [stmt] = _fast(lambda: parse_script(text))
    assert stmt.expression.sql("flink") == text


def test_empty_and_comment_only_files() -> None:
    assert parse_script("") == []
    assert parse_script("-- nothing here\n;;\n") == []


def test_package_docstring_examples() -> None:
    import doctest

    import sqlflow.dialect

    result = doctest.testmod(sqlflow.dialect)
    assert (result.failed, result.attempted) == (0, 8)


def test_mutated_doc_examples_never_crash() -> None:
    """Random token edits of real examples either parse and format stably (same trees, idempotent)
    or fail with a located, in-bounds SqlflowError."""
    import importlib.util
    import re
    import sys
    from pathlib import Path

    from sqlflow.dialect import format_sql
    from sqlflow.errors import SqlflowError

    bench = Path(__file__).resolve().parents[3] / "bench" / "bench_parse.py"
    spec = importlib.util.spec_from_file_location("bench_parse", bench)
    module = sys.modules.get("bench_parse") or importlib.util.module_from_spec(spec)
    if "bench_parse" not in sys.modules:
        sys.modules["bench_parse"] = module
        spec.loader.exec_module(module)
    sources = [e.sql for e in module.examples()]
    words = ["(", ")", ",", ";", "'", "`", "SELECT", "FROM", "TABLE", "AS", "==", "BEGIN", "END", "INTERVAL",
             "DESCRIPTOR", "MODEL", "OVER", "/*", "*/", "--", "/*+", "MATCH_RECOGNIZE", "WATERMARK", "FOR",
             "SYSTEM_TIME", "STATEMENT", "SET", "JSON_VALUE(", "MAP[", "ROW(", "<", ">", "CAST(", "GROUPING"]
    rng = random.Random(5)
    outcomes = {"ok": 0, "error": 0}
    start = time.perf_counter()
    for _ in range(400):
        toks = re.findall(r"\s+|\w+|[^\w\s]", rng.choice(sources))
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(toks) or 1)
            if toks and rng.random() < 0.5:
                del toks[i]
            else:
                toks.insert(i, rng.choice(words) + " ")
        text = "".join(toks)
        lines = text.split("\n")
        try:
            trees = [st.expression for st in parse_script(text, "m.sql")]
            once = format_sql(text)
            assert format_sql(once) == once
            assert [st.expression for st in parse_script(once)] == trees
            outcomes["ok"] += 1
        except SqlflowError as e:
            for err in e.errors if isinstance(e, Diagnostics) else [e]:
                loc = err.location
                assert err.rule == "syntax" and loc is not None and 1 <= loc.line <= len(lines)
                assert 1 <= loc.column <= len(lines[loc.line - 1]) + 1 and loc.length >= 1
                assert "<Token" not in err.message and "<class" not in err.message
            outcomes["error"] += 1
    assert time.perf_counter() - start < 30
    assert outcomes["ok"] > 0 and outcomes["error"] > 0


def test_flink_nodes_are_located_from_their_keyword() -> None:
    from sqlflow.dialect import expressions as fx

    text = ("SELECT\n  JSON_VALUE(j, '$.a' RETURNING INT), o.ts\n"
            "FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTES)) AS w")
    [stmt] = parse_script(text, "q.sql")
    tree = stmt.expression
    spans = {
        name: (loc.line, loc.column, loc.length)
        for name, loc in (
            ("json", stmt.locate(tree.find(fx.JsonCall))),
            ("tvf", stmt.locate(tree.find(exp.TableFromRows))),
            ("table_arg", stmt.locate(tree.find(fx.TableArgument))),
            ("descriptor", stmt.locate(tree.find(fx.Descriptor))),
            ("interval", stmt.locate(tree.find(exp.Interval))),
            ("column", stmt.locate(tree.find(exp.Column))),
        )
    }
    assert spans == {
        "json": (2, 3, 33),  # JSON_VALUE ... INT (the closing paren is not a positioned token)
        "tvf": (3, 6, 70),
        "table_arg": (3, 19, 12),
        "descriptor": (3, 33, 13),
        "interval": (3, 49, 12),
        "column": (2, 39, 4),  # o.ts
    }


@pytest.mark.parametrize("text, expected", [
    ("SELECT " + "NOT " * 5000 + "1", "statement nested too deeply to parse"),
    ("SELECT " + "- " * 20000 + "1", "statement nested too deeply to parse"),
    ("SELECT " + "- " * 3000 + "1", None),
])
def test_deep_operator_chains_parse_and_format_or_fail_located(text: str, expected: str | None) -> None:
    from sqlflow.dialect import format_sql

    def both() -> None:
        parse_script(text, "deep.sql")
        format_sql(text, "deep.sql")

    if expected is None:
        _fast(both)
    else:
        with pytest.raises(ParseError) as info:
            _fast(both)
        assert (info.value.message, info.value.location.line, info.value.location.column) == (expected, 1, 1)


def test_crlf_tabs_and_byte_order_mark() -> None:
    stmts = parse_script("\ufeffSELECT 1;\r\nSELECT\ta\r\nFROM t;\r\n", "win.sql")
    assert [(s.location.line, s.location.column, s.expression.sql("flink")) for s in stmts] == [
        (1, 2, "SELECT 1"), (2, 1, "SELECT a FROM t")]


@pytest.mark.parametrize(
    "text, line, column, length, message, hint",
    [
        # found by fuzzing: sqlglot read the LIMIT as the first operand's and wrote it back in parentheses
        # (another tree); Flink takes ORDER BY / LIMIT / OFFSET only after the last operand
        ("INSERT INTO t SELECT * FROM a LIMIT 10 UNION ALL SELECT * FROM a", 1, 40, 5,
         "ORDER BY, LIMIT or OFFSET before UNION",
         "put that SELECT in parentheses (after the last SELECT they apply to the whole result)"),
        ("SELECT 1 UNION SELECT 2 ORDER BY 1\nEXCEPT SELECT 3", 2, 1, 6, "ORDER BY, LIMIT or OFFSET before EXCEPT",
         "put that SELECT in parentheses (after the last SELECT they apply to the whole result)"),
        # found by fuzzing: a column list with no alias before it was taken, and written back as `AS _t0(...)`
        ("INSERT INTO o VALUES ('a', 1), ('b', 1)( ,'x', 3)", 1, 40, 1,
         "a column list needs a table alias before it", "write AS t (a, b)"),
    ],
)
def test_what_formatting_could_not_keep_is_a_located_error(text: str, line: int, column: int, length: int,
                                                            message: str, hint: str) -> None:
    err = _error(text)
    assert (err.location.line, err.location.column, err.location.length) == (line, column, length)
    assert (err.message, err.rule, err.hint) == (message, "syntax", hint)


def test_set_operations_with_parenthesized_operands_round_trip() -> None:
    from sqlflow.dialect import format_sql

    text = "(SELECT a FROM t LIMIT 1) UNION ALL SELECT a FROM t ORDER BY a LIMIT 2;\n" \
           "SELECT * FROM (VALUES (1, 2)) AS v(a, b);\n"
    formatted = format_sql(text)
    assert [s.expression for s in parse_script(formatted)] == [s.expression for s in parse_script(text)]
    assert format_sql(formatted) == formatted
