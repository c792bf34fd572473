CREATE MODEL ctr_model
INPUT (f1 DOUBLE, f2 DOUBLE, f3 DOUBLE)
OUTPUT (probability FLOAT, logit FLOAT)
WITH ('provider' = 'onnx', 'path' = 'models/ctr.onnx');

SELECT impression_id, probability
FROM ML_PREDICT(TABLE impressions, MODEL ctr_model, DESCRIPTOR(f1, f2, f3));

SELECT ctr_score_wide(f1, f2, f3, f4, f4), ctr_score_logits(f1, f2, f3, f4)
FROM impressions;
