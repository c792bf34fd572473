-- Feedback: what was served joined with what users then did, in event time.
--
--   served impressions  x curated clicks     -> clicked within 1 minute?   (CTR model)
--   suggested replies   x reply outcomes     -> accepted within 2 minutes? (reply model)
--
-- Joins are interval LEFT joins on event time, so an impression without a click is emitted
-- (label 0) once the watermark has passed the end of its interval. Per model version, window
-- TVFs aggregate the joined rows: tumbling 1-minute and hopping 5-minute (1-minute slide)
-- windows of the rate (CTR, acceptance rate) and the mean predicted score; calibration is mean
-- predicted vs observed. The joined, labelled rows are also exported as training data (JSON
-- files partitioned by day; files are committed on checkpoints).
--
-- Late events. The watermark delay is the allowed lateness: 10 s on the curated topics (the
-- deduplication emits each 10-second window's rows together), 5 s on the raw reply topics.
-- An event that arrives behind its source's watermark would be dropped by the joins and windows;
-- such events are routed to the late_events topic instead (compared with CURRENT_WATERMARK),
-- where they are counted, and left out of the windows and the exported training rows.
SET 'table.local-time-zone' = 'UTC';

SET 'execution.checkpointing.interval' = '10 s';

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
    review STRING,
    ts AS TO_TIMESTAMP_LTZ(event_time, 3),
    WATERMARK FOR ts AS ts - INTERVAL '10' SECOND
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}curated_impressions',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-feedback',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
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
    review STRING,
    ts AS TO_TIMESTAMP_LTZ(event_time, 3),
    WATERMARK FOR ts AS ts - INTERVAL '10' SECOND
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}curated_clicks',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-feedback',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'json'
);

CREATE TEMPORARY TABLE suggestions (
    suggestion_id STRING,
    conversation_id STRING,
    user_id STRING,
    event_time BIGINT,
    model_score DOUBLE,
    model_version STRING,
    ts AS TO_TIMESTAMP_LTZ(event_time, 3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}suggestions',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-feedback',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'json'
);

CREATE TEMPORARY TABLE reply_outcomes (
    outcome_id STRING,
    suggestion_id STRING,
    user_id STRING,
    event_time BIGINT,
    outcome STRING,
    ts AS TO_TIMESTAMP_LTZ(event_time, 3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}reply_outcomes',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-feedback',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'json'
);

CREATE TEMPORARY TABLE late_events (
    kind STRING,
    event_id STRING,
    event_time BIGINT,
    `watermark` STRING
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}late_events',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once'
);

CREATE TEMPORARY TABLE feedback_metrics (
    model STRING,
    model_version STRING,
    window_kind STRING,
    window_start STRING,
    window_end STRING,
    events BIGINT,
    positives BIGINT,
    rate DOUBLE,
    mean_predicted DOUBLE
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}feedback_metrics',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once'
);

CREATE TEMPORARY TABLE training_ctr (
    impression_id STRING,
    user_id STRING,
    ad_id STRING,
    event_time BIGINT,
    ad_position INT,
    model_score DOUBLE,
    model_version STRING,
    label INT,
    click_time BIGINT,
    dt STRING
)
PARTITIONED BY (dt)
WITH (
    'connector' = 'filesystem',
    'path' = '${OUT_DIR:-out}/training/ctr',
    'format' = 'json',
    'sink.partition-commit.policy.kind' = 'success-file'
);

CREATE TEMPORARY TABLE training_reply (
    suggestion_id STRING,
    user_id STRING,
    event_time BIGINT,
    model_score DOUBLE,
    model_version STRING,
    outcome STRING,
    label INT,
    dt STRING
)
PARTITIONED BY (dt)
WITH (
    'connector' = 'filesystem',
    'path' = '${OUT_DIR:-out}/training/reply',
    'format' = 'json',
    'sink.partition-commit.policy.kind' = 'success-file'
);

CREATE TEMPORARY VIEW impressions_on_time
AS
SELECT
    *
FROM curated_impressions
WHERE
    CURRENT_WATERMARK(ts) IS NULL OR ts > CURRENT_WATERMARK(ts);

CREATE TEMPORARY VIEW clicks_on_time
AS
SELECT
    *
FROM curated_clicks
WHERE
    CURRENT_WATERMARK(ts) IS NULL OR ts > CURRENT_WATERMARK(ts);

CREATE TEMPORARY VIEW suggestions_on_time
AS
SELECT
    *
FROM suggestions
WHERE
    CURRENT_WATERMARK(ts) IS NULL OR ts > CURRENT_WATERMARK(ts);

CREATE TEMPORARY VIEW outcomes_on_time
AS
SELECT
    *
FROM reply_outcomes
WHERE
    CURRENT_WATERMARK(ts) IS NULL OR ts > CURRENT_WATERMARK(ts);

INSERT INTO late_events
SELECT
    'impression',
    impression_id,
    event_time,
    CAST(CURRENT_WATERMARK(ts) AS STRING)
FROM curated_impressions
WHERE
    ts <= CURRENT_WATERMARK(ts);

INSERT INTO late_events
SELECT
    'click',
    click_id,
    event_time,
    CAST(CURRENT_WATERMARK(ts) AS STRING)
FROM curated_clicks
WHERE
    ts <= CURRENT_WATERMARK(ts);

INSERT INTO late_events
SELECT
    'suggestion',
    suggestion_id,
    event_time,
    CAST(CURRENT_WATERMARK(ts) AS STRING)
FROM suggestions
WHERE
    ts <= CURRENT_WATERMARK(ts);

INSERT INTO late_events
SELECT
    'outcome',
    outcome_id,
    event_time,
    CAST(CURRENT_WATERMARK(ts) AS STRING)
FROM reply_outcomes
WHERE
    ts <= CURRENT_WATERMARK(ts);

CREATE TEMPORARY VIEW served_impressions
AS
SELECT
    i.impression_id,
    i.user_id,
    i.ad_id,
    i.event_time,
    i.ts,
    i.ad_position,
    i.model_score,
    i.model_version,
    CASE WHEN c.click_id IS NULL THEN 0 ELSE 1 END AS clicked,
    c.event_time AS click_time
FROM impressions_on_time AS i
LEFT JOIN clicks_on_time AS c
    ON c.impression_id = i.impression_id
    AND c.ts BETWEEN i.ts AND i.ts + INTERVAL '1' MINUTE;

CREATE TEMPORARY VIEW served_suggestions
AS
SELECT
    s.suggestion_id,
    s.user_id,
    s.event_time,
    s.ts,
    s.model_score,
    s.model_version,
    o.outcome,
    CASE WHEN o.outcome = 'accepted' THEN 1 ELSE 0 END AS accepted
FROM suggestions_on_time AS s
LEFT JOIN outcomes_on_time AS o
    ON o.suggestion_id = s.suggestion_id
    AND o.ts BETWEEN s.ts AND s.ts + INTERVAL '2' MINUTE;

INSERT INTO feedback_metrics
SELECT
    'ctr',
    model_version,
    'tumble_1m',
    DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss'),
    DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss'),
    COUNT(*),
    SUM(clicked),
    CAST(SUM(clicked) AS DOUBLE) / COUNT(*),
    AVG(model_score)
FROM TABLE(TUMBLE(TABLE served_impressions, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY
    window_start,
    window_end,
    model_version;

INSERT INTO feedback_metrics
SELECT
    'ctr',
    model_version,
    'hop_5m_1m',
    DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss'),
    DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss'),
    COUNT(*),
    SUM(clicked),
    CAST(SUM(clicked) AS DOUBLE) / COUNT(*),
    AVG(model_score)
FROM TABLE(HOP(TABLE served_impressions, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE))
GROUP BY
    window_start,
    window_end,
    model_version;

INSERT INTO feedback_metrics
SELECT
    'reply',
    model_version,
    'tumble_1m',
    DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss'),
    DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss'),
    COUNT(*),
    SUM(accepted),
    CAST(SUM(accepted) AS DOUBLE) / COUNT(*),
    AVG(model_score)
FROM TABLE(TUMBLE(TABLE served_suggestions, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY
    window_start,
    window_end,
    model_version;

INSERT INTO feedback_metrics
SELECT
    'reply',
    model_version,
    'hop_5m_1m',
    DATE_FORMAT(window_start, 'yyyy-MM-dd HH:mm:ss'),
    DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss'),
    COUNT(*),
    SUM(accepted),
    CAST(SUM(accepted) AS DOUBLE) / COUNT(*),
    AVG(model_score)
FROM TABLE(HOP(TABLE served_suggestions, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '5' MINUTE))
GROUP BY
    window_start,
    window_end,
    model_version;

INSERT INTO training_ctr
SELECT
    impression_id,
    user_id,
    ad_id,
    event_time,
    ad_position,
    model_score,
    model_version,
    clicked,
    click_time,
    DATE_FORMAT(ts, 'yyyy-MM-dd')
FROM served_impressions;

INSERT INTO training_reply
SELECT
    suggestion_id,
    user_id,
    event_time,
    model_score,
    model_version,
    outcome,
    accepted,
    DATE_FORMAT(ts, 'yyyy-MM-dd')
FROM served_suggestions;
