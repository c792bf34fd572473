SELECT bucket(user_id) -- sqlflow: disable=udf-not-vectorized
FROM impressions;

SELECT clean_label(label)
FROM impressions;
