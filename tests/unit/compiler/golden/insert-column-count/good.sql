INSERT INTO tag_counts
SELECT label, ts, ad_id
FROM impressions;

INSERT INTO tag_counts (tag, n)
SELECT label, ad_id
FROM impressions;
