-- Streaming: both sinks can write a record twice after a restart.
CREATE TABLE shown (impression_id STRING, ad_id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'shown',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json'
);

CREATE TABLE shown_fast (impression_id STRING, ad_id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'shown-fast',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'none'
);

INSERT INTO shown
SELECT impression_id, ad_id FROM impressions;

INSERT INTO shown
SELECT impression_id, CAST(user_id AS BIGINT) FROM clicks;

INSERT INTO shown_fast
SELECT impression_id, ad_id FROM impressions;
