CREATE TABLE nc_orders (
    product STRING,
    user_id BIGINT,
    amount DOUBLE,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen');

CREATE TABLE nc_totals (product STRING, user_id BIGINT, total DOUBLE) WITH ('connector' = 'blackhole');

INSERT INTO nc_totals
SELECT product, user_id, SUM(amount)
FROM TABLE(TUMBLE(TABLE nc_orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, product;

INSERT INTO nc_totals
SELECT product, MAX(user_id), SUM(amount)
FROM TABLE(TUMBLE(TABLE nc_orders, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
WHERE SUM(amount) > 10
GROUP BY window_start, window_end, product;
