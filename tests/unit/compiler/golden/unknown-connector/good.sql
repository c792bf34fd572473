CREATE TABLE audit (id STRING) WITH (
  'connector' = 'kafka',
  'topic' = 'audit',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json'
);
