CREATE TABLE audit (id STRING) WITH (
  'connector' = 'kafak',
  'topic' = 'audit',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'jsn'
);
