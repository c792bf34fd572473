CREATE TABLE users (
  user_id BIGINT,
  country STRING,
  updated TIMESTAMP(3),
  PRIMARY KEY (user_id) NOT ENFORCED,
  WATERMARK FOR updated AS updated
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'users',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
  'key.format' = 'json',
  'value.format' = 'json'
);

CREATE TABLE audit (id STRING) WITH ('connector' = 'print');
