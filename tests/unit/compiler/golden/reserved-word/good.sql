CREATE TABLE nc_events (
    id STRING,
    `timestamp` TIMESTAMP(3),
    `value` DOUBLE,
    name STRING,
    WATERMARK FOR `timestamp` AS `timestamp` - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen');

CREATE TABLE nc_out (id STRING, total DOUBLE, days INT) WITH ('connector' = 'blackhole');

INSERT INTO nc_out
SELECT id, e.`value`, TIMESTAMPDIFF(DAY, `timestamp`, CURRENT_TIMESTAMP)
FROM nc_events AS e
WHERE name <> USER;
