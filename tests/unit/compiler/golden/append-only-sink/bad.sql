SET 'table.exec.state.ttl' = '1 h';

CREATE TABLE shown (ad_id BIGINT, n BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'shown', 'sink.delivery-guarantee' = 'exactly-once',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json'
);

INSERT INTO shown
SELECT ad_id, COUNT(*)
FROM impressions
GROUP BY ad_id;

INSERT INTO shown
SELECT i.ad_id, c.user_id
FROM impressions AS i
LEFT JOIN clicks AS c ON i.impression_id = c.impression_id;
