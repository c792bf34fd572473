-- Hard negative mining (batch): score every curated negative (an impression without a
-- curated click) with the current CTR model and keep the highest-scored ones as new
-- training candidates: the model was most sure of a click that did not happen.
--
-- The features are those of sqlflow.gen.features.CTR_FEATURES (the model's training features).
SET 'table.local-time-zone' = 'UTC';

-- A bounded job: it reads each source up to its latest offset, then finishes.
SET 'execution.runtime-mode' = 'batch';

-- The CTR model, run natively in Flink's JVM by sqlflow's 'onnx' model provider; its inputs are the
-- training features of sqlflow.gen.features.CTR_FEATURES, in tensor order (float32, as the model takes).
CREATE TEMPORARY MODEL ctr
INPUT (
    user_interest_0 FLOAT,
    user_interest_1 FLOAT,
    user_interest_2 FLOAT,
    user_interest_3 FLOAT,
    ad_embedding_0 FLOAT,
    ad_embedding_1 FLOAT,
    ad_embedding_2 FLOAT,
    ad_embedding_3 FLOAT,
    ad_quality FLOAT,
    ad_bid FLOAT,
    ad_position FLOAT,
    day_sin FLOAT,
    day_cos FLOAT,
    is_mobile FLOAT,
    age_index FLOAT,
    tenure_days FLOAT
)
OUTPUT (
    probability FLOAT
)
WITH (
    'provider' = 'onnx',
    'path' = 'models/ctr.onnx'
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

CREATE TEMPORARY VIEW negative_features
AS
SELECT
    i.impression_id,
    i.user_id,
    i.ad_id,
    i.event_time,
    i.model_version,
    i.model_score AS served_score,
    u.interests[1] AS user_interest_0,
    u.interests[2] AS user_interest_1,
    u.interests[3] AS user_interest_2,
    u.interests[4] AS user_interest_3,
    a.embedding[1] AS ad_embedding_0,
    a.embedding[2] AS ad_embedding_1,
    a.embedding[3] AS ad_embedding_2,
    a.embedding[4] AS ad_embedding_3,
    CAST(a.quality AS FLOAT) AS ad_quality,
    CAST(a.bid AS FLOAT) AS ad_bid,
    CAST(i.ad_position AS FLOAT) AS ad_position,
    CAST(SIN(2 * PI() * CAST(MOD(i.event_time, 86400000) AS DOUBLE) / 86400000) AS FLOAT) AS day_sin,
    CAST(COS(2 * PI() * CAST(MOD(i.event_time, 86400000) AS DOUBLE) / 86400000) AS FLOAT) AS day_cos,
    CAST(CASE WHEN u.device = 'mobile' THEN 1 ELSE 0 END AS FLOAT) AS is_mobile,
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
    END AS FLOAT) AS age_index,
    CAST(CAST(i.event_time - u.signup_time AS DOUBLE) / 86400000 AS FLOAT) AS tenure_days
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

CREATE TEMPORARY VIEW scored_negatives
AS
SELECT
    impression_id,
    user_id,
    ad_id,
    event_time,
    model_version,
    served_score,
    probability AS score
FROM ML_PREDICT(
    TABLE negative_features,
    MODEL ctr,
    DESCRIPTOR(user_interest_0, user_interest_1, user_interest_2, user_interest_3, ad_embedding_0, ad_embedding_1, ad_embedding_2, ad_embedding_3, ad_quality, ad_bid, ad_position, day_sin, day_cos, is_mobile, age_index, tenure_days)
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
