-- Curation: impressions and clicks from a JSON and a CSV topic each -> one schema,
-- checked by quality rules, deduplicated in event time, split three ways.
--
--   curated_impressions / curated_clicks  records that pass every rule (one per event id)
--   quarantine                            records that fail a rule, with the reason and the raw line
--   review_queue                          records that pass the rules but look doubtful (outliers);
--                                         `sqlflow review` decides them and merge_decisions.sql
--                                         sends them on to curated or quarantine
--
-- Nothing is dropped silently. Raw lines are read as STRING ('raw' format) and parsed here
-- with JSON_VALUE / SPLIT_INDEX, so a truncated or malformed record becomes a quarantined row
-- with its reason instead of a parse error that would kill the job (or a lost record, as
-- 'json.ignore-parse-errors' would make it). Every input line ends in exactly one place:
--   input = curated + quarantined + review + duplicates dropped by the deduplication.
--
-- Event time and lateness: each source's watermark trails its largest event time by 5 s
-- (the sources' bound of out-of-orderness). Duplicates are removed by Flink's window
-- deduplication over 10-second tumbling windows (both copies of an event carry the same event
-- time, so they always meet in one window); its output is append-only. A window drops records
-- that arrive after it fired, so records already behind the watermark are routed to quarantine
-- with reason 'late' before the deduplication, where CURRENT_WATERMARK(ts) tells them apart.
-- Records whose time cannot be parsed get event time 0 so they never move the watermark.
-- The 'late' test runs per record before the windows see it, and a window's watermark never
-- runs ahead of its inputs', so a record passed on as on time is never dropped by a window.
-- No source idle timeout is set: an idle source would let the windows' watermark pass the
-- others' records; with many partitions, keep every partition fed or set one knowingly.
-- Downstream jobs read the curated topics with a watermark of 10 s (the window size): the
-- deduplication emits a window's rows together, in no order within the window.
--
-- Hostile records. A line is judged whole before its fields: empty (or a Kafka record without
-- a value), too_large (over MAX_LINE_CHARS; quarantined with its first 1,000 characters, the
-- record itself stays in its topic at seq), bad_encoding (bytes that are not UTF-8 decode to
-- U+FFFD), control_character (raw, or escaped inside an id), then malformed / truncated JSON,
-- wrong_shape (JSON that is not an object; a CSV row with extra columns) and unknown_field (a JSON
-- key the source does not have). Event times outside [EVENT_TIME_MIN_MS, EVENT_TIME_MAX_MS]
-- (2000 to 2100 by default) are time_out_of_range, and the sources' watermarks ignore them, so a
-- record from the year 3000 cannot make every later record late. A price above MAX_PRICE, infinite
-- or NaN is out_of_range; a NaN score is bad_score. Range tests are written `(x BETWEEN a AND b) IS
-- NOT TRUE`: Flink turns `NOT BETWEEN` into `x < a OR x > b`, which lets NaN through.
--
-- Delivery: every sink writes exactly-once (Kafka transactions committed at checkpoints; sqlflow
-- supplies the transactional ids), and every source reads read_committed, so a restart after a
-- failure neither loses nor repeats a record downstream.
SET 'table.local-time-zone' = 'UTC';

CREATE TEMPORARY TABLE impressions_json_raw (
    line STRING,
    seq BIGINT METADATA FROM 'offset' VIRTUAL,
    ts AS COALESCE(
        TO_TIMESTAMP_LTZ(
            CASE
                WHEN TRY_CAST(JSON_VALUE(line, '$.eventTime') AS BIGINT) BETWEEN ${EVENT_TIME_MIN_MS:-946684800000} AND ${EVENT_TIME_MAX_MS:-4102444800000}
                THEN TRY_CAST(JSON_VALUE(line, '$.eventTime') AS BIGINT)
            END,
            3
        ),
        TO_TIMESTAMP_LTZ(0, 3)
    ),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}impressions_json',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-curation',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'raw'
);

CREATE TEMPORARY TABLE impressions_csv_raw (
    line STRING,
    seq BIGINT METADATA FROM 'offset' VIRTUAL,
    ts AS COALESCE(
        CASE
            WHEN TO_TIMESTAMP_LTZ(SPLIT_INDEX(line, ',', 3), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''', 'UTC') BETWEEN TO_TIMESTAMP_LTZ(${EVENT_TIME_MIN_MS:-946684800000}, 3) AND TO_TIMESTAMP_LTZ(${EVENT_TIME_MAX_MS:-4102444800000}, 3)
            THEN TO_TIMESTAMP_LTZ(SPLIT_INDEX(line, ',', 3), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''', 'UTC')
        END,
        TO_TIMESTAMP_LTZ(0, 3)
    ),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}impressions_csv',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-curation',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'raw'
);

CREATE TEMPORARY TABLE clicks_json_raw (
    line STRING,
    seq BIGINT METADATA FROM 'offset' VIRTUAL,
    ts AS COALESCE(
        TO_TIMESTAMP_LTZ(
            CASE
                WHEN TRY_CAST(JSON_VALUE(line, '$.eventTime') AS BIGINT) BETWEEN ${EVENT_TIME_MIN_MS:-946684800000} AND ${EVENT_TIME_MAX_MS:-4102444800000}
                THEN TRY_CAST(JSON_VALUE(line, '$.eventTime') AS BIGINT)
            END,
            3
        ),
        TO_TIMESTAMP_LTZ(0, 3)
    ),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}clicks_json',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-curation',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'raw'
);

CREATE TEMPORARY TABLE clicks_csv_raw (
    line STRING,
    seq BIGINT METADATA FROM 'offset' VIRTUAL,
    ts AS COALESCE(
        CASE
            WHEN TO_TIMESTAMP_LTZ(SPLIT_INDEX(line, ',', 4), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''', 'UTC') BETWEEN TO_TIMESTAMP_LTZ(${EVENT_TIME_MIN_MS:-946684800000}, 3) AND TO_TIMESTAMP_LTZ(${EVENT_TIME_MAX_MS:-4102444800000}, 3)
            THEN TO_TIMESTAMP_LTZ(SPLIT_INDEX(line, ',', 4), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''', 'UTC')
        END,
        TO_TIMESTAMP_LTZ(0, 3)
    ),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
)
WITH (
    'connector' = 'kafka',
    'topic' = '${TOPIC_PREFIX:-}clicks_csv',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = 'sqlflow-curation',
    'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = '${SCAN_BOUNDED_MODE:-unbounded}',
    'format' = 'raw'
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
    'format' = 'json',
    'sink.delivery-guarantee' = 'exactly-once'
);

-- Each source's fields as text, under the canonical (snake_case) names.
CREATE TEMPORARY VIEW impressions_text
AS
SELECT
    'impressions_json' AS source,
    seq,
    line,
    ts,
    CASE
        WHEN line IS NULL OR TRIM(line) = ''
        THEN 'empty'
        WHEN CHAR_LENGTH(line) > ${MAX_LINE_CHARS:-100000}
        THEN 'too_large'
        WHEN REGEXP(line, '\uFFFD')
        THEN 'bad_encoding'
        WHEN REGEXP(line, '[\x00-\x1F\x7F]')
        THEN 'control_character'
        WHEN line IS JSON OBJECT
        THEN CASE WHEN CAST(JSON_VALUE(line, '$.length()') AS INT) > 8 THEN 'unknown_field' END
        WHEN line IS JSON
        THEN 'wrong_shape'
        WHEN TRIM(line) LIKE '{%' AND TRIM(line) NOT LIKE '%}'
        THEN 'truncated'
        ELSE 'malformed'
    END AS line_reason,
    JSON_VALUE(line, '$.impressionId') AS impression_id,
    JSON_VALUE(line, '$.userId') AS user_id,
    JSON_VALUE(line, '$.adId') AS ad_id,
    TRY_CAST(JSON_VALUE(line, '$.eventTime') AS BIGINT) AS event_time,
    COALESCE(JSON_VALUE(line, '$.adPosition'), JSON_QUERY(line, '$.adPosition')) AS position_text,
    COALESCE(JSON_VALUE(line, '$.price'), JSON_QUERY(line, '$.price')) AS price_text,
    COALESCE(JSON_VALUE(line, '$.modelScore'), JSON_QUERY(line, '$.modelScore')) AS score_text,
    JSON_VALUE(line, '$.modelVersion') AS model_version
FROM impressions_json_raw
UNION ALL
SELECT
    'impressions_csv' AS source,
    seq,
    line,
    ts,
    CASE
        WHEN line IS NULL OR TRIM(line) = ''
        THEN 'empty'
        WHEN CHAR_LENGTH(line) > ${MAX_LINE_CHARS:-100000}
        THEN 'too_large'
        WHEN REGEXP(line, '\uFFFD')
        THEN 'bad_encoding'
        WHEN REGEXP(line, '[\x00-\x1F\x7F]')
        THEN 'control_character'
        WHEN CHAR_LENGTH(line) - CHAR_LENGTH(REPLACE(line, ',', '')) < 7
        THEN 'truncated'
        WHEN CHAR_LENGTH(line) - CHAR_LENGTH(REPLACE(line, ',', '')) > 7
        THEN 'wrong_shape'
    END AS line_reason,
    NULLIF(SPLIT_INDEX(line, ',', 0), ''),
    NULLIF(SPLIT_INDEX(line, ',', 1), ''),
    NULLIF(SPLIT_INDEX(line, ',', 2), ''),
    CASE
        WHEN TO_TIMESTAMP_LTZ(SPLIT_INDEX(line, ',', 3), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''', 'UTC') IS NOT NULL
        THEN UNIX_TIMESTAMP(SUBSTRING(SPLIT_INDEX(line, ',', 3), 1, 19), 'yyyy-MM-dd''T''HH:mm:ss') * 1000 + CAST(SUBSTRING(SPLIT_INDEX(line, ',', 3), 21, 3) AS INT)
    END,
    SPLIT_INDEX(line, ',', 4),
    SPLIT_INDEX(line, ',', 5),
    SPLIT_INDEX(line, ',', 6),
    NULLIF(SPLIT_INDEX(line, ',', 7), '')
FROM impressions_csv_raw;

-- Typed fields and the first rule each record fails (NULL: it passes them all).
CREATE TEMPORARY VIEW impressions_checked
AS
SELECT
    source,
    seq,
    line,
    ts,
    impression_id,
    user_id,
    ad_id,
    event_time,
    TRY_CAST(position_text AS INT) AS ad_position,
    TRY_CAST(price_text AS DOUBLE) AS price,
    TRY_CAST(score_text AS DOUBLE) AS model_score,
    model_version,
    CASE
        WHEN line_reason IS NOT NULL
        THEN line_reason
        WHEN impression_id IS NULL OR user_id IS NULL OR ad_id IS NULL
        THEN 'missing_id'
        WHEN REGEXP(
            impression_id || user_id || ad_id || COALESCE(model_version, ''),
            '[\x00-\x1F\x7F]'
        )
        THEN 'control_character'
        WHEN event_time IS NULL
        THEN 'bad_time'
        WHEN event_time NOT BETWEEN ${EVENT_TIME_MIN_MS:-946684800000} AND ${EVENT_TIME_MAX_MS:-4102444800000}
        THEN 'time_out_of_range'
        WHEN position_text IS NULL
        OR price_text IS NULL
        OR score_text IS NULL
        OR model_version IS NULL
        THEN 'missing_field'
        WHEN TRY_CAST(position_text AS INT) IS NULL
        OR TRY_CAST(price_text AS DOUBLE) IS NULL
        OR TRY_CAST(score_text AS DOUBLE) IS NULL
        THEN 'wrong_type'
        WHEN TRY_CAST(price_text AS DOUBLE) < 0
        THEN 'negative_price'
        WHEN (
            TRY_CAST(price_text AS DOUBLE) <= ${MAX_PRICE:-1000000}
        ) IS NOT TRUE
        THEN 'out_of_range'
        WHEN TRY_CAST(position_text AS INT) NOT BETWEEN 1 AND 5
        THEN 'bad_position'
        WHEN (
            TRY_CAST(score_text AS DOUBLE) BETWEEN 0 AND 1
        ) IS NOT TRUE
        THEN 'bad_score'
        WHEN ts <= CURRENT_WATERMARK(ts)
        THEN 'late'
    END AS reason
FROM impressions_text;

CREATE TEMPORARY VIEW impressions_valid
AS
SELECT
    *
FROM impressions_checked
WHERE
    reason IS NULL;

-- Window deduplication: the first copy (in event time) of each impression id per window.
CREATE TEMPORARY VIEW impressions_unique
AS
SELECT
    source,
    seq,
    impression_id,
    user_id,
    ad_id,
    event_time,
    ad_position,
    price,
    model_score,
    model_version
FROM (
    SELECT
        *,
        ROW_NUMBER() OVER (PARTITION BY window_start, window_end, impression_id ORDER BY ts ASC) AS rownum
    FROM TABLE(TUMBLE(TABLE impressions_valid, DESCRIPTOR(ts), INTERVAL '10' SECOND))
)
WHERE
    rownum <= 1;

CREATE TEMPORARY VIEW clicks_text
AS
SELECT
    'clicks_json' AS source,
    seq,
    line,
    ts,
    CASE
        WHEN line IS NULL OR TRIM(line) = ''
        THEN 'empty'
        WHEN CHAR_LENGTH(line) > ${MAX_LINE_CHARS:-100000}
        THEN 'too_large'
        WHEN REGEXP(line, '\uFFFD')
        THEN 'bad_encoding'
        WHEN REGEXP(line, '[\x00-\x1F\x7F]')
        THEN 'control_character'
        WHEN line IS JSON OBJECT
        THEN CASE WHEN CAST(JSON_VALUE(line, '$.length()') AS INT) > 6 THEN 'unknown_field' END
        WHEN line IS JSON
        THEN 'wrong_shape'
        WHEN TRIM(line) LIKE '{%' AND TRIM(line) NOT LIKE '%}'
        THEN 'truncated'
        ELSE 'malformed'
    END AS line_reason,
    JSON_VALUE(line, '$.clickId') AS click_id,
    JSON_VALUE(line, '$.impressionId') AS impression_id,
    JSON_VALUE(line, '$.userId') AS user_id,
    JSON_VALUE(line, '$.adId') AS ad_id,
    TRY_CAST(JSON_VALUE(line, '$.eventTime') AS BIGINT) AS event_time,
    COALESCE(JSON_VALUE(line, '$.price'), JSON_QUERY(line, '$.price')) AS price_text
FROM clicks_json_raw
UNION ALL
SELECT
    'clicks_csv' AS source,
    seq,
    line,
    ts,
    CASE
        WHEN line IS NULL OR TRIM(line) = ''
        THEN 'empty'
        WHEN CHAR_LENGTH(line) > ${MAX_LINE_CHARS:-100000}
        THEN 'too_large'
        WHEN REGEXP(line, '\uFFFD')
        THEN 'bad_encoding'
        WHEN REGEXP(line, '[\x00-\x1F\x7F]')
        THEN 'control_character'
        WHEN CHAR_LENGTH(line) - CHAR_LENGTH(REPLACE(line, ',', '')) < 5
        THEN 'truncated'
        WHEN CHAR_LENGTH(line) - CHAR_LENGTH(REPLACE(line, ',', '')) > 5
        THEN 'wrong_shape'
    END AS line_reason,
    NULLIF(SPLIT_INDEX(line, ',', 0), ''),
    NULLIF(SPLIT_INDEX(line, ',', 1), ''),
    NULLIF(SPLIT_INDEX(line, ',', 2), ''),
    NULLIF(SPLIT_INDEX(line, ',', 3), ''),
    CASE
        WHEN TO_TIMESTAMP_LTZ(SPLIT_INDEX(line, ',', 4), 'yyyy-MM-dd''T''HH:mm:ss.SSS''Z''', 'UTC') IS NOT NULL
        THEN UNIX_TIMESTAMP(SUBSTRING(SPLIT_INDEX(line, ',', 4), 1, 19), 'yyyy-MM-dd''T''HH:mm:ss') * 1000 + CAST(SUBSTRING(SPLIT_INDEX(line, ',', 4), 21, 3) AS INT)
    END,
    SPLIT_INDEX(line, ',', 5)
FROM clicks_csv_raw;

CREATE TEMPORARY VIEW clicks_checked
AS
SELECT
    source,
    seq,
    line,
    ts,
    click_id,
    impression_id,
    user_id,
    ad_id,
    event_time,
    TRY_CAST(price_text AS DOUBLE) AS price,
    CASE
        WHEN line_reason IS NOT NULL
        THEN line_reason
        WHEN click_id IS NULL OR impression_id IS NULL OR user_id IS NULL OR ad_id IS NULL
        THEN 'missing_id'
        WHEN REGEXP(click_id || impression_id || user_id || ad_id, '[\x00-\x1F\x7F]')
        THEN 'control_character'
        WHEN event_time IS NULL
        THEN 'bad_time'
        WHEN event_time NOT BETWEEN ${EVENT_TIME_MIN_MS:-946684800000} AND ${EVENT_TIME_MAX_MS:-4102444800000}
        THEN 'time_out_of_range'
        WHEN price_text IS NULL
        THEN 'missing_field'
        WHEN TRY_CAST(price_text AS DOUBLE) IS NULL
        THEN 'wrong_type'
        WHEN TRY_CAST(price_text AS DOUBLE) < 0
        THEN 'negative_price'
        WHEN (
            TRY_CAST(price_text AS DOUBLE) <= ${MAX_PRICE:-1000000}
        ) IS NOT TRUE
        THEN 'out_of_range'
        WHEN ts <= CURRENT_WATERMARK(ts)
        THEN 'late'
    END AS reason
FROM clicks_text;

CREATE TEMPORARY VIEW clicks_valid
AS
SELECT
    *
FROM clicks_checked
WHERE
    reason IS NULL;

CREATE TEMPORARY VIEW clicks_unique
AS
SELECT
    source,
    seq,
    click_id,
    impression_id,
    user_id,
    ad_id,
    event_time,
    price
FROM (
    SELECT
        *,
        ROW_NUMBER() OVER (PARTITION BY window_start, window_end, click_id ORDER BY ts ASC) AS rownum
    FROM TABLE(TUMBLE(TABLE clicks_valid, DESCRIPTOR(ts), INTERVAL '10' SECOND))
)
WHERE
    rownum <= 1;

INSERT INTO quarantine
SELECT
    'impression',
    source,
    seq,
    impression_id,
    reason,
    event_time,
    CASE WHEN reason = 'too_large' THEN SUBSTRING(line, 1, 1000) ELSE line END
FROM impressions_checked
WHERE
    reason IS NOT NULL;

INSERT INTO quarantine
SELECT
    'click',
    source,
    seq,
    click_id,
    reason,
    event_time,
    CASE WHEN reason = 'too_large' THEN SUBSTRING(line, 1, 1000) ELSE line END
FROM clicks_checked
WHERE
    reason IS NOT NULL;

-- Doubtful: a served CTR score far above the rest is more likely a serving bug than a fact.
INSERT INTO review_queue
SELECT
    'impression:' || impression_id,
    'impression',
    source,
    seq,
    impression_id,
    'score_outlier',
    event_time,
    JSON_OBJECT('impression_id' VALUE impression_id, 'user_id' VALUE user_id, 'ad_id' VALUE ad_id, 'event_time' VALUE event_time, 'ad_position' VALUE ad_position, 'price' VALUE price, 'model_score' VALUE model_score, 'model_version' VALUE model_version)
FROM impressions_unique
WHERE
    model_score >= ${REVIEW_MIN_IMPRESSION_SCORE};

INSERT INTO curated_impressions
SELECT
    impression_id,
    user_id,
    ad_id,
    event_time,
    ad_position,
    price,
    model_score,
    model_version,
    source,
    seq,
    'none'
FROM impressions_unique
WHERE
    model_score < ${REVIEW_MIN_IMPRESSION_SCORE};

-- Doubtful: a click charged far above the usual bids.
INSERT INTO review_queue
SELECT
    'click:' || click_id,
    'click',
    source,
    seq,
    click_id,
    'price_outlier',
    event_time,
    JSON_OBJECT('click_id' VALUE click_id, 'impression_id' VALUE impression_id, 'user_id' VALUE user_id, 'ad_id' VALUE ad_id, 'event_time' VALUE event_time, 'price' VALUE price)
FROM clicks_unique
WHERE
    price >= ${REVIEW_MIN_CLICK_PRICE};

INSERT INTO curated_clicks
SELECT
    click_id,
    impression_id,
    user_id,
    ad_id,
    event_time,
    price,
    source,
    seq,
    'none'
FROM clicks_unique
WHERE
    price < ${REVIEW_MIN_CLICK_PRICE};
