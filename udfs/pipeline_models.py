"""The model UDFs the shipped pipelines call: the CTR and reply models over their features.

The arguments are the model features in tensor order, as
:data:`sqlflow.gen.features.CTR_FEATURES` and ``REPLY_FEATURES`` define them
(the SQL in ``sql/`` computes them with the same expressions).
"""

from __future__ import annotations

from sqlflow.udf import onnx_udf

#: Click probability of an impression (16 DOUBLE features).
ctr_score = onnx_udf("ctr_score", model="models/ctr.onnx", inputs=["DOUBLE"] * 16, result="DOUBLE",
                     output="probability", doc="CTR model: click probability of an impression")

#: Acceptance probability of a suggested reply (8 DOUBLE features).
reply_score = onnx_udf("reply_score", model="models/reply.onnx", inputs=["DOUBLE"] * 8, result="DOUBLE",
                       output="probability", doc="reply model: probability that a suggested reply is accepted")

