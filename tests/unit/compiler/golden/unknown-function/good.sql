SELECT
  ctr_score(f1, f2, f3, f4),
  TO_TIMESTAMP(label),
  DATE_FORMAT(ts, 'yyyy-MM-dd'),
  JSON_VALUE(label, '$.a'),
  REGEXP_EXTRACT(label, '[a-z]+', 0),
  CONCAT_WS('-', label, impression_id),
  COALESCE(label, 'none'),
  CARDINALITY(tags),
  UNIX_TIMESTAMP(),
  CHAR_LENGTH(label)
FROM impressions;
