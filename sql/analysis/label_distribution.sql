-- Label and class distribution of the curated data, per dataset, source and day (batch).
--
--   ctr    curated impressions labelled clicked / not_clicked (a curated click for the
--          impression exists), per source topic they came from
--   reply  suggested replies by outcome (accepted / edited / typed; no_outcome if none yet)
--
-- Class imbalance shows here before training starts. A batch job over a bounded read of
-- the topics: what has been curated when the job starts.
SET 'table.local-time-zone' = 'UTC';

-- A bounded job: it reads each source up to its latest offset, then finishes.
SET 'execution.runtime-mode' = 'batch';

CREATE TEMPORARY TABLE curated_impressions (
    impression_id STRING,
    user_id STRING,
    ad_id STRING,
    event_time BIGINT,
    ad_position INT,
    price DOUBLE,
    model_score DOUBLE,
    model_version STRING,
    source STRING,
    seq BIGINT,
    review STRING
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}curated_impressions',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-analysis',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset',
    'format' = 'json'
);

CREATE TEMPORARY TABLE curated_clicks (
    click_id STRING,
    impression_id STRING,
    user_id STRING,
    ad_id STRING,
    event_time BIGINT,
    price DOUBLE,
    source STRING,
    seq BIGINT,
    review STRING
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}curated_clicks',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-analysis',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset',
    'format' = 'json'
);

CREATE TEMPORARY TABLE suggestions (
    suggestion_id STRING,
    user_id STRING,
    event_time BIGINT,
    model_version STRING
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}suggestions',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-analysis',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset',
    'format' = 'json'
);

CREATE TEMPORARY TABLE reply_outcomes (
    outcome_id STRING,
    suggestion_id STRING,
    event_time BIGINT,
    outcome STRING
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}reply_outcomes',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-analysis',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset',
    'format' = 'json'
);

CREATE TEMPORARY TABLE label_distribution (
    dataset STRING,
    source STRING,
    `day` STRING,
    label STRING,
    n BIGINT,
    total BIGINT,
    share DOUBLE
)
WITH (
    'connector' = 'filesystem',
    'path' = '${OUT_DIR:-out}/analysis/label_distribution',
    'format' = 'json'
);

CREATE TEMPORARY VIEW labelled
AS
SELECT
    'ctr' AS dataset,
    i.source,
    DATE_FORMAT(TO_TIMESTAMP_LTZ(i.event_time, 3), 'yyyy-MM-dd') AS `day`,
    CASE WHEN c.impression_id IS NULL THEN 'not_clicked' ELSE 'clicked' END AS label
FROM curated_impressions AS i
LEFT JOIN (
    SELECT DISTINCT
        impression_id
    FROM curated_clicks
) AS c
    ON i.impression_id = c.impression_id
UNION ALL
SELECT
    'reply' AS dataset,
    'suggestions' AS source,
    DATE_FORMAT(TO_TIMESTAMP_LTZ(s.event_time, 3), 'yyyy-MM-dd') AS `day`,
    COALESCE(o.outcome, 'no_outcome') AS label
FROM suggestions AS s
LEFT JOIN (
    SELECT
        suggestion_id,
        MIN(outcome) AS outcome
    FROM reply_outcomes
    GROUP BY
        suggestion_id
) AS o
    ON s.suggestion_id = o.suggestion_id;

INSERT OVERWRITE label_distribution
SELECT
    dataset,
    source,
    `day`,
    label,
    n,
    total,
    CAST(n AS DOUBLE) / total AS share
FROM (
    SELECT
        dataset,
        source,
        `day`,
        label,
        n,
        SUM(n) OVER (PARTITION BY dataset, source, `day`) AS total
    FROM (
        SELECT
            dataset,
            source,
            `day`,
            label,
            COUNT(*) AS n
        FROM labelled
        GROUP BY
            dataset,
            source,
            `day`,
            label
    )
);
