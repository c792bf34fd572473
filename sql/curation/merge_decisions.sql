-- Merge review decisions back: records that a person approved (`sqlflow review approve`) join
-- the curated stream; rejected ones go to quarantine with reason 'rejected_in_review'.
-- A record stays pending (only in review_queue) until a decision for its review_id arrives.
-- Both inputs are append-only and the join is inner, so the output is append-only too; the
-- join state (records still waiting for a decision) expires after 'table.exec.state.ttl'.
SET 'table.exec.state.ttl' = '7 d';

CREATE TEMPORARY TABLE review_queue (
    review_id STRING,
    kind STRING,
    source STRING,
    seq BIGINT,
    event_id STRING,
    reason STRING,
    event_time BIGINT,
    record STRING
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}review_queue',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-merge-decisions',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'json'
);

CREATE TEMPORARY TABLE review_decisions (
    review_id STRING,
    decision STRING,
    reviewer STRING,
    note STRING,
    decided_at BIGINT
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}review_decisions',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-merge-decisions',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'json',
    'json.ignore-parse-errors' = 'true'
);

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
    'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once'
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
    'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once'
);

CREATE TEMPORARY TABLE quarantine (
    kind STRING,
    source STRING,
    seq BIGINT,
    event_id STRING,
    reason STRING,
    event_time BIGINT,
    line STRING
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}quarantine',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once'
);

CREATE TEMPORARY VIEW decided
AS
SELECT
    q.review_id,
    q.kind,
    q.source,
    q.seq,
    q.event_id,
    q.event_time,
    q.record,
    d.decision
FROM review_queue AS q
JOIN review_decisions AS d
    ON q.review_id = d.review_id
WHERE
    d.decision IN ('approve', 'reject');

INSERT INTO curated_impressions
SELECT
    JSON_VALUE(record, '$.impression_id'),
    JSON_VALUE(record, '$.user_id'),
    JSON_VALUE(record, '$.ad_id'),
    event_time,
    CAST(JSON_VALUE(record, '$.ad_position') AS INT),
    CAST(JSON_VALUE(record, '$.price') AS DOUBLE),
    CAST(JSON_VALUE(record, '$.model_score') AS DOUBLE),
    JSON_VALUE(record, '$.model_version'),
    source,
    seq,
    'approved'
FROM decided
WHERE
    kind = 'impression' AND decision = 'approve';

INSERT INTO curated_clicks
SELECT
    JSON_VALUE(record, '$.click_id'),
    JSON_VALUE(record, '$.impression_id'),
    JSON_VALUE(record, '$.user_id'),
    JSON_VALUE(record, '$.ad_id'),
    event_time,
    CAST(JSON_VALUE(record, '$.price') AS DOUBLE),
    source,
    seq,
    'approved'
FROM decided
WHERE
    kind = 'click' AND decision = 'approve';

INSERT INTO quarantine
SELECT
    kind,
    source,
    seq,
    event_id,
    'rejected_in_review',
    event_time,
    record
FROM decided
WHERE
    decision = 'reject';
