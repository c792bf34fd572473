INSERT INTO tag_counts
SELECT label, ts, label
FROM impressions;
