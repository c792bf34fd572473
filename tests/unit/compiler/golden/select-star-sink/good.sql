CREATE TABLE clicks_copy (impression_id STRING, user_id BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'blackhole');

INSERT INTO clicks_copy
SELECT impression_id, user_id, ts FROM clicks;

-- a copy that follows the source on purpose
-- sqlflow: disable=select-star-sink
INSERT INTO clicks_copy
SELECT * FROM clicks;
