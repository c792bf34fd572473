CREATE TABLE events (
  id STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
  'connector' = 'datagen'
);

SELECT window_start, COUNT(*)
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;

SELECT e.id
FROM events AS e
JOIN clicks AS c
  ON e.id = c.impression_id AND c.ts BETWEEN e.ts AND e.ts + INTERVAL '1' HOUR;
