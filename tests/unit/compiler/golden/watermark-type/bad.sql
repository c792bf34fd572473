CREATE TABLE events (id STRING, ts BIGINT, WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'datagen');

CREATE TABLE audit (w TIMESTAMP(3), n BIGINT) WITH ('connector' = 'blackhole');

INSERT INTO audit
SELECT window_start, COUNT(*)
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
