SELECT impression_id,
FROM impressions
WHERE;
