"""Name and type resolution through queries, and which queries produce updates."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlflow.compiler import compile_project


def resolve(project: Path, sql: str) -> list[tuple[list[tuple[str, str]], bool]]:
    """(columns with types, updating) of each query in ``sql``, added to the good project."""
    (project / "sql" / "zz_case.sql").write_text(sql)
    compiled = compile_project(project)
    assert [d.render() for d in compiled.errors] == []
    out = []
    for s in compiled.project.statements:
        if s.file.rel == "sql/zz_case.sql" and s.relation is not None:
            out.append(([(c.name, str(c.type)) for c in s.relation.columns], s.relation.updating))
    return out


def test_cte_subquery_and_aliases(project: Path) -> None:
    got = resolve(project, """
        WITH a AS (SELECT user_id AS u, f1 * 2 AS g, CAST(ad_id AS STRING) AS s FROM impressions)
        SELECT x.u, x.g, UPPER(x.s) AS up, x.u + 1.5 AS d FROM (SELECT * FROM a) AS x;""")
    assert got == [([("u", "BIGINT"), ("g", "FLOAT"), ("up", "STRING"), ("d", "DECIMAL")], False)]


def test_window_tvf_columns_and_unnest(project: Path) -> None:
    got = resolve(project, """
        SELECT window_start, window_end, window_time, tag
        FROM TABLE(CUMULATE(TABLE impressions, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR))
        CROSS JOIN UNNEST(tags) AS t (tag);""")
    assert got == [([("window_start", "TIMESTAMP(3)"), ("window_end", "TIMESTAMP(3)"),
                     ("window_time", "TIMESTAMP(3)"), ("tag", "STRING")], False)]


def test_union_takes_left_names(project: Path) -> None:
    got = resolve(project, "SELECT impression_id AS id FROM impressions UNION ALL SELECT impression_id FROM clicks;")
    assert got == [([("id", "STRING")], False)]


@pytest.mark.parametrize("query, updating", [
    ("SELECT ad_id, COUNT(*) FROM impressions GROUP BY ad_id", True),
    ("SELECT COUNT(*) FROM impressions", True),
    ("SELECT DISTINCT ad_id FROM impressions", True),
    ("SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE impressions, DESCRIPTOR(ts), INTERVAL '1' MINUTE))"
     " GROUP BY window_start, window_end", False),
    ("SELECT i.ad_id FROM impressions AS i JOIN clicks AS c ON i.impression_id = c.impression_id", False),
    ("SELECT i.ad_id FROM impressions AS i LEFT JOIN clicks AS c ON i.impression_id = c.impression_id", True),
    ("SELECT i.ad_id FROM impressions AS i LEFT JOIN clicks AS c ON i.impression_id = c.impression_id"
     " AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '1' HOUR", False),
    ("SELECT i.ad_id, u.country FROM impressions AS i JOIN users FOR SYSTEM_TIME AS OF i.ts AS u"
     " ON i.user_id = u.user_id", False),
    ("SELECT * FROM (SELECT ad_id, ROW_NUMBER() OVER (PARTITION BY ad_id ORDER BY proc ASC) AS rn"
     " FROM impressions) WHERE rn = 1", False),
    ("SELECT * FROM (SELECT ad_id, ROW_NUMBER() OVER (PARTITION BY ad_id ORDER BY f1 DESC) AS rn"
     " FROM impressions) WHERE rn <= 3", True),
    ("SELECT user_id, country FROM users", True),
])
def test_updating(project: Path, query: str, updating: bool) -> None:
    sql = f"SET 'table.exec.state.ttl' = '1 h';\n{query};\n"
    [(_, got)] = resolve(project, sql)
    assert got is updating
