'''The files of a new project, as text: ``{name}`` is replaced by the project's name.'''

from __future__ import annotations

SQLFLOW_YAML = """\
# sqlflow project settings; every setting has a default.
name: {name}
target: embedded          # embedded | local | remote | kubernetes
targets:
  embedded:
    rest_port: 8081       # the Flink dashboard while jobs run
    parallelism: 1
vars: {{}}                 # values for ${{NAME}} in the SQL (else the environment)
"""

JOB_SQL = """\
-- Page views per page section and minute, in event time.
-- A datagen source stands in for a Kafka topic and a print sink shows the rows.
-- With Kafka, read only committed records and write exactly-once: sqlflow checkpoints
-- streaming jobs and gives each sink its transactional id, so a restart after a
-- failure neither loses nor repeats a row.
--   source: WITH ('connector' = 'kafka', 'topic' = 'page_views', 'format' = 'json',
--                 'properties.bootstrap.servers' = '${{KAFKA_BOOTSTRAP}}',
--                 'properties.group.id' = 'page-views', 'scan.startup.mode' = 'earliest-offset',
--                 'properties.isolation.level' = 'read_committed')
--   sink:   WITH ('connector' = 'kafka', 'topic' = 'page_views_per_minute', 'format' = 'json',
--                 'properties.bootstrap.servers' = '${{KAFKA_BOOTSTRAP}}',
--                 'sink.delivery-guarantee' = 'exactly-once')
CREATE TEMPORARY FUNCTION page_section
AS 'udfs.pages.page_section'
LANGUAGE PYTHON;

CREATE TABLE page_views (
    user_id BIGINT,
    page STRING,
    ts TIMESTAMP_LTZ(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
)
WITH (
    'connector' = 'datagen',
    'number-of-rows' = '1000',
    'rows-per-second' = '200',
    'fields.user_id.min' = '1',
    'fields.user_id.max' = '50',
    'fields.page.length' = '6'
);

CREATE TABLE page_views_per_minute (
    window_start TIMESTAMP(3),
    window_end TIMESTAMP(3),
    section STRING,
    view_count BIGINT,
    users BIGINT
)
WITH (
    'connector' = 'print'
);

CREATE TEMPORARY VIEW sectioned_views
AS
SELECT
    user_id,
    page_section(page) AS section,
    ts
FROM page_views;

INSERT INTO page_views_per_minute
SELECT
    window_start,
    window_end,
    section,
    COUNT(*) AS view_count,
    COUNT(DISTINCT user_id) AS users
FROM TABLE(TUMBLE(TABLE sectioned_views, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY
    window_start,
    window_end,
    section;
"""

TEST_YAML = """\
# sqlflow test: runs page_views_per_minute.sql on a Flink mini-cluster with
# these rows in place of the datagen source, and compares what the INSERT
# writes with the rows under expect (in any order). Times are UTC.
inputs:
  page_views:
    - {{user_id: 1, page: /Home, ts: "2024-01-01 00:00:05"}}
    - {{user_id: 2, page: /home/news, ts: "2024-01-01 00:00:30"}}
    - {{user_id: 1, page: /cart, ts: "2024-01-01 00:00:59.999"}}
    - {{user_id: 1, page: /home, ts: "2024-01-01 00:01:10"}}
expect:
  page_views_per_minute:
    - {{window_start: "2024-01-01 00:00:00", window_end: "2024-01-01 00:01:00", section: home, view_count: 2, users: 2}}
    - {{window_start: "2024-01-01 00:00:00", window_end: "2024-01-01 00:01:00", section: cart, view_count: 1, users: 1}}
    - {{window_start: "2024-01-01 00:01:00", window_end: "2024-01-01 00:02:00", section: home, view_count: 1, users: 1}}
"""

UDF_PY = '''\
"""Python UDFs that the SQL calls (CREATE TEMPORARY FUNCTION ... LANGUAGE PYTHON)."""

from __future__ import annotations

import pandas as pd

from sqlflow.udf import udf


@udf(args=["STRING"], result="STRING")
def page_section(page: pd.Series) -> pd.Series:
    """The first path segment of a page, lower-cased: '/Home/news' -> 'home'.

    Vectorized: Flink hands over a batch of rows as a pandas Series.
    """
    return page.str.lower().str.strip("/").str.split("/").str[0]
'''

GITIGNORE = """\
.sqlflow/
__pycache__/
*.pyc
.venv/
"""

README = """\
# {name}

A sqlflow project: streaming SQL on Apache Flink.

```
sql/page_views_per_minute.sql        the job: datagen source -> UDF -> 1-minute windows -> print
sql/page_views_per_minute.test.yaml  its test: input rows and the rows expected out
udfs/pages.py                        the Python UDF the job calls
sqlflow.yaml                         settings
```

Commands, from this folder:

```
sqlflow validate    # check the SQL like a compiler
sqlflow test        # run the *.test.yaml tests on a Flink mini-cluster
sqlflow run         # run the jobs on an embedded Flink (dashboard on :8081)
```
"""

#: path in the project -> template
FILES: dict[str, str] = {
    "sqlflow.yaml": SQLFLOW_YAML,
    "sql/page_views_per_minute.sql": JOB_SQL,
    "sql/page_views_per_minute.test.yaml": TEST_YAML,
    "udfs/__init__.py": "",
    "udfs/pages.py": UDF_PY,
    ".gitignore": GITIGNORE,
    "README.md": README,
}
