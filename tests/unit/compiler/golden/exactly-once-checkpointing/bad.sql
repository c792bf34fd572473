-- Checkpointing off: the exactly-once sink never commits while the job runs.
SET 'execution.checkpointing.interval' = '0';

CREATE TABLE shown (impression_id STRING, ad_id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'shown',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once'
);

INSERT INTO shown
SELECT impression_id, ad_id FROM impressions;
