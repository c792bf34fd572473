CREATE TABLE audit (id STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'audit', 'sink.delivery-guarantee' = 'exactly-once',
  'properties.bootstrap.servers' = 'localhost:9092',
  'key.format' = 'json',
  'value.format' = 'json'
);

CREATE TABLE raw_events (id STRING) WITH (
  'connector' = 'kafka',
  'topic' = 'raw',
  'properties.bootstrap.servers' = 'localhost:9092',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

INSERT INTO audit SELECT id FROM raw_events;
