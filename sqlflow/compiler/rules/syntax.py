"""syntax: SQL the Flink dialect cannot read, and UDF modules that do not import."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import SqlflowError


class Syntax(Rule):
    id = "syntax"
    description = "the file parses as Flink SQL; the UDF modules import"

    def check(self, project: Project) -> Iterable[SqlflowError]:
        for f in project.files:
            yield from f.errors
        yield from project.load_errors
