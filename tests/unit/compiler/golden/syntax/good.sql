SELECT impression_id
FROM impressions
WHERE ad_id > 0;
