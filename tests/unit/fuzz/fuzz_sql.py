"""Hypothesis strategies for Flink SQL text: scripts built from the grammar's pieces, and token-level
mutations of real files (the shipped ``sql/`` and the test fixtures).

The grammar strategy keeps a small schema while it draws, so most names it writes resolve (the
resolver and the rules get past "unknown table" and check types, windows, joins and options) and
some do not (misspelt, reserved, backquoted, unicode names). Every piece may carry a comment, a
``${VAR}`` or odd spacing; the result is sometimes valid Flink SQL and often nearly so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[3]

# ------------------------------------------------------------------------------ vocabulary

KEYWORDS = (
    "SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "JOIN", "LEFT", "RIGHT", "FULL",
    "INNER", "OUTER", "CROSS", "ON", "AS", "WITH", "CREATE", "TABLE", "VIEW", "INSERT", "INTO", "OVERWRITE",
    "VALUES", "SET", "RESET", "TEMPORARY", "SYSTEM", "FUNCTION", "LANGUAGE", "PYTHON", "JAVA", "MODEL",
    "INPUT", "OUTPUT", "WATERMARK", "FOR", "PRIMARY", "KEY", "NOT", "ENFORCED", "METADATA", "VIRTUAL",
    "INTERVAL", "DESCRIPTOR", "TUMBLE", "HOP", "SESSION", "CUMULATE", "OVER", "PARTITION", "PARTITIONED",
    "ROWS", "RANGE", "BETWEEN", "UNBOUNDED", "PRECEDING", "FOLLOWING", "CURRENT", "ROW", "CASE", "WHEN",
    "THEN", "ELSE", "END", "CAST", "TRY_CAST", "NULL", "TRUE", "FALSE", "AND", "OR", "IN", "IS", "LIKE",
    "DISTINCT", "UNION", "ALL", "EXCEPT", "INTERSECT", "LATERAL", "UNNEST", "SYSTEM_TIME", "OF", "EXECUTE",
    "STATEMENT", "BEGIN", "MATCH_RECOGNIZE", "PATTERN", "DEFINE", "MEASURES", "IF", "EXISTS", "DROP",
    "ALTER", "RENAME", "TO", "ADD", "MODIFY", "USE", "CATALOG", "DATABASE", "SHOW", "DESCRIBE", "EXPLAIN",
    "LIKE", "COMMENT", "ML_PREDICT", "ESCAPE", "SIMILAR", "ASC", "DESC", "NULLS", "FIRST", "LAST", "FETCH",
    "OFFSET", "ONLY", "WINDOW", "QUALIFY", "GROUPING", "SETS", "ROLLUP", "CUBE", "FILTER", "WITHIN",
)
#: Words Flink reserves that people use as column names (the reserved-word rule is about them).
RESERVED_NAMES = ("value", "time", "timestamp", "user", "count", "order", "from", "table", "date", "year",
                  "result", "position", "language", "interval", "end", "start", "key", "row", "current",
                  "system", "model", "window", "partition", "rank", "sum", "min", "max", "first", "last",
                  "select", "group", "desc", "level", "path", "zone", "hour", "minute", "second")
PLAIN_TYPES = ("BOOLEAN", "TINYINT", "SMALLINT", "INT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "REAL",
               "STRING", "BYTES", "DATE", "DECIMAL", "NUMERIC", "DEC", "CHAR", "VARCHAR", "BINARY", "VARBINARY",
               "TIME", "TIMESTAMP", "TIMESTAMP_LTZ", "NULL")
UNITS = ("SECOND", "SECONDS", "MINUTE", "MINUTES", "HOUR", "HOURS", "DAY", "DAYS", "MONTH", "YEAR", "MILLISECOND",
         "WEEK", "DAY TO SECOND", "HOUR TO MINUTE", "YEAR TO MONTH", "MINUTE TO SECOND", "DAY TO HOUR")
FUNCTIONS_1 = ("UPPER", "LOWER", "TRIM", "ABS", "CEIL", "FLOOR", "LN", "EXP", "SQRT", "CHAR_LENGTH",
               "CARDINALITY", "MD5", "SHA256", "DATE_FORMAT", "TO_TIMESTAMP", "TO_TIMESTAMP_LTZ", "FROM_UNIXTIME",
               "UNIX_TIMESTAMP", "HOUR", "DAYOFWEEK", "YEAR", "ROUND", "SIGN", "INITCAP", "REVERSE", "ASCII",
               "HEX", "JSON_STRING", "TO_DATE", "PROCTIME", "NOW", "CURRENT_TIMESTAMP", "LOCALTIMESTAMP",
               "CURRENT_WATERMARK", "TYPEOF", "ELEMENT", "MAP_KEYS", "ARRAY_DISTINCT", "SOURCE_WATERMARK")
FUNCTIONS_N = ("COALESCE", "CONCAT", "CONCAT_WS", "IF", "IFNULL", "NULLIF", "GREATEST", "LEAST", "SUBSTRING",
               "SUBSTR", "REPLACE", "REGEXP_EXTRACT", "REGEXP_REPLACE", "SPLIT_INDEX", "LPAD", "RPAD", "POWER",
               "MOD", "LOG", "TIMESTAMPDIFF", "TIMESTAMPADD", "JSON_VALUE", "JSON_QUERY", "JSON_OBJECT",
               "JSON_ARRAY", "STR_TO_MAP", "LOCATE", "POSITION", "ARRAY_CONTAINS", "TRUNCATE", "DATE_FORMAT")
AGGREGATES = ("COUNT", "SUM", "AVG", "MIN", "MAX", "STDDEV_POP", "VAR_SAMP", "COLLECT", "LISTAGG",
              "FIRST_VALUE", "LAST_VALUE", "APPROX_COUNT_DISTINCT", "ARRAY_AGG", "JSON_ARRAYAGG")
#: UDFs of the fuzz project (tests/fixtures/projects/good/udfs): name -> argument count.
UDFS = {"ctr_score": 4, "clean_label": 1, "bucket": 1, "ctr_score_wide": 5, "ctr_score_missing": 4}
CONNECTORS = ("kafka", "upsert-kafka", "filesystem", "datagen", "print", "blackhole", "jdbc", "kinesis", "",
              "Kafka", "${CONNECTOR}")
OPTION_KEYS = ("topic", "properties.bootstrap.servers", "properties.group.id", "format", "key.format",
               "value.format", "scan.startup.mode", "scan.bounded.mode", "sink.delivery-guarantee",
               "sink.transactional-id-prefix", "path", "rows-per-second", "number-of-rows", "fields.id.kind",
               "fields.id.min", "url", "table-name", "json.ignore-parse-errors", "csv.field-delimiter",
               "properties.security.protocol", "properties.sasl.mechanism", "properties.sasl.jaas.config",
               "source.monitor-interval", "sink.parallelism", "print-identifier", "key.fields",
               "value.fields-include", "scan.watermark.idle-timeout", "unknown.key", "connector")
OPTION_VALUES = ("json", "csv", "avro", "raw", "debezium-json", "earliest-offset", "latest-offset", "group-offsets",
                 "exactly-once", "at-least-once", "none", "10", "-1", "0", "1e9", "${KAFKA_BOOTSTRAP}",
                 "${TOPIC_PREFIX:-}events", "localhost:9092", "/tmp/out", "file:///tmp/x", "true", "false",
                 "SASL_SSL", "PLAIN", "sequence", "random", "", "jdbc:postgresql://u:p@h/db", "5 s", "1 min")
SET_KEYS = ("execution.runtime-mode", "table.exec.state.ttl", "execution.checkpointing.interval",
            "parallelism.default", "table.exec.mini-batch.enabled", "pipeline.name", "table.local-time-zone",
            "sql-client.execution.result-mode", "nonsense.key", "")
SET_VALUES = ("streaming", "batch", "1 d", "10 s", "0", "4", "true", "false", "UTC", "x", "")
VARS = ("KAFKA_BOOTSTRAP", "GROUP_ID", "TOPIC_PREFIX", "UNSET_VAR", "A", "secret_token", "X1")
UNICODE_BITS = ("é", "ß", "中文", "ü", "Ω", "𝔘", "🙂", "\u200b", "\u202e", "\u00a0", "\t", "\r", "\x0b", "Å",
                "ﬁ", "İ", "\u0301", "\ufeff")
NOISE = ("'", "`", '"', "(", ")", ",", ";", "/*", "*/", "--", "${", "}", "$", "\\", "[", "]", "{", "::", "=>",
         "\x00", "\x1b", "\n", "  ", "*", "?", "@", "#", "||", "%", "^", "!", "~", "&", "|", "<", ">")


@dataclass
class Schema:
    """What the script drawn so far defines: tables (name -> column names and types) and views."""

    tables: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    time_columns: dict[str, str] = field(default_factory=dict)  # table -> its watermarked column

    def names(self) -> list[str]:
        return list(self.tables)


# ------------------------------------------------------------------------------ small pieces

_ascii_name = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)


@st.composite
def identifiers(draw: st.DrawFn) -> str:
    """A name as a user writes it: plain, reserved (bare or backquoted), unicode, odd, mixed case."""
    kind = draw(st.sampled_from(("plain", "plain", "plain", "reserved", "quoted", "unicode", "upper")))
    if kind == "plain":
        return draw(_ascii_name)
    if kind == "reserved":
        word = draw(st.sampled_from(RESERVED_NAMES))
        return f"`{word}`" if draw(st.booleans()) else word
    if kind == "quoted":
        inner = draw(st.text(st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=8))
        return "`" + inner.replace("`", "``") + "`"
    if kind == "unicode":
        return draw(_ascii_name) + draw(st.sampled_from(UNICODE_BITS[:10]))
    return draw(_ascii_name).upper()


def _bare(name: str) -> str:
    """A drawn name as the catalog keeps it (backquotes gone)."""
    return name[1:-1].replace("``", "`") if name.startswith("`") and name.endswith("`") and len(name) > 1 else name


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


@st.composite
def string_literals(draw: st.DrawFn) -> str:
    text = draw(st.one_of(
        st.sampled_from(("", "a", "2024-01-01 00:00:00", "$.a.b", "x''y", "%a_", "1", "NaN", "${A}",
                         "2024-13-45", "1 d", "\\n")),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    ))
    return "'" + text.replace("'", "''") + "'"


@st.composite
def literals(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 11))
    if kind == 0:
        return str(draw(st.integers(-(2**70), 2**70)))
    if kind == 1:
        return repr(draw(st.floats(allow_nan=False, allow_infinity=False)))
    if kind == 2:
        return draw(st.sampled_from(("1.5", "0.0", ".5", "1e10", "1E-3", "12345678901234567890.123", "007",
                                     "1e400", "-0", "2.", "0x1F")))
    if kind == 3:
        return draw(string_literals())
    if kind == 4:
        return draw(st.sampled_from(("TRUE", "FALSE", "NULL", "UNKNOWN")))
    if kind == 5:
        kw = draw(st.sampled_from(("DATE", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ")))
        value = draw(st.sampled_from(("2024-01-01", "12:00:00", "2024-01-01 00:00:00.123", "2024-02-30", "x", "")))
        return f"{kw} '{value}'"
    if kind == 6:
        return f"INTERVAL '{draw(st.sampled_from(('1', '5', '-2', '1 2:00:00', '10:30', '1-2', 'x', '')))}' " \
               f"{draw(st.sampled_from(UNITS))}"
    if kind == 7:
        return f"X'{draw(st.sampled_from(('0F', 'ff00', '', 'G1', '123')))}'"
    if kind == 8:
        return f"${{{draw(st.sampled_from(VARS))}}}"
    if kind == 9:
        return f"${{{draw(st.sampled_from(VARS))}:-{draw(st.sampled_from(('0', 'x', '', '1.5')))}}}"
    if kind == 10:
        items = draw(st.lists(st.sampled_from(("1", "2", "NULL", "'a'")), max_size=3))
        return "ARRAY[" + ", ".join(items) + "]"
    value = draw(st.sampled_from(("1", "NULL", "'v'")))
    return f"MAP[{draw(string_literals())}, {value}]"


@st.composite
def types(draw: st.DrawFn, depth: int = 0) -> str:
    kind = draw(st.integers(0, 9 if depth < 2 else 5))
    if kind <= 3:
        t = draw(st.sampled_from(PLAIN_TYPES))
        if t in ("DECIMAL", "NUMERIC", "DEC") and draw(st.booleans()):
            p = draw(st.integers(0, 40))
            t += f"({p}, {draw(st.integers(0, 40))})" if draw(st.booleans()) else f"({p})"
        elif t in ("VARCHAR", "CHAR", "BINARY", "VARBINARY", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ") \
                and draw(st.booleans()):
            t += f"({draw(st.integers(0, 12))})"
    elif kind == 4:
        t = draw(st.sampled_from(("TIMESTAMP(3)", "TIMESTAMP_LTZ(3)", "TIMESTAMP(3) WITH LOCAL TIME ZONE",
                                  "TIMESTAMP WITHOUT TIME ZONE", "INTERVAL DAY", "RAW('a', 'b')")))
    elif kind == 5:
        t = draw(st.sampled_from(("STRING", "BIGINT", "DOUBLE", "INT")))
    elif kind == 6:
        t = f"ARRAY<{draw(types(depth + 1))}>"
    elif kind == 7:
        t = f"MAP<{draw(types(depth + 1))}, {draw(types(depth + 1))}>"
    elif kind == 8:
        fields = draw(st.lists(st.tuples(identifiers(), types(depth + 1)), min_size=0, max_size=3))
        t = "ROW<" + ", ".join(f"{n} {ty}" for n, ty in fields) + ">"
    else:
        t = f"MULTISET<{draw(types(depth + 1))}>"
    if draw(st.integers(0, 7)) == 0:
        t += " NOT NULL"
    return t


@st.composite
def comments(draw: st.DrawFn) -> str:
    body = draw(st.one_of(
        st.sampled_from(("", " note", " sqlflow: disable=unbounded-state", " sqlflow: disable=all", " ; ",
                         " SELECT 1;", " 'quoted", " `tick", " ${A}", " */", "*", " -- nested"))
        , st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=10)))
    if draw(st.booleans()):
        return "--" + body + "\n"
    return "/*" + body.replace("*/", "* /") + "*/"


@st.composite
def spaces(draw: st.DrawFn) -> str:
    """The space between two tokens: usually one blank, sometimes a newline, a tab or a comment."""
    kind = draw(st.integers(0, 15))
    if kind <= 11:
        return " "
    if kind == 12:
        return "\n"
    if kind == 13:
        return "\n    "
    if kind == 14:
        return "\t"
    return " " + draw(comments()) + " "


# ------------------------------------------------------------------------------ expressions

@st.composite
def columns_of(draw: st.DrawFn, scope: list[tuple[str, str]]) -> str:
    """A column reference: one of ``scope`` ((qualifier, column) pairs) mostly, an unknown one sometimes."""
    if scope and draw(st.integers(0, 9)) > 0:
        qual, col = draw(st.sampled_from(scope))
        name = col if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", col) and col.lower() not in RESERVED_NAMES \
            else _quote(col)
        if qual and draw(st.integers(0, 3)) == 0:
            return f"{qual}.{name}"
        return name
    return draw(identifiers())


@st.composite
def expressions(draw: st.DrawFn, scope: list[tuple[str, str]], depth: int = 0, aggregate: bool = False) -> str:
    """A scalar expression over the columns in ``scope``."""
    leaf = depth >= 3
    kind = draw(st.integers(0, 4 if leaf else 22))
    if kind <= 2:
        return draw(columns_of(scope))
    if kind <= 4:
        return draw(literals())
    sub = lambda: draw(expressions(scope, depth + 1, aggregate))  # noqa: E731
    if kind == 5:
        op = draw(st.sampled_from(("+", "-", "*", "/", "%", "||", "=", "<>", "<", ">", "<=", ">=", "AND", "OR",
                                   "==", "!=")))
        return f"{sub()} {op} {sub()}"
    if kind == 6:
        return f"{draw(st.sampled_from(('-', 'NOT ', '+', '~')))}{sub()}"
    if kind == 7:
        return f"({sub()})"
    if kind == 8:
        return f"{sub()} IS {draw(st.sampled_from(('', 'NOT ')))}{draw(st.sampled_from(('NULL', 'TRUE', 'FALSE')))}"
    if kind == 9:
        return f"{sub()} {draw(st.sampled_from(('', 'NOT ')))}BETWEEN {sub()} AND {sub()}"
    if kind == 10:
        items = ", ".join(draw(expressions(scope, depth + 1)) for _ in range(draw(st.integers(1, 3))))
        return f"{sub()} {draw(st.sampled_from(('IN', 'NOT IN')))} ({items})"
    if kind == 11:
        return f"{sub()} {draw(st.sampled_from(('LIKE', 'NOT LIKE', 'SIMILAR TO')))} {draw(string_literals())}"
    if kind == 12:
        whens = " ".join(f"WHEN {sub()} THEN {sub()}" for _ in range(draw(st.integers(1, 2))))
        tail = f" ELSE {sub()}" if draw(st.booleans()) else ""
        head = f" {sub()}" if draw(st.integers(0, 3)) == 0 else ""
        return f"CASE{head} {whens}{tail} END"
    if kind == 13:
        return f"{draw(st.sampled_from(('CAST', 'TRY_CAST')))}({sub()} AS {draw(types())})"
    if kind == 14:
        return f"{draw(st.sampled_from(FUNCTIONS_1))}({sub() if draw(st.integers(0, 5)) else ''})"
    if kind == 15:
        args = ", ".join(sub() for _ in range(draw(st.integers(0, 4))))
        return f"{draw(st.sampled_from(FUNCTIONS_N))}({args})"
    if kind == 16 and aggregate:
        fn = draw(st.sampled_from(AGGREGATES))
        arg = "*" if fn == "COUNT" and draw(st.booleans()) else sub()
        distinct = "DISTINCT " if draw(st.integers(0, 4)) == 0 else ""
        return f"{fn}({distinct}{arg})"
    if kind == 17:
        name = draw(st.sampled_from(sorted(UDFS)))
        n = UDFS[name] + draw(st.sampled_from((0, 0, 0, -1, 1)))
        return f"{name}({', '.join(sub() for _ in range(max(n, 0)))})"
    if kind == 18:
        return f"{sub()}[{draw(st.sampled_from(('1', '0', chr(39) + 'k' + chr(39), '-1')))}]"
    if kind == 19:
        fn = draw(st.sampled_from(("ROW_NUMBER()", "RANK()", "SUM(" + sub() + ")", "COUNT(*)", "LAG(" + sub() + ")")))
        order = draw(columns_of(scope))
        frame = draw(st.sampled_from(("", " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW",
                                      " RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW")))
        return f"{fn} OVER (PARTITION BY {draw(columns_of(scope))} ORDER BY {order}{frame})"
    if kind == 20:
        return f"JSON_VALUE({sub()}, '$.a' RETURNING {draw(st.sampled_from(('INT', 'STRING', 'DOUBLE')))} " \
               f"{draw(st.sampled_from(('', 'NULL ON EMPTY', 'DEFAULT 0 ON ERROR')))})"
    if kind == 21:
        return f"ROW({', '.join(sub() for _ in range(draw(st.integers(1, 3))))})"
    return f"{sub()} {draw(st.sampled_from(('+', '-')))} INTERVAL '{draw(st.integers(0, 99))}' " \
           f"{draw(st.sampled_from(UNITS[:8]))}"


# ------------------------------------------------------------------------------ queries

def _scope(schema: Schema, table: str, alias: str | None) -> list[tuple[str, str]]:
    return [(alias or table, c) for c, _ in schema.tables.get(table, [])]


def _table_ref(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and name.lower() not in RESERVED_NAMES \
        else _quote(name)


@st.composite
def from_clauses(draw: st.DrawFn, schema: Schema) -> tuple[str, list[tuple[str, str]], bool]:
    """``FROM ...`` text, the columns it brings in scope, and whether it is a window TVF."""
    names = schema.names()
    unknown = draw(_ascii_name)
    table = draw(st.sampled_from(names)) if names and draw(st.integers(0, 9)) else unknown
    alias = draw(st.sampled_from((None, "t", "a", "s"))) if draw(st.booleans()) else None
    ref = _table_ref(table)
    scope = _scope(schema, table, alias)
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        hint = " /*+ OPTIONS('scan.startup.mode'='latest-offset') */" if draw(st.integers(0, 9)) == 0 else ""
        return f"{ref}{hint}{' AS ' + alias if alias else ''}", scope, False
    if kind <= 5:  # window TVF
        tvf = draw(st.sampled_from(("TUMBLE", "HOP", "CUMULATE", "SESSION")))
        ts = schema.time_columns.get(table) or draw(columns_of(scope))
        size = f"INTERVAL '{draw(st.integers(1, 60))}' {draw(st.sampled_from(('MINUTES', 'SECOND', 'HOUR')))}"
        extra = f", {size}" if tvf in ("HOP", "CUMULATE") else ""
        part = f" PARTITION BY {draw(columns_of(scope))}" if tvf == "SESSION" and draw(st.booleans()) else ""
        w = [("", "window_start"), ("", "window_end"), ("", "window_time")]
        return (f"TABLE({tvf}(TABLE {ref}{part}, DESCRIPTOR({ts}), {size}{extra}))"
                f"{' AS ' + alias if alias else ''}"), scope + w, True
    if kind <= 7 and len(names) >= 1:  # a join
        other = draw(st.sampled_from(names))
        oalias = "o"
        oscope = _scope(schema, other, oalias)
        join = draw(st.sampled_from(("JOIN", "LEFT JOIN", "FULL OUTER JOIN", "INNER JOIN", "CROSS JOIN", "RIGHT JOIN")))
        temporal = ""
        if draw(st.integers(0, 3)) == 0:
            temporal = f" FOR SYSTEM_TIME AS OF {draw(columns_of(scope))}"
        cond = "" if join == "CROSS JOIN" else f" ON {draw(columns_of(scope))} = {draw(columns_of(oscope))}"
        if draw(st.integers(0, 3)) == 0:
            cond += f" AND {draw(columns_of(scope))} BETWEEN {draw(columns_of(oscope))} - INTERVAL '1' HOUR " \
                    f"AND {draw(columns_of(oscope))}"
        left = f"{ref}{' AS ' + alias if alias else ''}"
        return f"{left} {join} {_table_ref(other)}{temporal} AS {oalias}{cond}", scope + oscope, False
    if kind == 8:  # a subquery
        query = draw(queries(schema, depth=1))
        return f"({query}) AS sq", [("sq", c) for _, c in scope], False
    return (f"{ref}{' AS ' + alias if alias else ''}, LATERAL TABLE(clean_label({draw(columns_of(scope))})) "
            f"AS T(label)"), scope + [("T", "label")], False


@st.composite
def queries(draw: st.DrawFn, schema: Schema, depth: int = 0, width: int | None = None) -> str:
    """A SELECT (sometimes VALUES, a UNION, a WITH) over the schema's tables."""
    if depth < 2 and draw(st.integers(0, 12)) == 0:
        return f"{draw(queries(schema, depth + 1, width))} UNION ALL {draw(queries(schema, depth + 1, width))}"
    if depth < 1 and draw(st.integers(0, 12)) == 0:
        return f"WITH c AS ({draw(queries(schema, depth + 1))}) SELECT * FROM c"
    if draw(st.integers(0, 15)) == 0:
        n = width or draw(st.integers(1, 3))
        rows = ", ".join("(" + ", ".join(draw(literals()) for _ in range(n)) + ")"
                         for _ in range(draw(st.integers(1, 2))))
        return f"VALUES {rows}"
    source, scope, windowed = draw(from_clauses(schema))
    grouped = windowed or draw(st.integers(0, 3)) == 0
    n = width or draw(st.integers(1, 4))
    items = []
    for i in range(n):
        if not width and i == 0 and draw(st.integers(0, 6)) == 0:
            items.append("*")
            continue
        e = draw(expressions(scope, aggregate=grouped))
        if draw(st.booleans()):
            e += f" AS {draw(identifiers())}"
        items.append(e)
    distinct = "DISTINCT " if draw(st.integers(0, 9)) == 0 else ""
    sql = f"SELECT {distinct}{', '.join(items)}{draw(spaces())}FROM {source}"
    if draw(st.integers(0, 2)) == 0:
        sql += f"{draw(spaces())}WHERE {draw(expressions(scope))}"
    if grouped:
        keys = [draw(columns_of(scope)) for _ in range(draw(st.integers(1, 2)))]
        if windowed:
            keys = ["window_start", "window_end"] + keys[:1]
        sql += f"{draw(spaces())}GROUP BY {', '.join(keys)}"
        if draw(st.integers(0, 4)) == 0:
            sql += f" HAVING {draw(expressions(scope, aggregate=True))}"
    if draw(st.integers(0, 5)) == 0:
        sql += f" ORDER BY {draw(columns_of(scope))} {draw(st.sampled_from(('', 'ASC', 'DESC')))}"
    if draw(st.integers(0, 5)) == 0:
        sql += f" LIMIT {draw(st.sampled_from(('10', '0', '-1', '1e3', chr(39) + '5' + chr(39))))}"
    return sql


# ------------------------------------------------------------------------------ statements

@st.composite
def create_tables(draw: st.DrawFn, schema: Schema) -> str:
    name = draw(identifiers())
    cols: list[tuple[str, str]] = []
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        col, ty = draw(identifiers()), draw(types())
        cols.append((_bare(col), ty))
        extra = ""
        if draw(st.integers(0, 6)) == 0:
            extra = draw(st.sampled_from((" METADATA", " METADATA FROM 'timestamp'", " METADATA VIRTUAL",
                                          " COMMENT 'c'", " PRIMARY KEY NOT ENFORCED", " NOT NULL")))
        parts.append(f"{col} {ty}{extra}")
    ts = None
    if draw(st.integers(0, 2)) == 0:
        ts = draw(st.sampled_from(("ts", "event_time", "`time`")))
        parts.append(f"{ts} {draw(st.sampled_from(('TIMESTAMP(3)', 'TIMESTAMP_LTZ(3)', 'BIGINT', 'STRING')))}")
        cols.append((_bare(ts), "TIMESTAMP(3)"))
    if cols and draw(st.integers(0, 4)) == 0:
        src = draw(st.sampled_from(cols))[0]
        comp = draw(identifiers())
        parts.append(f"{comp} AS {draw(expressions([('', src)]))}")
        cols.append((_bare(comp), ""))
    if ts and draw(st.booleans()):
        delay = draw(st.sampled_from(("INTERVAL '5' SECOND", "INTERVAL '0' SECONDS", "'5'", "1")))
        parts.append(f"WATERMARK FOR {ts} AS {ts} - {delay}")
        schema.time_columns[_bare(name)] = ts
    if cols and draw(st.integers(0, 4)) == 0:
        key = draw(st.sampled_from(cols))[0]
        parts.append(f"PRIMARY KEY ({_quote(key)}){draw(st.sampled_from((' NOT ENFORCED', ' NOT ENFORCED', '')))}")
    head = draw(st.sampled_from(("CREATE TABLE", "CREATE TEMPORARY TABLE", "CREATE TABLE IF NOT EXISTS",
                                 "CREATE TEMPORARY TABLE IF NOT EXISTS")))
    sql = f"{head} {name} ({','.join(draw(spaces()) + p for p in parts)})"
    if draw(st.integers(0, 6)) == 0:
        sql += " COMMENT 'a table'"
    if cols and draw(st.integers(0, 6)) == 0:
        sql += f" PARTITIONED BY ({_quote(draw(st.sampled_from(cols))[0])})"
    options = [("connector", draw(st.sampled_from(CONNECTORS)))] if draw(st.integers(0, 9)) else []
    for _ in range(draw(st.integers(0, 5))):
        options.append((draw(st.sampled_from(OPTION_KEYS)), draw(st.sampled_from(OPTION_VALUES))))
    if options or draw(st.booleans()):
        opts = ",".join(f"{draw(spaces())}'{k}' = '{v}'" for k, v in options)
        sql += f" WITH ({opts})"
    if draw(st.integers(0, 12)) == 0 and schema.tables:
        sql += f" LIKE {_table_ref(draw(st.sampled_from(schema.names())))}"
    schema.tables[_bare(name)] = cols
    return sql


@st.composite
def statements(draw: st.DrawFn, schema: Schema) -> str:
    kind = draw(st.integers(0, 19))
    if kind <= 5 or not schema.tables:
        return draw(create_tables(schema))
    if kind <= 7:
        name = draw(identifiers())
        query = draw(queries(schema))
        cols = ""
        if draw(st.integers(0, 5)) == 0:
            cols = f" ({', '.join(draw(identifiers()) for _ in range(draw(st.integers(1, 3))))})"
        schema.tables[_bare(name)] = [(c, "") for c in ("a", "b")]
        return f"CREATE {draw(st.sampled_from(('', 'TEMPORARY ')))}VIEW {name}{cols} AS{draw(spaces())}{query}"
    if kind <= 12:
        target = draw(st.sampled_from(schema.names()))
        width = len(schema.tables[target]) or 1
        cols = ""
        if draw(st.integers(0, 4)) == 0:
            cols = " (" + ", ".join(_quote(c) for c, _ in schema.tables[target][:width]) + ")"
        verb = draw(st.sampled_from(("INSERT INTO", "INSERT INTO", "INSERT OVERWRITE", "INSERT INTO TABLE")))
        query = draw(queries(schema, width=width if draw(st.integers(0, 4)) else None))
        return f"{verb} {_table_ref(target)}{cols}{draw(spaces())}{query}"
    if kind == 13:
        return f"SET '{draw(st.sampled_from(SET_KEYS))}' = '{draw(st.sampled_from(SET_VALUES))}'"
    if kind == 14:
        fn = draw(st.sampled_from((*UDFS, "nope", "`my fn`")))
        target = draw(st.sampled_from(("udfs.scoring.bucket", "udfs.scoring.clean_label", "udfs.nope.f",
                                       "com.example.Fn", "", "udfs..x", "../evil")))
        lang = draw(st.sampled_from(("PYTHON", "JAVA", "SCALA", "COBOL", "")))
        return f"CREATE {draw(st.sampled_from(('', 'TEMPORARY ', 'TEMPORARY SYSTEM ')))}FUNCTION {fn} AS " \
               f"'{target}'{' LANGUAGE ' + lang if lang else ''}"
    if kind == 15:
        n = draw(st.integers(0, 5))
        inputs = ", ".join(f"f{i} {draw(st.sampled_from(('FLOAT', 'DOUBLE', 'STRING', 'ARRAY<FLOAT>')))}"
                           for i in range(n))
        path = draw(st.sampled_from(("models/ctr.onnx", "models/missing.onnx", "../x.onnx", "", "/etc/passwd")))
        provider = draw(st.sampled_from(("onnx", "openai", "")))
        return f"CREATE TEMPORARY MODEL m INPUT ({inputs}) OUTPUT (probability FLOAT) " \
               f"WITH ('provider' = '{provider}', 'path' = '{path}')"
    if kind == 16:
        table = _table_ref(draw(st.sampled_from(schema.names())))
        cols = ", ".join(draw(identifiers()) for _ in range(draw(st.integers(0, 3))))
        return f"SELECT * FROM ML_PREDICT(TABLE {table}, MODEL m, DESCRIPTOR({cols}))"
    if kind == 17:
        inserts = []
        for _ in range(draw(st.integers(0, 3))):
            target = draw(st.sampled_from(schema.names()))
            inserts.append(f"INSERT INTO {_table_ref(target)} {draw(queries(schema))};")
        if draw(st.booleans()):
            return "EXECUTE STATEMENT SET BEGIN " + " ".join(inserts) + " END"
        return "BEGIN STATEMENT SET; " + " ".join(inserts) + " END"
    if kind == 18:
        return draw(st.sampled_from(("RESET", "SHOW TABLES", "USE CATALOG default_catalog", "DESCRIBE t",
                                     "EXPLAIN SELECT 1", "DROP TABLE IF EXISTS t", "ALTER TABLE t RENAME TO u",
                                     "ALTER TABLE t SET ('k' = 'v')", "DROP TEMPORARY VIEW v", "SHOW JOBS")))
    return draw(queries(schema))


@st.composite
def sql_scripts(draw: st.DrawFn, max_statements: int = 6) -> str:
    """A whole SQL file drawn from the grammar: statements ended by ``;`` (the last one maybe not)."""
    schema = Schema()
    parts = []
    for _ in range(draw(st.integers(1, max_statements))):
        lead = draw(comments()) + "\n" if draw(st.integers(0, 5)) == 0 else ""
        parts.append(lead + draw(statements(schema)))
    sep = draw(st.sampled_from((";\n", ";\n\n", "; ", ";")))
    text = sep.join(parts)
    if draw(st.integers(0, 3)):
        text += ";"
    if draw(st.integers(0, 5)) == 0:
        text += "\n" + draw(comments())
    if draw(st.integers(0, 9)) == 0:
        text = text.lower()
    return text + ("\n" if draw(st.booleans()) else "")
