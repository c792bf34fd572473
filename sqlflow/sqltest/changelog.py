"""Turn a query's changelog into the rows its sink ends up holding.

An updating query (GROUP BY, a join with updates) emits retractions and
updates; a sink with a primary key keeps the last row per key, one without
applies them as a multiset. Tests compare those final rows.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

#: Flink's row kinds as PyFlink prints them.
INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE = "+I", "-U", "+U", "-D"


def apply_changelog(changes: Iterable[tuple[str, tuple]], key: Sequence[int] = ()) -> list[tuple]:
    """The final rows after applying ``(kind, row)`` changes, in first-seen order.

    With ``key`` (the positions of the sink's primary key) a row replaces the
    one with the same key, as an upsert sink does; without, ``-U``/``-D``
    remove one equal row.

    >>> apply_changelog([("+I", (1, "a")), ("-U", (1, "a")), ("+U", (1, "b")), ("+I", (2, "c"))])
    [(1, 'b'), (2, 'c')]
    >>> apply_changelog([("+I", (1, "a")), ("+U", (1, "b")), ("-D", (1, "b"))], key=[0])
    []
    """
    if key:
        by_key: dict[Any, tuple] = {}
        for kind, row in changes:
            k = tuple(row[i] for i in key)
            if kind in (INSERT, UPDATE_AFTER):
                by_key[k] = row
            elif kind == DELETE or (kind == UPDATE_BEFORE and by_key.get(k) == row):
                by_key.pop(k, None)
        return list(by_key.values())
    rows: list[tuple] = []
    for kind, row in changes:
        if kind in (INSERT, UPDATE_AFTER):
            rows.append(row)
        else:
            try:
                rows.remove(row)
            except ValueError:
                pass  # a retraction of a row the sink never held; Flink sinks ignore it too
    return rows
