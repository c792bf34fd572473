CREATE TABLE nc_events (
    id STRING,
    timestamp TIMESTAMP(3),
    value DOUBLE
) WITH ('connector' = 'datagen');

CREATE TABLE nc_out (id STRING, total DOUBLE) WITH ('connector' = 'blackhole');

INSERT INTO nc_out SELECT id, value FROM nc_events;
