CREATE TABLE nc_orders (order_id STRING, qty BIGINT, price STRING) WITH ('connector' = 'datagen');

CREATE TABLE nc_out (order_id STRING, total DOUBLE) WITH ('connector' = 'blackhole');

INSERT INTO nc_out SELECT order_id, qty * price FROM nc_orders;

INSERT INTO nc_out SELECT order_id || qty, CAST(qty AS DOUBLE) FROM nc_orders;
