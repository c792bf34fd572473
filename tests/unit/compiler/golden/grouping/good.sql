SET 'table.exec.state.ttl' = '1 h';

CREATE TABLE nc_orders (
    product STRING,
    user_id BIGINT,
    amount DOUBLE,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen');

CREATE TABLE nc_totals (product STRING, n BIGINT) WITH ('connector' = 'blackhole');

CREATE TABLE nc_windows (window_start TIMESTAMP(3), window_time TIMESTAMP(3), product STRING, n BIGINT)
WITH ('connector' = 'blackhole');

INSERT INTO nc_totals SELECT UPPER(product), COUNT(*) FROM nc_orders GROUP BY UPPER(product);

INSERT INTO nc_totals
SELECT CASE WHEN o.product = 'x' THEN 'y' ELSE o.product END, COUNT(DISTINCT o.user_id)
FROM nc_orders AS o
GROUP BY product;

INSERT INTO nc_totals
SELECT p, COUNT(*) FROM (SELECT UPPER(product) AS p FROM nc_orders) GROUP BY p HAVING COUNT(*) > 2;

INSERT INTO nc_windows
SELECT TUMBLE_START(ts, INTERVAL '1' MINUTE), TUMBLE_ROWTIME(ts, INTERVAL '1' MINUTE), product, COUNT(*)
FROM nc_orders
GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE), product;

INSERT INTO nc_windows
SELECT window_start, window_time, product, COUNT(*)
FROM TABLE(TUMBLE(TABLE nc_orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, product;

INSERT INTO nc_totals SELECT product, COUNT(*) FROM nc_orders GROUP BY ROLLUP (product, user_id);

INSERT INTO nc_totals SELECT 'all', COUNT(*) FROM nc_orders;

INSERT INTO nc_totals
SELECT product, COUNT(*) FROM nc_orders WHERE amount > (SELECT AVG(amount) FROM nc_orders) GROUP BY product;
