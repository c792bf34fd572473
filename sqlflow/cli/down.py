"""``sqlflow down``: stop the local development stack."""

from sqlflow.cli.up import down as command

__all__ = ["command"]
