-- One prefix for two sinks: their transactions fence each other.
CREATE TABLE shown (impression_id STRING, ad_id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'shown',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'shop'
);

CREATE TABLE clicked (impression_id STRING, user_id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'clicked',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'shop'
);

EXECUTE STATEMENT SET
BEGIN
  INSERT INTO shown SELECT impression_id, ad_id FROM impressions;
  INSERT INTO clicked SELECT impression_id, user_id FROM clicks;
END;

CREATE TABLE audit (impression_id STRING) WITH (
  'connector' = 'kafka',
  'topic' = 'audit',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'audit'
);

INSERT INTO audit SELECT impression_id FROM impressions;

INSERT INTO audit SELECT impression_id FROM clicks;
