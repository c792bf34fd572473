-- Exactly-once (sqlflow supplies the transactional id), or at-least-once asked for knowingly.
CREATE TABLE shown (impression_id STRING, ad_id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'shown',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once'
);

CREATE TABLE shown_fast (impression_id STRING, ad_id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'shown-fast',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'at-least-once'
);

INSERT INTO shown
SELECT impression_id, ad_id FROM impressions;

INSERT INTO shown_fast
SELECT impression_id, ad_id FROM impressions;
