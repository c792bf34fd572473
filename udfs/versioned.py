"""Model UDFs whose result carries the model version, for rows that must say what scored them.

``SELECT s.score, s.model_version FROM (SELECT ctr_score_versioned(...) AS s ...)``:
the version is the ONNX metadata "version" of the model file (else a short
hash of it), so feedback can be aggregated per model version.
"""

from __future__ import annotations

from sqlflow.udf import onnx_udf

#: Click probability and model version of an impression (the 16 CTR features).
ctr_score_versioned = onnx_udf(
    "ctr_score_versioned", model="models/ctr.onnx", inputs=["DOUBLE"] * 16,
    result="ROW<score DOUBLE, model_version STRING>", output="probability",
    doc="CTR model: click probability and the model version that produced it")
