"""Flink's built-in functions: names, arities and result types.

The table covers the scalar, aggregate and window functions of Flink's SQL
reference (``docs/dev/table/functions/systemfunctions``), so that a call to a
real Flink function is never reported as unknown and the type of its result
flows on. A result is a type text, or one of:

``$0``/``$1``/``$2`` the type of that argument; ``$common`` the common type
of all arguments; ``$elem0`` the element type of an ARRAY argument 0;
``$array0`` an ARRAY of argument 0's type; ``$any`` unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlflow.compiler.types import ANY, FlinkType, common_type, parse_type


@dataclass(frozen=True)
class Builtin:
    """A Flink built-in function: SQL name, argument count range, result rule."""

    name: str
    min_args: int
    max_args: int | None  # None: any number
    result: str
    aggregate: bool = False

    def accepts(self, n: int) -> bool:
        return n >= self.min_args and (self.max_args is None or n <= self.max_args)

    def arity_text(self) -> str:
        if self.max_args is None:
            return f"at least {self.min_args}"
        if self.min_args == self.max_args:
            return str(self.min_args)
        return f"{self.min_args} to {self.max_args}"

    def result_type(self, args: list[FlinkType]) -> FlinkType:
        r = self.result
        if not r.startswith("$"):
            return parse_type(r)
        if r == "$common":
            return common_type(args)
        if r == "$elem0":
            return args[0].args[0] if args and args[0].root == "ARRAY" and args[0].args else ANY
        if r == "$array0":
            return FlinkType("ARRAY", args=(args[0].plain(),)) if args else ANY
        if r[1:].isdigit():
            i = int(r[1:])
            return args[i].plain() if i < len(args) else ANY
        return ANY


# name min max result   (max "*" = variadic)
_SCALARS = """
ABS 1 1 $0; MOD 2 2 $0; SQRT 1 1 DOUBLE; LN 1 1 DOUBLE; LOG10 1 1 DOUBLE; LOG2 1 1 DOUBLE
LOG 1 2 DOUBLE; EXP 1 1 DOUBLE; POWER 2 2 DOUBLE; POW 2 2 DOUBLE; CEIL 1 2 $0; CEILING 1 2 $0
FLOOR 1 2 $0; SIN 1 1 DOUBLE; COS 1 1 DOUBLE; TAN 1 1 DOUBLE; COT 1 1 DOUBLE; ASIN 1 1 DOUBLE
ACOS 1 1 DOUBLE; ATAN 1 1 DOUBLE; ATAN2 2 2 DOUBLE; SINH 1 1 DOUBLE; COSH 1 1 DOUBLE
TANH 1 1 DOUBLE; DEGREES 1 1 DOUBLE; RADIANS 1 1 DOUBLE; SIGN 1 1 $0; ROUND 1 2 $0
PI 0 0 DOUBLE; E 0 0 DOUBLE; RAND 0 1 DOUBLE; RAND_INTEGER 1 2 INT; UUID 0 0 STRING
BIN 1 1 STRING; HEX 1 1 STRING; UNHEX 1 1 BYTES; TRUNCATE 1 2 $0; PERCENTILE 2 3 DOUBLE
CHAR_LENGTH 1 1 INT; CHARACTER_LENGTH 1 1 INT; LENGTH 1 1 INT; UPPER 1 1 STRING
LOWER 1 1 STRING; POSITION 2 2 INT; TRIM 1 2 STRING; LTRIM 1 2 STRING; RTRIM 1 2 STRING
BTRIM 1 2 STRING; REPEAT 2 2 STRING; REGEXP_REPLACE 3 3 STRING; OVERLAY 3 4 STRING
SUBSTRING 2 3 STRING; SUBSTR 2 3 STRING; REPLACE 3 3 STRING; REGEXP_EXTRACT 2 3 STRING
REGEXP_EXTRACT_ALL 2 3 ARRAY<STRING>; REGEXP 2 2 BOOLEAN; REGEXP_COUNT 2 2 INT
REGEXP_INSTR 2 2 INT; REGEXP_SUBSTR 2 2 STRING; INITCAP 1 1 STRING; CONCAT 1 * STRING
CONCAT_WS 2 * STRING; LPAD 3 3 STRING; RPAD 3 3 STRING; FROM_BASE64 1 1 STRING
TO_BASE64 1 1 STRING; ASCII 1 1 INT; CHR 1 1 STRING; DECODE 2 2 STRING; ENCODE 2 2 BYTES
INSTR 2 2 INT; LEFT 2 2 STRING; RIGHT 2 2 STRING; LOCATE 2 3 INT; PARSE_URL 2 3 STRING
SPLIT_INDEX 3 3 STRING; STR_TO_MAP 1 3 MAP<STRING,STRING>; SPLIT 2 2 ARRAY<STRING>
REVERSE 1 1 STRING; ELT 2 * STRING; TRANSLATE 3 3 STRING; URL_DECODE 1 1 STRING
URL_ENCODE 1 1 STRING; PRINTF 1 * STRING; STARTSWITH 2 2 BOOLEAN; ENDSWITH 2 2 BOOLEAN
JSON_VALUE 2 * STRING; JSON_QUERY 2 * STRING; JSON_EXISTS 2 3 BOOLEAN; JSON_STRING 1 1 STRING
JSON_OBJECT 0 * STRING; JSON_ARRAY 0 * STRING; JSON_QUOTE 1 1 STRING; JSON_UNQUOTE 1 1 STRING
MD5 1 1 STRING; SHA1 1 1 STRING; SHA2 2 2 STRING; SHA224 1 1 STRING; SHA256 1 1 STRING
SHA384 1 1 STRING; SHA512 1 1 STRING; DATE_FORMAT 2 2 STRING; TIMESTAMPADD 3 3 $2
TIMESTAMPDIFF 3 3 INT; CONVERT_TZ 3 3 STRING; FROM_UNIXTIME 1 2 STRING; UNIX_TIMESTAMP 0 2 BIGINT
TO_DATE 1 2 DATE; TO_TIMESTAMP 1 2 TIMESTAMP(3); TO_TIMESTAMP_LTZ 1 3 TIMESTAMP_LTZ(3)
CURRENT_DATE 0 0 DATE; CURRENT_TIME 0 0 TIME; CURRENT_TIMESTAMP 0 0 TIMESTAMP_LTZ(3)
LOCALTIME 0 0 TIME; LOCALTIMESTAMP 0 0 TIMESTAMP(3); NOW 0 0 TIMESTAMP_LTZ(3)
CURRENT_ROW_TIMESTAMP 0 0 TIMESTAMP_LTZ(3); PROCTIME 0 0 TIMESTAMP_LTZ(3)
SOURCE_WATERMARK 0 0 TIMESTAMP(3); CURRENT_WATERMARK 1 1 $0; EXTRACT 2 2 BIGINT; YEAR 1 1 BIGINT
QUARTER 1 1 BIGINT; MONTH 1 1 BIGINT; WEEK 1 1 BIGINT; DAYOFYEAR 1 1 BIGINT
DAYOFMONTH 1 1 BIGINT; DAYOFWEEK 1 1 BIGINT; HOUR 1 1 BIGINT; MINUTE 1 1 BIGINT
SECOND 1 1 BIGINT; DATE_ADD 2 2 DATE; DATE_SUB 2 2 DATE; DATEDIFF 2 2 INT
TUMBLE_START 2 3 TIMESTAMP(3); TUMBLE_END 2 3 TIMESTAMP(3); TUMBLE_ROWTIME 2 3 TIMESTAMP(3)
TUMBLE_PROCTIME 2 3 TIMESTAMP_LTZ(3); HOP_START 3 4 TIMESTAMP(3); HOP_END 3 4 TIMESTAMP(3)
HOP_ROWTIME 3 4 TIMESTAMP(3); HOP_PROCTIME 3 4 TIMESTAMP_LTZ(3); SESSION_START 2 2 TIMESTAMP(3)
SESSION_END 2 2 TIMESTAMP(3); SESSION_ROWTIME 2 2 TIMESTAMP(3); SESSION_PROCTIME 2 2 TIMESTAMP_LTZ(3)
TUMBLE 2 3 $any; HOP 3 4 $any; SESSION 2 2 $any; CUMULATE 3 4 $any
COALESCE 1 * $common; IF 3 3 $1; NULLIF 2 2 $0; IFNULL 2 2 $common; NVL 2 2 $common
IS_ALPHA 1 1 BOOLEAN; IS_DECIMAL 1 1 BOOLEAN; IS_DIGIT 1 1 BOOLEAN; GREATEST 1 * $common
LEAST 1 * $common; TYPEOF 1 2 STRING; CAST 1 1 $any; TRY_CAST 1 1 $any
CARDINALITY 1 1 INT; ELEMENT 1 1 $elem0; ARRAY_CONTAINS 2 2 BOOLEAN; ARRAY_DISTINCT 1 1 $0
ARRAY_POSITION 2 2 INT; ARRAY_REMOVE 2 2 $0; ARRAY_REVERSE 1 1 $0; ARRAY_SLICE 2 3 $0
ARRAY_UNION 2 2 $0; ARRAY_CONCAT 1 * $0; ARRAY_EXCEPT 2 2 $0; ARRAY_INTERSECT 2 2 $0
ARRAY_MAX 1 1 $elem0; ARRAY_MIN 1 1 $elem0; ARRAY_JOIN 2 3 STRING; ARRAY_SORT 1 3 $0
ARRAY_APPEND 2 2 $0; ARRAY_PREPEND 2 2 $0; MAP_KEYS 1 1 $any; MAP_VALUES 1 1 $any
MAP_ENTRIES 1 1 $any; MAP_FROM_ARRAYS 2 2 $any; MAP_UNION 1 * $0; GROUPING 1 * BIGINT
GROUPING_ID 1 * BIGINT; GROUP_ID 0 0 BIGINT; HASH_CODE 1 1 INT; ARRAY 0 * $array0; MAP 0 * $any
ROW 0 * $any; UNNEST 1 * $any
"""

_AGGREGATES = """
COUNT 0 * BIGINT; SUM 1 1 $0; SUM0 1 1 $0; AVG 1 1 $0; MIN 1 1 $0; MAX 1 1 $0
STDDEV_POP 1 1 $0; STDDEV_SAMP 1 1 $0; STDDEV 1 1 $0; VAR_POP 1 1 $0; VAR_SAMP 1 1 $0
VARIANCE 1 1 $0; COLLECT 1 1 $any; LISTAGG 1 2 STRING; FIRST_VALUE 1 1 $0; LAST_VALUE 1 1 $0
ARRAY_AGG 1 1 $array0; JSON_OBJECTAGG 2 2 STRING; JSON_ARRAYAGG 1 1 STRING
APPROX_COUNT_DISTINCT 1 1 BIGINT; ROW_NUMBER 0 0 BIGINT; RANK 0 0 BIGINT; DENSE_RANK 0 0 BIGINT
PERCENT_RANK 0 0 DOUBLE; CUME_DIST 0 0 DOUBLE; NTILE 1 1 BIGINT; LEAD 1 3 $0; LAG 1 3 $0
BIT_AND 1 1 $0; BIT_OR 1 1 $0; BIT_XOR 1 1 $0
"""

#: Window table-valued functions and the process table functions of Flink 2.x.
TABLE_FUNCTIONS = frozenset({"TUMBLE", "HOP", "CUMULATE", "SESSION", "ML_PREDICT", "ML_EVALUATE"})


def _load(text: str, aggregate: bool) -> dict[str, Builtin]:
    out: dict[str, Builtin] = {}
    for entry in text.replace("\n", ";").split(";"):
        parts = entry.split()
        if not parts:
            continue
        name, lo, hi, result = parts
        out[name] = Builtin(name, int(lo), None if hi == "*" else int(hi), result, aggregate)
    return out


BUILTINS: dict[str, Builtin] = {**_load(_SCALARS, False), **_load(_AGGREGATES, True)}

#: Aggregates whose presence (outside an OVER window) makes a query a grouping.
AGGREGATES = frozenset(n for n, b in BUILTINS.items() if b.aggregate) - {
    "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE", "LEAD", "LAG"}


def builtin(name: str) -> Builtin | None:
    """The built-in function called ``name`` (any case), if Flink has one."""
    return BUILTINS.get(name.upper())
