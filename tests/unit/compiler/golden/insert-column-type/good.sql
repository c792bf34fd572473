INSERT INTO tag_counts
SELECT label, ts, CAST(f1 AS BIGINT)
FROM impressions;
