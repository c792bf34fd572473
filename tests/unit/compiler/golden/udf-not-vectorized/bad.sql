SELECT bucket(user_id)
FROM impressions;
