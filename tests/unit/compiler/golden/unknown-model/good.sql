CREATE MODEL ctr_model
INPUT (f1 FLOAT, f2 FLOAT, f3 FLOAT, f4 FLOAT)
OUTPUT (probability FLOAT)
WITH ('provider' = 'onnx', 'path' = 'models/ctr.onnx');

SELECT impression_id, probability
FROM ML_PREDICT(TABLE impressions, MODEL ctr_model, DESCRIPTOR(f1, f2, f3, f4));
