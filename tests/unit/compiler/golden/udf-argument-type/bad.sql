SELECT clean_label(user_id), ctr_score(f1, f2, f3, CAST(f4 AS DOUBLE))
FROM impressions;
