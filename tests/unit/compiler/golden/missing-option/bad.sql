CREATE TABLE audit (id STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka',
  'properties.bootstrap.servers' = 'localhost:9092',
  'key.format' = 'json', 'sink.delivery-guarantee' = 'exactly-once',
  'value.format' = 'json'
);

CREATE TABLE raw_events (id STRING) WITH (
  'connector' = 'kafka',
  'topic' = 'raw',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json'
);

CREATE TABLE counts (id STRING, n BIGINT) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'counts',
  'properties.bootstrap.servers' = 'localhost:9092',
  'key.format' = 'json',
  'value.format' = 'json'
);

INSERT INTO audit SELECT id FROM raw_events;
