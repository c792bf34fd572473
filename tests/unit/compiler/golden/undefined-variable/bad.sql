CREATE TABLE audit (impression_id STRING) WITH (
  'connector' = 'print',
  'print-identifier' = '${AUDIT_PREFIX}'
);
