-- Hard negative mining (batch): score every curated negative (an impression without a
-- curated click) with the current CTR model and keep the highest-scored ones as new
-- training candidates: the model was most sure of a click that did not happen.
--
-- The features are those of sqlflow.gen.features.CTR_FEATURES (the model's training features).
SET 'table.local-time-zone' = 'UTC';

-- A bounded job: it reads each source up to its latest offset, then finishes.
SET 'execution.runtime-mode' = 'batch';

CREATE TEMPORARY FUNCTION ctr_score
AS 'udfs.pipeline_models.ctr_score'
LANGUAGE PYTHON;

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
    'properties.group.id' = 'sqlflow-analysis',
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
    'properties.group.id' = 'sqlflow-analysis',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset',
    'format' = 'json'
);

CREATE TEMPORARY TABLE hard_negatives (
    impression_id STRING,
    user_id STRING,
    ad_id STRING,
    event_time BIGINT,
    model_version STRING,
    served_score DOUBLE,
    score DOUBLE
)
WITH (
    'connector' = 'filesystem',
    'path' = '${OUT_DIR:-out}/analysis/hard_negatives',
    'format' = 'json'
);

CREATE TEMPORARY VIEW scored_negatives
AS
SELECT
    i.impression_id,
    i.user_id,
    i.ad_id,
    i.event_time,
    i.model_version,
    i.model_score AS served_score,
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
        CAST(i.ad_position AS DOUBLE),
        SIN(2 * PI() * CAST(MOD(i.event_time, 86400000) AS DOUBLE) / 86400000),
        COS(2 * PI() * CAST(MOD(i.event_time, 86400000) AS DOUBLE) / 86400000),
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
        CAST(i.event_time - u.signup_time AS DOUBLE) / 86400000
    ) AS score
FROM curated_impressions AS i
JOIN users AS u
    ON i.user_id = u.user_id
JOIN ads AS a
    ON i.ad_id = a.ad_id
WHERE
    i.impression_id NOT IN (
        SELECT
            impression_id
        FROM curated_clicks
    );

INSERT OVERWRITE hard_negatives
SELECT
    impression_id,
    user_id,
    ad_id,
    event_time,
    model_version,
    served_score,
    score
FROM scored_negatives
ORDER BY
    score DESC
LIMIT ${HARD_NEGATIVES_K};
