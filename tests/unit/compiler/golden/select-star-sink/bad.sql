CREATE TABLE clicks_copy (impression_id STRING, user_id BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'blackhole');

INSERT INTO clicks_copy
SELECT * FROM clicks;
