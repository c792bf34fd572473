"""Training and ONNX export of the models the shipped pipelines run.

``python -m models.train --out models/`` rebuilds ``ctr.onnx`` and
``reply.onnx`` (and their ``*.metrics.json``) from generated data; see
:mod:`models.train` for the models and :mod:`models.features` for the data.
"""
