"""``CREATE TABLE t (...) WITH (...) LIKE base (like options)``: merge the base table into ``t``.

Flink's rules: physical columns of the base always come first; computed
(GENERATED) and METADATA columns, the WATERMARK, the primary key
(CONSTRAINTS), PARTITIONS and OPTIONS are taken unless excluded. Without
like options Flink uses ``INCLUDING ALL OVERWRITING OPTIONS``: the new
table's own options win over the base's.
"""

from __future__ import annotations

from sqlglot import exp

from sqlflow.compiler.analysis import StatementInfo
from sqlflow.compiler.catalog import Catalog, TableDef, table_name
from sqlflow.compiler.facts import Unresolved

FEATURES = ("CONSTRAINTS", "GENERATED", "METADATA", "OPTIONS", "PARTITIONS", "WATERMARKS")


def like_features(like: exp.Expression) -> set[str]:
    """The features a LIKE clause takes from its base (``INCLUDING``/``OVERWRITING``, not ``EXCLUDING``)."""
    taken = set(FEATURES)
    for opt in like.expressions:
        strategy = opt.this.name.upper() if opt.this is not None else ""
        feature = opt.args["value"].name.upper() if opt.args.get("value") is not None else ""
        names = FEATURES if feature == "ALL" else (feature,)
        if strategy == "EXCLUDING":
            taken -= set(names)
        else:
            taken |= set(names)
    return taken


def apply_like(statements: list[StatementInfo], catalog: Catalog) -> None:
    """Merge each LIKE table with its base, bases first; an unknown base is an unresolved table."""
    infos = {id(s.definition): s for s in statements if s.kind == "table" and isinstance(s.definition, TableDef)}
    done: set[int] = set()

    def merge(t: TableDef, active: set[int]) -> None:
        if id(t) in done or t.like is None:
            return
        done.add(id(t))
        info = infos.get(id(t))
        base_node = t.like.this
        name = table_name(base_node)
        base = catalog.relation(name, t.file)
        if not isinstance(base, TableDef) or base is t or id(base) in active:
            if base is None and info is not None and not catalog.is_broken("relation", name):
                info.facts.unresolved.append(Unresolved(
                    "table", name, info.locate(base_node), tuple(n for n in catalog.relations if n != t.name)))
            return
        merge(base, active | {id(t)})
        if info is not None:
            info.facts.reads.append((base, info.locate(base_node)))
        _merge(t, base, like_features(t.like))

    for s in statements:
        if id(s.definition) in infos:
            merge(s.definition, set())  # type: ignore[arg-type]


def _merge(t: TableDef, base: TableDef, taken: set[str]) -> None:
    own = {c.name for c in t.columns}
    kept = {"physical": True, "computed": "GENERATED" in taken, "metadata": "METADATA" in taken}
    inherited = [c for c in base.columns if kept.get(c.kind) and c.name not in own]
    t.columns[:0] = inherited
    if t.watermark is None and "WATERMARKS" in taken:
        t.watermark = base.watermark
    if not t.primary_key and "CONSTRAINTS" in taken:
        t.primary_key = base.primary_key
    if not t.partitioned_by and "PARTITIONS" in taken:
        t.partitioned_by = base.partitioned_by
    if "OPTIONS" in taken:
        from_base = {k: v for k, v in base.options.items() if k not in t.options}
        t.options = {**from_base, **t.options}
        t.inherited_options = frozenset(from_base)
    t.like_base = base
