CREATE TABLE dc_requests (request_id STRING, ad_position INT, score_in DOUBLE) WITH ('connector' = 'datagen');

CREATE TABLE dc_out (request_id STRING, ad_position INT, f DOUBLE) WITH ('connector' = 'blackhole');

-- the position as a model feature, under the name the request already has
CREATE TEMPORARY VIEW dc_features AS
SELECT request_id, ad_position, CAST(ad_position AS DOUBLE) AS ad_position
FROM dc_requests;

INSERT INTO dc_out SELECT request_id, 1, 0.5 FROM dc_features;
