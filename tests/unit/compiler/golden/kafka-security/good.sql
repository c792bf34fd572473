CREATE TABLE secured_events (id BIGINT) WITH (
  'connector' = 'kafka',
  'topic' = 'secured_events',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
  'properties.group.id' = '${GROUP_ID}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json',
  'properties.security.protocol' = 'SASL_SSL',
  'properties.sasl.mechanism' = 'SCRAM-SHA-512',
  'properties.sasl.jaas.config' = 'org.apache.flink.kafka.shaded.org.apache.kafka.common.security.scram.ScramLoginModule required username="svc" password="${KAFKA_PASSWORD:-}";',
  'properties.ssl.truststore.location' = '/etc/kafka/truststore.p12',
  'properties.ssl.truststore.type' = 'PKCS12',
  'properties.ssl.truststore.password' = '${TRUSTSTORE_PASSWORD:-}',
  'properties.ssl.endpoint.identification.algorithm' = 'https'
);
