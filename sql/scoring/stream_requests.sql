-- Streaming scoring: requests arriving on score_requests (a user, an ad, the slot and the
-- request time) are scored with the CTR model and written to scored_requests.
--
-- Users and ads are read from their topics and joined by id (regular joins: a request that
-- arrives before its user or ad waits in state until they do). The model runs natively, in
-- Flink's JVM: a score goes out when its batch fills or its model's 'flush-interval' (10 ms)
-- passes, which bounds the latency; the demo reports the latency measured from the Kafka
-- timestamps of request and result.
SET 'table.exec.state.ttl' = '1 d';

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

CREATE TEMPORARY VIEW request_features
AS
SELECT
    r.request_id,
    r.user_id,
    r.ad_id,
    r.ad_position AS request_position,
    r.event_time,
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
    CAST(r.ad_position AS FLOAT) AS ad_position,
    CAST(SIN(2 * PI() * CAST(MOD(r.event_time, 86400000) AS DOUBLE) / 86400000) AS FLOAT) AS day_sin,
    CAST(COS(2 * PI() * CAST(MOD(r.event_time, 86400000) AS DOUBLE) / 86400000) AS FLOAT) AS day_cos,
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
    CAST(CAST(r.event_time - u.signup_time AS DOUBLE) / 86400000 AS FLOAT) AS tenure_days
FROM score_requests AS r
JOIN users AS u
    ON r.user_id = u.user_id
JOIN ads AS a
    ON r.ad_id = a.ad_id;

INSERT INTO scored_requests
SELECT
    request_id,
    user_id,
    ad_id,
    request_position AS ad_position,
    event_time,
    probability AS score
FROM ML_PREDICT(
    TABLE request_features,
    MODEL ctr,
    DESCRIPTOR(user_interest_0, user_interest_1, user_interest_2, user_interest_3, ad_embedding_0, ad_embedding_1, ad_embedding_2, ad_embedding_3, ad_quality, ad_bid, ad_position, day_sin, day_cos, is_mobile, age_index, tenure_days)
);
