INSERT INTO tag_counts
SELECT label, ts
FROM impressions;

INSERT INTO tag_counts (tag, window_start, total)
SELECT label, ts, ad_id
FROM impressions;
