CREATE TABLE events (
  id STRING,
  ts BIGINT,
  ts_ltz AS TO_TIMESTAMP_LTZ(ts, 3),
  WATERMARK FOR ts_ltz AS ts_ltz - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen');

CREATE TABLE audit (w TIMESTAMP_LTZ(3), n BIGINT) WITH ('connector' = 'blackhole');

INSERT INTO audit
SELECT window_start, COUNT(*)
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts_ltz), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
