CREATE TABLE audit (user_id BIGINT, label STRING) WITH ('connector' = 'blackhole');

INSERT INTO audit
SELECT user_id, label FROM impressions
UNION ALL
SELECT label, label FROM impressions;

INSERT INTO audit
SELECT user_id, label FROM impressions
UNION ALL
SELECT user_id FROM impressions;
