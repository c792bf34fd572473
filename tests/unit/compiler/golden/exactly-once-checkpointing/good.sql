-- A job may choose its own interval; only turning checkpoints off leaves the sink uncommitted.
SET 'execution.checkpointing.interval' = '10 s';

CREATE TABLE shown (impression_id STRING, ad_id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'shown',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once'
);

INSERT INTO shown
SELECT impression_id, ad_id FROM impressions;
