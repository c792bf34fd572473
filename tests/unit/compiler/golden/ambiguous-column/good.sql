CREATE TABLE nc_orders (order_id STRING, user_id BIGINT, amount DOUBLE) WITH ('connector' = 'datagen');

CREATE TABLE nc_users (user_id BIGINT, name STRING) WITH ('connector' = 'datagen');

CREATE TABLE nc_out (order_id STRING, user_id BIGINT, name STRING) WITH ('connector' = 'blackhole');

SET 'table.exec.state.ttl' = '1 h';

INSERT INTO nc_out
SELECT order_id, o.user_id, name
FROM nc_orders AS o
JOIN nc_users AS u ON o.user_id = u.user_id;

INSERT INTO nc_out SELECT order_id, user_id, name FROM nc_orders JOIN nc_users USING (user_id);

INSERT INTO nc_out SELECT order_id, user_id, name FROM nc_orders NATURAL JOIN nc_users;

INSERT INTO nc_out
SELECT order_id, user_id, 'x'
FROM nc_orders AS o
WHERE EXISTS (SELECT 1 FROM nc_users AS u WHERE u.user_id = o.user_id AND name <> '');
