CREATE TABLE secured_events (id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'secured_events',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
  'properties.group.id' = '${GROUP_ID}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'properties.security.protocol' = 'SASL_SSL',
  'properties.sasl.mechanism' = 'PLAIN',
  'properties.sasl.jaas.config' = 'org.apache.flink.kafka.shaded.org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="hunter2hunter2";',
  'properties.ssl.truststore.password' = '${GROUP_ID}'
);
