CREATE TABLE nc_orders (order_id STRING, user_id BIGINT) WITH ('connector' = 'datagen');

CREATE TABLE nc_users (id STRING, name STRING) WITH ('connector' = 'datagen');

CREATE TABLE nc_out (order_id STRING, name STRING) WITH ('connector' = 'blackhole');

SET 'table.exec.state.ttl' = '1 h';

INSERT INTO nc_out SELECT order_id, 'x' FROM nc_orders WHERE order_id = 42;

INSERT INTO nc_out SELECT order_id, name FROM nc_orders AS o JOIN nc_users AS u ON o.user_id = u.id;
