"""Hypothesis strategies for near-valid Flink SQL jobs: sources and sinks with their connectors'
options, views, aggregates, windows, joins, Top-N and UDF calls, typed so that most of them
validate clean (and a few carry one mutation), for the properties that must keep diagnostics."""

from __future__ import annotations

from hypothesis import strategies as st

from fuzz_mutations import mutations

# ------------------------------------------------------------------------------ near-valid jobs

_CLEAN_TYPES = ("INT", "BIGINT", "STRING", "DOUBLE", "FLOAT", "BOOLEAN", "DECIMAL(10, 2)", "TIMESTAMP(3)",
                "ARRAY<FLOAT>", "MAP<STRING, INT>")
_CONNECTOR_OPTIONS = {
    "datagen": (("number-of-rows", "10"),),
    "print": (),
    "blackhole": (),
    "kafka": (("topic", "t"), ("properties.bootstrap.servers", "${KAFKA_BOOTSTRAP}"), ("format", "json"),
              ("scan.startup.mode", "earliest-offset"), ("sink.delivery-guarantee", "exactly-once"),
              ("sink.transactional-id-prefix", "fuzz")),
    "upsert-kafka": (("topic", "t"), ("properties.bootstrap.servers", "localhost:9092"), ("key.format", "json"),
                     ("value.format", "json")),
    "filesystem": (("path", "/tmp/fuzz"), ("format", "csv")),
}
_NUMERIC = ("INT", "BIGINT", "DOUBLE", "FLOAT", "DECIMAL(10, 2)")


@st.composite
def clean_expressions(draw: st.DrawFn, cols: list[tuple[str, str]], depth: int = 0) -> tuple[str, str]:
    """``(sql, type)``: an expression over ``cols`` that type-checks (mostly)."""
    numeric = [(c, t) for c, t in cols if t in _NUMERIC]
    strings = [(c, t) for c, t in cols if t == "STRING"]
    kind = draw(st.integers(0, 9 if depth < 2 else 2))
    if kind <= 1 and cols:
        c, t = draw(st.sampled_from(cols))
        return c, t
    if kind == 2:
        return draw(st.sampled_from((("1", "INT"), ("'a'", "STRING"), ("2.5", "DECIMAL(10, 2)"), ("TRUE", "BOOLEAN"),
                                     ("CAST(NULL AS STRING)", "STRING"), ("TIMESTAMP '2024-01-01 00:00:00'",
                                                                          "TIMESTAMP(3)"))))
    if kind == 3 and numeric:
        a = draw(clean_expressions(numeric, depth + 1))[0]
        b = draw(clean_expressions(numeric, depth + 1))[0]
        return f"{a} {draw(st.sampled_from(('+', '-', '*')))} {b}", "DOUBLE"
    if kind == 4 and strings:
        a = draw(st.sampled_from(strings))[0]
        return draw(st.sampled_from((f"UPPER({a})", f"CONCAT({a}, '-')", f"clean_label({a})", f"TRIM({a})",
                                     f"COALESCE({a}, '')", f"JSON_VALUE({a}, '$.x')"))), "STRING"
    if kind == 5 and cols:
        c, t = draw(st.sampled_from(cols))
        target = draw(st.sampled_from(("STRING", "BIGINT", "DOUBLE", "INT")))
        return f"CAST({c} AS {target})", target
    if kind == 6 and numeric:
        c = draw(st.sampled_from(numeric))[0]
        return f"CASE WHEN {c} > 0 THEN {c} ELSE 0 END", "DOUBLE"
    if kind == 7 and len(numeric) >= 1:
        args = [f"CAST({draw(st.sampled_from(numeric))[0]} AS FLOAT)" for _ in range(4)]
        return f"ctr_score({', '.join(args)})", "FLOAT"
    if kind == 8 and [c for c, t in cols if t == "BIGINT"]:
        return f"bucket({draw(st.sampled_from([c for c, t in cols if t == 'BIGINT']))})", "BIGINT"
    if kind == 9 and cols:
        c, _ = draw(st.sampled_from(cols))
        return f"{c} IS NOT NULL", "BOOLEAN"
    return "1", "INT"


@st.composite
def clean_scripts(draw: st.DrawFn) -> str:
    """A job that is valid or nearly so: sources and sinks with the options their connectors need, views,
    INSERTs whose columns match, aggregates with their GROUP BY, windows over watermarked times, joins."""
    out = []
    tables: dict[str, list[tuple[str, str]]] = {}
    watermarked: dict[str, str] = {}
    if draw(st.booleans()):
        out.append(f"SET 'execution.runtime-mode' = '{draw(st.sampled_from(('streaming', 'batch')))}'")
    for i in range(draw(st.integers(1, 3))):
        name = f"src{i}"
        cols = [(f"c{j}", draw(st.sampled_from(_CLEAN_TYPES))) for j in range(draw(st.integers(1, 4)))]
        parts = [f"{c} {t}" for c, t in cols]
        if draw(st.booleans()):
            parts.append("ts TIMESTAMP(3)")
            cols.append(("ts", "TIMESTAMP(3)"))
            if draw(st.integers(0, 3)):
                parts.append("WATERMARK FOR ts AS ts - INTERVAL '5' SECOND")
                watermarked[name] = "ts"
        if draw(st.integers(0, 3)) == 0:
            parts.append("pt AS PROCTIME()")
        connector = draw(st.sampled_from(("datagen", "kafka", "filesystem", "kafka")))
        opts = [("connector", connector), *_CONNECTOR_OPTIONS[connector]]
        out.append(f"CREATE TEMPORARY TABLE {name} (\n    " + ",\n    ".join(parts) + "\n) WITH (\n    "
                   + ",\n    ".join(f"'{k}' = '{v}'" for k, v in opts) + "\n)")
        tables[name] = cols
    for i in range(draw(st.integers(0, 2))):
        src = draw(st.sampled_from(sorted(tables)))
        cols = tables[src]
        picked = draw(st.lists(st.sampled_from(cols), min_size=1, max_size=3, unique=True))
        exprs = [(draw(clean_expressions(cols)), f"v{k}") for k in range(len(picked))]
        select = ", ".join(f"{e} AS {a}" for (e, _), a in exprs)
        where = f" WHERE {draw(clean_expressions(cols))[0]} IS NOT NULL" if draw(st.booleans()) else ""
        out.append(f"CREATE TEMPORARY VIEW view{i} AS\nSELECT {select}\nFROM {src}{where}")
        tables[f"view{i}"] = [(a, t) for (_, t), a in exprs]
        if src in watermarked and draw(st.booleans()):
            pass
    sources = sorted(tables)
    for i in range(draw(st.integers(1, 3))):
        src = draw(st.sampled_from(sources))
        cols = tables[src]
        shape = draw(st.sampled_from(("plain", "agg", "window", "join", "topn", "union")))
        if shape == "agg" and cols:
            key = draw(st.sampled_from(cols))
            select = [(key[0], key[1]), ("COUNT(*)", "BIGINT")]
            numeric = [c for c, t in cols if t in _NUMERIC]
            if numeric:
                select.append((f"SUM({draw(st.sampled_from(numeric))})", "DOUBLE"))
            query = f"SELECT {', '.join(e for e, _ in select)}\nFROM {src}\nGROUP BY {key[0]}"
        elif shape == "window" and src in watermarked:
            size = draw(st.sampled_from(("INTERVAL '1' MINUTE", "INTERVAL '10' SECONDS")))
            tvf = draw(st.sampled_from((f"TUMBLE(TABLE {src}, DESCRIPTOR(ts), {size})",
                                        f"HOP(TABLE {src}, DESCRIPTOR(ts), INTERVAL '5' SECOND, {size})",
                                        f"CUMULATE(TABLE {src}, DESCRIPTOR(ts), INTERVAL '5' SECOND, {size})")))
            select = [("window_start", "TIMESTAMP(3)"), ("window_end", "TIMESTAMP(3)"), ("COUNT(*)", "BIGINT")]
            query = f"SELECT window_start, window_end, COUNT(*)\nFROM TABLE({tvf})\nGROUP BY window_start, window_end"
        elif shape == "join" and len(sources) > 1:
            other = draw(st.sampled_from([s for s in sources if s != src]))
            a, b = draw(st.sampled_from(cols)), draw(st.sampled_from(tables[other]))
            kind = draw(st.sampled_from(("JOIN", "LEFT JOIN", "FULL OUTER JOIN")))
            cond = f"l.{a[0]} = r.{b[0]}"
            if src in watermarked and other in watermarked and draw(st.booleans()):
                cond += " AND l.ts BETWEEN r.ts - INTERVAL '1' HOUR AND r.ts"
            select = [(f"l.{a[0]}", a[1]), (f"r.{b[0]}", b[1])]
            query = f"SELECT l.{a[0]}, r.{b[0]}\nFROM {src} AS l\n{kind} {other} AS r ON {cond}"
        elif shape == "topn" and cols:
            key, order = draw(st.sampled_from(cols)), draw(st.sampled_from(cols))
            select = [(key[0], key[1]), (order[0], order[1])]
            query = (f"SELECT {key[0]}, {order[0]}\nFROM (\n    SELECT *, ROW_NUMBER() OVER (PARTITION BY {key[0]} "
                     f"ORDER BY {order[0]} DESC) AS rn\n    FROM {src}\n)\nWHERE rn <= {draw(st.integers(0, 3))}")
        elif shape == "union":
            c = draw(st.sampled_from(cols))
            select = [(c[0], c[1])]
            query = f"SELECT {c[0]} FROM {src}\nUNION ALL\nSELECT {c[0]} FROM {src}"
        else:
            picked = draw(st.lists(st.sampled_from(cols), min_size=1, max_size=4))
            select = [draw(clean_expressions(cols)) for _ in picked]
            query = f"SELECT {', '.join(e for e, _ in select)}\nFROM {src}"
        sink = f"sink{i}"
        connector = draw(st.sampled_from(("print", "blackhole", "kafka", "upsert-kafka", "filesystem")))
        opts = [("connector", connector), *_CONNECTOR_OPTIONS[connector]]
        sink_cols = [f"o{k} {t if draw(st.integers(0, 7)) else draw(st.sampled_from(_CLEAN_TYPES))}"
                     for k, (_, t) in enumerate(select)]
        if connector == "upsert-kafka":
            sink_cols.append("PRIMARY KEY (o0) NOT ENFORCED")
        out.append(f"CREATE TEMPORARY TABLE {sink} (\n    " + ",\n    ".join(sink_cols) + "\n) WITH (\n    "
                   + ",\n    ".join(f"'{k}' = '{v}'" for k, v in opts) + "\n)")
        out.append(f"INSERT INTO {sink}\n{query}")
    text = ";\n\n".join(out) + ";\n"
    if draw(st.integers(0, 2)) == 0:
        text = draw(mutations(text, max_ops=1))[0]
    return text
