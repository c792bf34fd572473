CREATE TABLE secured_events (id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'secured_events',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
  'properties.group.id' = '${GROUP_ID}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'properties.security.protocol' = 'SASL-SSL',
  'properties.sasl.mechanism' = 'SCRAM-SHA-265',
  'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="svc" password="${KAFKA_PASSWORD:-}";'
);

CREATE TABLE plain_events (id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'plain_events',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
  'properties.group.id' = '${GROUP_ID}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'properties.sasl.mechanism' = 'PLAIN'
);
