CREATE TABLE nc_orders (order_id STRING, amount STRING) WITH ('connector' = 'datagen');

CREATE TABLE nc_out (order_id STRING) WITH ('connector' = 'blackhole');

INSERT INTO nc_out SELECT order_id FROM nc_orders WHERE CAST(amount AS INT) > 100;
