CREATE TABLE raw_events (id STRING, n INT) WITH (
  'connector' = 'kafka',
  'topic' = 'raw',
  'properties.bootstrap.servers' = 'localhost:9092',
  'scan.startup-mode' = 'earliest-offset',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true',
  'csv.field-delimiter' = ';'
);

CREATE TABLE generated (id STRING, n INT) WITH (
  'connector' = 'datagen',
  'fields.nn.min' = '1',
  'rows-per-secnd' = '10'
);
