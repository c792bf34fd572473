"""YAML text read with PyYAML's safe loader, every way it can fail turned into one located error.

PyYAML raises its own ``YAMLError`` for bad syntax, but its constructors raise ``ValueError``
(``2024-13-45`` typed as a date), ``AttributeError`` (``!!timestamp x``), ``KeyError``
(``!!bool x``) and ``RecursionError`` (very deep nesting) for values it cannot build:
:func:`load_yaml` reports each at the value (line and column counted as
:class:`sqlflow.errors.Location` counts them).
"""

from __future__ import annotations

from typing import Any

import yaml

from sqlflow.errors import line_and_column


class YamlSyntaxError(Exception):
    """YAML text that cannot be read: what is wrong, and its 1-based line and column."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def load_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    """The data of the YAML document ``text`` (as ``yaml.safe_load`` gives it) and its node tree (for
    locations; None for an empty document). Raises :class:`YamlSyntaxError`."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.YAMLError as exc:  # a character YAML does not allow (checked up front)
        raise YamlSyntaxError(*yaml_problem(exc, text)) from None
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            raise YamlSyntaxError(*yaml_problem(exc, text)) from None
        except RecursionError:
            raise YamlSyntaxError("nested too deeply", 1, 1) from None
        if node is None:
            return None, None
        try:
            return loader.construct_document(node), node
        except yaml.YAMLError as exc:
            raise YamlSyntaxError(*yaml_problem(exc, text)) from None
        except RecursionError:
            raise YamlSyntaxError("nested too deeply", 1, 1) from None
        except Exception:  # noqa: BLE001 - a constructor refused a value: find which, and say where
            bad, why = _bad_scalar(node)
            line, column = line_and_column(text, bad.start_mark.index)
            raise YamlSyntaxError(why, line, column) from None
    finally:
        loader.dispose()


def yaml_problem(exc: Exception, text: str) -> tuple[str, int, int]:
    """What a PyYAML error says and where in ``text`` (YAML's own marks also break lines at \\r, \\x85
    and \\u2028, so the place is recounted from the mark's offset), without its "in <unicode string>"."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
    if mark is not None:
        return problem, *line_and_column(text, mark.index)
    position = getattr(exc, "position", None)  # a ReaderError: a character YAML does not allow
    if isinstance(position, int):
        return problem, *line_and_column(text, position)
    return problem, 1, 1


def _bad_scalar(root: yaml.Node) -> tuple[yaml.Node, str]:
    """The first scalar under ``root`` that the safe loader cannot build, and why (else ``root``)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            loader = yaml.SafeLoader("")
            try:
                loader.construct_object(node, deep=True)
            except Exception as exc:  # noqa: BLE001
                kind = node.tag.rsplit(":", 1)[-1]
                detail = f": {exc}" if isinstance(exc, ValueError) else ""
                return node, f"cannot read {node.value!r} (a {kind} to YAML){detail}; quote it to keep it text"
            finally:
                loader.dispose()
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for k, v in reversed(node.value):
                stack.extend((v, k))
    return root, "cannot read this document"
