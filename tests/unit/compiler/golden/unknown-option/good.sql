CREATE TABLE raw_events (id STRING, n INT) WITH (
  'connector' = 'kafka',
  'topic' = 'raw',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.client.id' = 'sqlflow',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

CREATE TABLE generated (id STRING, n INT) WITH (
  'connector' = 'datagen',
  'fields.n.min' = '1',
  'rows-per-second' = '10'
);
