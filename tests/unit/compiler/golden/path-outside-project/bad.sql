CREATE MODEL shared_model
INPUT (f1 FLOAT, f2 FLOAT, f3 FLOAT, f4 FLOAT)
OUTPUT (probability FLOAT)
WITH ('provider' = 'onnx', 'path' = '../shared/ctr.onnx');
