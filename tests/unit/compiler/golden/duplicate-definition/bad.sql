CREATE TABLE clicks (
  impression_id STRING,
  ts TIMESTAMP(3)
) WITH ('connector' = 'datagen');

CREATE TABLE audit (id STRING, id STRING) WITH ('connector' = 'print', 'connector' = 'print');
CREATE TABLE audit (id STRING) WITH ('connector' = 'print');
