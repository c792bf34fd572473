"""The demo: the four shipped pipelines run end to end on a generated sample (``sqlflow demo``)."""
