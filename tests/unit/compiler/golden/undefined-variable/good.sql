CREATE TABLE audit (impression_id STRING) WITH (
  'connector' = 'print',
  'print-identifier' = '${GROUP_ID}-${AUDIT_PREFIX:-audit}'
);
