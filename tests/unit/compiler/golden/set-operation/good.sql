CREATE TABLE audit (user_id BIGINT, label STRING) WITH ('connector' = 'blackhole');

INSERT INTO audit
SELECT user_id, label FROM impressions
UNION ALL
SELECT CAST(ad_id AS BIGINT), CAST(user_id AS STRING) FROM impressions;
