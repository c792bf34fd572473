SET 'table.exec.state.ttl' = '2 h';

INSERT INTO scores
SELECT i.impression_id, i.user_id, i.label, u.country, i.f1
FROM impressions AS i
JOIN users AS u ON i.user_id = u.user_id;
