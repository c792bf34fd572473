from __future__ import annotations

from pathlib import Path

import pytest

CATALOG = """-- shared tables
CREATE TABLE src (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');
"""

COUNTS = """SET 'table.exec.mini-batch.enabled' = 'false';
CREATE TABLE snk (k INT, c BIGINT) WITH ('connector' = 'print');

INSERT INTO snk
SELECT k, COUNT(*) FROM src GROUP BY k;
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A small project: a catalog file and two job files."""
    (tmp_path / "sqlflow.yaml").write_text("name: demo\ntarget: local\ntargets:\n  local:\n    rest_port: 18999\n")
    sql = tmp_path / "sql"
    (sql / "feedback").mkdir(parents=True)
    (sql / "tables.sql").write_text(CATALOG)
    (sql / "feedback" / "counts.sql").write_text(COUNTS)
    (sql / "copy.sql").write_text("CREATE TABLE out2 (k INT) WITH ('connector' = 'blackhole');\n"
                                  "INSERT INTO out2 SELECT k FROM src;\n")
    return tmp_path
