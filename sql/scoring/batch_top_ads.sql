-- Batch scoring: every ad for every user context, scored by the CTR model (natively, in Flink's
-- JVM: CREATE MODEL + ML_PREDICT); the top K
-- ads per user are kept (Flink's Top-N: ROW_NUMBER() per user by score, <= K).
--
-- A user context is the user's profile at request time SCORING_TIME_MS (a variable, epoch millis,
-- UTC) for the top slot (position 1). The candidates are the cross product users x ads;
-- bench/bench_scoring.py runs this job over a million of them.
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

CREATE TEMPORARY VIEW candidate_features
AS
SELECT
    u.user_id,
    a.ad_id,
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
    CAST(1 AS FLOAT) AS ad_position,
    CAST(SIN(
        2 * PI() * CAST(MOD(${SCORING_TIME_MS:-1767571200000}, 86400000) AS DOUBLE) / 86400000
    ) AS FLOAT) AS day_sin,
    CAST(COS(
        2 * PI() * CAST(MOD(${SCORING_TIME_MS:-1767571200000}, 86400000) AS DOUBLE) / 86400000
    ) AS FLOAT) AS day_cos,
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
    CAST(CAST(${SCORING_TIME_MS:-1767571200000} - u.signup_time AS DOUBLE) / 86400000 AS FLOAT) AS tenure_days
FROM users AS u
CROSS JOIN ads AS a;

CREATE TEMPORARY VIEW candidates
AS
SELECT
    user_id,
    ad_id,
    probability AS score
FROM ML_PREDICT(
    TABLE candidate_features,
    MODEL ctr,
    DESCRIPTOR(user_interest_0, user_interest_1, user_interest_2, user_interest_3, ad_embedding_0, ad_embedding_1, ad_embedding_2, ad_embedding_3, ad_quality, ad_bid, ad_position, day_sin, day_cos, is_mobile, age_index, tenure_days)
);

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
