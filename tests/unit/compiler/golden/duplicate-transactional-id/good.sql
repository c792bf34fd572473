-- Each sink its own prefix (or none: sqlflow then gives each sink of each job its own).
CREATE TABLE shown (impression_id STRING, ad_id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'shown',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'shop-shown'
);

CREATE TABLE clicked (impression_id STRING, user_id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'clicked',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once'
);

EXECUTE STATEMENT SET
BEGIN
  INSERT INTO shown SELECT impression_id, ad_id FROM impressions;
  INSERT INTO clicked SELECT impression_id, user_id FROM clicks;
  INSERT INTO clicked SELECT impression_id, user_id FROM clicks WHERE user_id > 0;
END;
