"""YAML read with the place of every key and value, for located error messages.

:func:`load_located` returns the data (plain dicts, lists and scalars, as
``yaml.safe_load`` gives them) and a :class:`Locations` index that maps a path
such as ``("inputs", "clicks", 0, "ts")`` to where that value (or its key)
starts in the file, and keeps the text of every plain scalar that YAML typed
(``2024-01-01T00:00:05Z`` becomes a datetime, ``1.50`` a float): input rows
are written with the text the file holds, not YAML's reading of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from sqlflow.errors import Location
from sqlflow.yamlfile import YamlSyntaxError, load_yaml

Path_ = tuple  # a path of mapping keys and list indexes


class TestFileError(Exception):
    """Internal: raised while walking; converted to a located SpecError by the caller."""


@dataclass
class Locations:
    """Where each value and each mapping key of a YAML document starts."""

    file: str
    text: str
    values: dict[Path_, tuple[int, int, int]] = field(default_factory=dict)  # path -> (line, col, len)
    keys: dict[Path_, tuple[int, int, int]] = field(default_factory=dict)
    texts: dict[Path_, str] = field(default_factory=dict)  # plain scalars YAML typed (dates, numbers): as written

    def value(self, path: Path_) -> Location:
        """The location of the value at ``path`` (or of its nearest located parent)."""
        return self._find(self.values, path)

    def key(self, path: Path_) -> Location:
        """The location of the key that names ``path`` (else of its value)."""
        if path in self.keys:
            return self._at(self.keys[path])
        return self.value(path)

    def _find(self, index: dict, path: Path_) -> Location:
        p = tuple(path)
        while p and p not in index:
            p = p[:-1]
        if p in index:
            return self._at(index[p])
        return Location(self.file, source=self.text)

    def _at(self, where: tuple[int, int, int]) -> Location:
        line, col, length = where
        return Location(self.file, line, col, length, source=self.text)


def _span(node: yaml.Node) -> tuple[int, int, int]:
    start, end = node.start_mark, node.end_mark
    length = end.index - start.index if end.line == start.line else 1
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style:
        length = 1
    return start.line + 1, start.column + 1, max(length, 1)


def _walk(node: yaml.Node, data: Any, path: Path_, locs: Locations) -> None:
    locs.values[path] = _span(node)
    if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
        seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            typed = _key(key_node)  # as the safe loader types it (1 -> int, true -> bool)
            if typed in seen:
                raise TestFileError(f"duplicate key '{typed}'", _span(key_node))
            seen[typed] = key_node
            locs.keys[(*path, typed)] = _span(key_node)
            if typed in data:
                _walk(value_node, data[typed], (*path, typed), locs)
    elif isinstance(node, yaml.ScalarNode) and data is not None and not isinstance(data, str):
        locs.texts[path] = node.value
    elif isinstance(node, yaml.SequenceNode) and isinstance(data, list):
        for i, (item_node, item) in enumerate(zip(node.value, data)):
            _walk(item_node, item, (*path, i), locs)


def _key(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def load_located(text: str, file: str) -> tuple[Any, Locations]:
    """Parse ``text``; a syntax error or a duplicate key raises :class:`LocatedYamlError`."""
    locs = Locations(file, text)
    try:
        data, node = load_yaml(text)
    except YamlSyntaxError as exc:
        raise LocatedYamlError(f"not valid YAML: {exc.message}", Location(file, exc.line, exc.column, source=text)
                               ) from None
    if node is None:  # an empty document (or only comments): its mistakes are at its start
        locs.values[()] = (1, 1, 1)
    else:
        try:
            _walk(node, data, (), locs)
        except TestFileError as exc:
            raise LocatedYamlError(str(exc.args[0]), Location(file, *exc.args[1], source=text)) from None
    return data, locs


class LocatedYamlError(Exception):
    """A YAML document that cannot be read, and where."""

    def __init__(self, message: str, location: Location):
        super().__init__(message)
        self.message = message
        self.location = location
