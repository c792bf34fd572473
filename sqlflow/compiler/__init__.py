"""The compiler: check a whole sqlflow project before anything is deployed.

It loads ``sql/**/*.sql`` (parsed by :mod:`sqlflow.dialect`), the UDFs in
``udfs/`` and the models they run, builds one catalog of tables, views,
functions and models, resolves every name and type through the queries, and
runs an ordered list of small rules (:data:`sqlflow.compiler.rules.RULES`)::

    from sqlflow.compiler import compile_project
    compiled = compile_project("path/to/project")
    for d in compiled.diagnostics:
        print(d.render())
    compiled.job("sql/feedback/ctr.sql").hash

``sqlflow validate --planner`` also asks Flink's own planner
(:mod:`sqlflow.flink.explain`).
"""

from __future__ import annotations

from sqlflow.compiler.compiled import (CompiledProject, CompiledStatement, JobFile, compile_project,
                                       run_rules)
from sqlflow.compiler.rules import RULE_IDS, RULES

__all__ = ["CompiledProject", "CompiledStatement", "JobFile", "RULES", "RULE_IDS", "compile_project",
           "run_rules"]
