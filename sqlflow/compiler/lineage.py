"""Which sources feed which sinks, through which views, UDFs and models.

Built from the facts resolution recorded, so it needs no second walk: an
INSERT's reads are followed through views down to tables.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlflow.compiler.analysis import Project, StatementInfo
from sqlflow.compiler.catalog import TableDef, ViewDef


@dataclass(frozen=True)
class Flow:
    """One INSERT: the sink it writes and everything upstream of it."""

    sink: str
    file: str
    line: int
    sources: tuple[str, ...]
    views: tuple[str, ...]
    udfs: tuple[str, ...]
    models: tuple[str, ...]

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


def lineage(project: Project, files: set[str] | None = None) -> list[Flow]:
    """A :class:`Flow` per INSERT, in file order (only ``files`` when given)."""
    owners = {id(s.definition): s for s in project.statements if s.definition is not None}
    flows = []
    for s in project.statements:
        if s.kind != "insert" or not s.sink_name or (files is not None and s.file.rel not in files):
            continue
        sources: list[str] = []
        views: list[str] = []
        udfs: list[str] = []
        models: list[str] = []
        _walk(s, owners, sources, views, udfs, models, set())
        flows.append(Flow(s.sink_name, s.file.rel, s.location.line, tuple(dict.fromkeys(sources)),
                          tuple(dict.fromkeys(views)), tuple(dict.fromkeys(udfs)), tuple(dict.fromkeys(models))))
    return flows


def _walk(s: StatementInfo, owners: dict, sources: list, views: list, udfs: list, models: list,
          seen: set[int]) -> None:
    for d, _ in s.facts.reads:
        if isinstance(d, TableDef):
            sources.append(d.name)
        elif isinstance(d, ViewDef) and id(d) not in seen:
            seen.add(id(d))
            views.append(d.name)
            owner = owners.get(id(d))
            if owner is not None:
                _walk(owner, owners, sources, views, udfs, models, seen)
    for call in s.facts.calls:
        if call.udf is not None:
            udfs.append(call.udf.name)
            if call.udf.spec is not None and call.udf.spec.model:
                models.append(call.udf.spec.model)
    for p in s.facts.predicts:
        models.append(p.model.name + (f" ({p.model.path})" if p.model.path else ""))


def render_text(flows: list[Flow]) -> str:
    """Lineage as text: one block per sink."""
    if not flows:
        return "no INSERT statements"
    out = []
    for f in flows:
        out.append(f"{f.sink}  <- {', '.join(f.sources) or '(no tables)'}    [{f.file}:{f.line}]")
        for label, items in (("views", f.views), ("udfs", f.udfs), ("models", f.models)):
            if items:
                out.append(f"    {label + ':':8}{', '.join(items)}")
    return "\n".join(out)
