SELECT clean_label(CAST(user_id AS STRING)), ctr_score(f1, f2, f3, CAST(f4 AS FLOAT))
FROM impressions;
