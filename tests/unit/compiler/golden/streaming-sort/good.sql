CREATE TABLE nc_bids (item STRING, price DOUBLE, bid_time TIMESTAMP(3),
    WATERMARK FOR bid_time AS bid_time - INTERVAL '5' SECOND) WITH ('connector' = 'datagen');

CREATE TABLE nc_out (item STRING, price DOUBLE) WITH ('connector' = 'print');

INSERT INTO nc_out SELECT item, price FROM nc_bids ORDER BY price DESC LIMIT 3;

INSERT INTO nc_out SELECT item, price FROM nc_bids ORDER BY bid_time, price;

INSERT INTO nc_out SELECT item, price FROM (SELECT item, price, bid_time FROM nc_bids) ORDER BY bid_time;
