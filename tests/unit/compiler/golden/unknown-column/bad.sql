SELECT i.impression_id, i.ad_idd, c.clicked_at
FROM impressions AS i
JOIN clicks AS c ON i.impression_id = c.impression_id; -- sqlflow: disable=state-ttl
