INSERT INTO scores
SELECT impression_id, user_id, label, label, f1
FROM impressions;
