-- Batch scoring: every ad for every user context, scored by the CTR model; the top K
-- ads per user are kept (Flink's Top-N: ROW_NUMBER() per user by score, <= K).
--
-- A user context is the user's profile at request time SCORING_TIME_MS (a variable, epoch millis,
-- UTC) for the top slot (position 1). The candidates are the cross product users x ads;
-- bench/bench_scoring.py runs this job over a million of them.
-- A bounded job: it reads each source up to its latest offset, then finishes.
SET 'execution.runtime-mode' = 'batch';

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
    'scan.bounded.mode' = 'latest-offset',
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
    'scan.bounded.mode' = 'latest-offset',
    'format' = 'json'
);

CREATE TEMPORARY TABLE top_ads (
    user_id STRING,
    `rank` BIGINT,
    ad_id STRING,
    score DOUBLE
)
WITH (
    'connector' = 'filesystem',
    'path' = '${OUT_DIR:-out}/scoring/top_ads',
    'format' = 'json'
);

CREATE TEMPORARY VIEW candidates
AS
SELECT
    u.user_id,
    a.ad_id,
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
        CAST(1 AS DOUBLE),
        SIN(
            2 * PI() * CAST(MOD(${SCORING_TIME_MS:-1767571200000}, 86400000) AS DOUBLE) / 86400000
        ),
        COS(
            2 * PI() * CAST(MOD(${SCORING_TIME_MS:-1767571200000}, 86400000) AS DOUBLE) / 86400000
        ),
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
        CAST(${SCORING_TIME_MS:-1767571200000} - u.signup_time AS DOUBLE) / 86400000
    ) AS score
FROM users AS u
CROSS JOIN ads AS a;

INSERT OVERWRITE top_ads
SELECT
    user_id,
    rownum,
    ad_id,
    score
FROM (
    SELECT
        user_id,
        ad_id,
        score,
        ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY score DESC) AS rownum
    FROM candidates
)
WHERE
    rownum <= ${TOP_K};
