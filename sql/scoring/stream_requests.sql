-- Streaming scoring: requests arriving on score_requests (a user, an ad, the slot and the
-- request time) are scored with the CTR model and written to scored_requests.
--
-- Users and ads are read from their topics and joined by id (regular joins: a request that
-- arrives before its user or ad waits in state until they do). Scores go out as the pandas
-- UDF's batches fill or 'python.fn-execution.bundle.time' passes, which bounds the latency;
-- the demo reports the latency measured from the Kafka timestamps of request and result.
SET 'python.fn-execution.bundle.time' = '100';

SET 'python.fn-execution.arrow.batch.size' = '1000';

SET 'table.exec.state.ttl' = '1 d';

CREATE TEMPORARY FUNCTION ctr_score
AS 'udfs.pipeline_models.ctr_score'
LANGUAGE PYTHON;

CREATE TEMPORARY TABLE users (
    user_id STRING,
    country STRING,
    device STRING,
    age_bucket STRING,
    signup_time BIGINT,
    interests ARRAY<FLOAT>
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}users',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-scoring',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'json'
);

CREATE TEMPORARY TABLE ads (
    ad_id STRING,
    advertiser_id STRING,
    category STRING,
    bid DOUBLE,
    quality DOUBLE,
    embedding ARRAY<FLOAT>
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}ads',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-scoring',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'json'
);

CREATE TEMPORARY TABLE score_requests (
    request_id STRING,
    user_id STRING,
    ad_id STRING,
    ad_position INT,
    event_time BIGINT
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}score_requests',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-scoring',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'json'
);

CREATE TEMPORARY TABLE scored_requests (
    request_id STRING,
    user_id STRING,
    ad_id STRING,
    ad_position INT,
    event_time BIGINT,
    score DOUBLE
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}scored_requests',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once'
);

INSERT INTO scored_requests
SELECT
    r.request_id,
    r.user_id,
    r.ad_id,
    r.ad_position,
    r.event_time,
    ctr_score(
        CAST(u.interests[1] AS DOUBLE),
        CAST(u.interests[2] AS DOUBLE),
        CAST(u.interests[3] AS DOUBLE),
        CAST(u.interests[4] AS DOUBLE),
        CAST(a.embedding[1] AS DOUBLE),
        CAST(a.embedding[2] AS DOUBLE),
        CAST(a.embedding[3] AS DOUBLE),
        CAST(a.embedding[4] AS DOUBLE),
        a.quality,
        a.bid,
        CAST(r.ad_position AS DOUBLE),
        SIN(2 * PI() * CAST(MOD(r.event_time, 86400000) AS DOUBLE) / 86400000),
        COS(2 * PI() * CAST(MOD(r.event_time, 86400000) AS DOUBLE) / 86400000),
        CAST(CASE WHEN u.device = 'mobile' THEN 1 ELSE 0 END AS DOUBLE),
        CAST(CASE u.age_bucket
            WHEN '18-24'
            THEN 0
            WHEN '25-34'
            THEN 1
            WHEN '35-44'
            THEN 2
            WHEN '45-54'
            THEN 3
            WHEN '55+'
            THEN 4
        END AS DOUBLE),
        CAST(r.event_time - u.signup_time AS DOUBLE) / 86400000
    ) AS score
FROM score_requests AS r
JOIN users AS u
    ON r.user_id = u.user_id
JOIN ads AS a
    ON r.ad_id = a.ad_id;
