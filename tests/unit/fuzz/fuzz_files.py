"""Hypothesis strategies for the YAML files of a project: ``sqlflow.yaml`` and ``*.test.yaml``.

Each starts from a real file (the shipped ones and the fixtures) and is mutated twice over: in its
data (keys dropped, renamed, misspelt or unknown; values of the wrong type, nested, huge,
negative, ``${VARS}`` set or not; unknown targets) and then in its text (YAML syntax broken: a
colon, a dash, a tab, an anchor, a tag, a line indented or doubled, the file cut short).
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

from fuzz_sql import ROOT, UNICODE_BITS, identifiers, literals


def _load(patterns: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            out[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return out


#: A sqlflow.yaml that sets every section, so mutations reach every part of the config's checks.
FULL_CONFIG = """\
name: fuzzed
sql: sql
udfs: udfs
models: models
target: local
targets:
  embedded: {rest_port: 8081, parallelism: 1}
  local: {rest_port: 8081, rpc_port: 6123, taskmanagers: 1, slots: 4, parallelism: 1, kafka_port: 9092,
          jobmanager_memory: 1024m, taskmanager_memory: 2048m}
  remote: {rest_url: "http://localhost:8081", parallelism: 2, verify: true, token: "${FLINK_TOKEN:-t}"}
  kubernetes: {namespace: default, image: "sqlflow:latest", taskmanager_replicas: 1, slots: 4}
kafka:
  bootstrap: localhost:9092
  security_protocol: SASL_SSL
  sasl_mechanism: PLAIN
  sasl_username: user
  sasl_password: "${KAFKA_PASSWORD:-pw}"
flink:
  parallelism.default: 1
  execution.checkpointing.interval: 10 s
vars:
  GROUP_ID: g
  TOP_K: "10"
  MIN_CLICKS: 1
requirements:
  - numpy
"""

CONFIGS = {**_load(("sqlflow.yaml", "tests/fixtures/**/sqlflow.yaml")), "<full>": FULL_CONFIG}
TESTS = _load(("sql/**/*.test.yaml", "tests/fixtures/sqltest/**/*.test.yaml"))

#: Keys a mutation renames to or adds: near misses of the real ones, and other people's settings.
KEY_POOL = ("nmae", "targte", "target", "targets", "kafka", "kafak", "flink", "vars", "var", "sql", "udf", "udfs",
            "models", "requirements", "local", "remote", "embeded", "kubernetes", "k8s", "rest_port", "rest_url",
            "bootstrap", "parallelism", "slots", "inputs", "expect", "expected", "rows", "key", "ordered",
            "tolerance", "job", "name", "timeout", "end_of_input", "description", "input", "row", "keys",
            "security_protocol", "verify", "token", "ssl_cafile", "check", "", "0", "null", "~", "<<", "?")


def yaml_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Any value YAML can hold, weighted towards the scalars that configurations mistake."""
    scalars = st.one_of(
        st.none(), st.booleans(),
        st.integers(-(2**64), 2**64), st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(("", "local", "remote", "embedded", "kubernetes", "lcoal", "${UNSET}", "${A:-1}",
                         "${KAFKA_BOOTSTRAP}", "../outside", "/abs/path", "sql", ".", "..", "~", "http://localhost:1",
                         "http://[::1", "localhost:99999", "8081", "-1", "0", "1e3", "yes", "on", "2024-01-01",
                         "2024-01-01T00:00:00Z", "10:30", "0x1F", "NaN", "a\nb", "\t", "`x`", "'", "\"")),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=10),
        literals(),
        st.dates(), st.datetimes(),
    )
    keys = st.one_of(st.sampled_from(KEY_POOL), identifiers(), st.integers(-3, 3), st.booleans(), st.none())
    return st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)), max_leaves=max_leaves)


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside ``data`` (mapping keys and list indexes), the root included."""
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _get(data: Any, path: tuple) -> Any:
    for p in path:
        data = data[p]
    return data


@st.composite
def data_mutations(draw: st.DrawFn, data: Any, max_ops: int = 3) -> Any:
    """``data`` (parsed YAML) with 1..``max_ops`` edits of its keys and values."""
    for _ in range(draw(st.integers(1, max_ops))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(("replace", "replace", "delete", "add", "rename", "nest", "wrap", "empty",
                                   "duplicate_row", "retype")))
        if not path:
            if op in ("replace", "wrap"):
                data = draw(yaml_values()) if op == "replace" else [data]
            continue
        parent, last = _get(data, path[:-1]), path[-1]
        value = parent[last]
        if op == "replace":
            parent[last] = draw(yaml_values())
        elif op == "delete":
            del parent[last]
        elif op == "add" and isinstance(value, dict):
            value[draw(st.sampled_from(KEY_POOL))] = draw(yaml_values())
        elif op == "add" and isinstance(value, list):
            value.append(draw(yaml_values()))
        elif op == "rename" and isinstance(parent, dict):
            new = draw(st.one_of(st.sampled_from(KEY_POOL), identifiers(), st.integers(0, 3)))
            if new not in parent:
                parent[new] = parent.pop(last)
        elif op == "nest":
            parent[last] = {draw(st.sampled_from(KEY_POOL)): value}
        elif op == "wrap":
            parent[last] = [value]
        elif op == "empty":
            parent[last] = draw(st.sampled_from(({}, [], None, "")))
        elif op == "duplicate_row" and isinstance(value, list) and value:
            value.append(value[draw(st.integers(0, len(value) - 1))])
        elif op == "retype":
            if isinstance(value, str):
                parent[last] = draw(st.sampled_from((0, 1.5, True, None, [value], {value: value}, value * 50)))
            elif isinstance(value, bool):
                parent[last] = str(value)
            elif isinstance(value, (int, float)):
                parent[last] = draw(st.sampled_from((str(value), -value, value * 10**12, float(value), None)))
    return data


TEXT_NOISE = (":", ": ", "- ", "\t", "[", "]", "{", "}", "\"", "'", "&a ", "*a", "!!python/object:os.system ",
              "!!binary ", "%YAML 1.1\n", "---\n", "...\n", "? ", "|", ">", "#", ",", "\x00", "\ufeff", "\r",
              "<<: *a\n", "@", "`", "${", "\\", "\x85", "\u2028", *UNICODE_BITS[:6])


@st.composite
def text_mutations(draw: st.DrawFn, text: str, max_ops: int = 2) -> str:
    """``text`` with 0..``max_ops`` edits that break YAML's syntax (or only its layout)."""
    for _ in range(draw(st.integers(0, max_ops))):
        lines = text.split("\n")
        i = draw(st.integers(0, max(len(lines) - 1, 0)))
        op = draw(st.sampled_from(("insert", "delete_char", "dup_line", "drop_line", "indent", "dedent",
                                   "truncate", "swap_lines")))
        line = lines[i] if lines else ""
        if op == "insert":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from(TEXT_NOISE)) + line[at:]
        elif op == "delete_char" and line:
            at = draw(st.integers(0, len(line) - 1))
            lines[i] = line[:at] + line[at + 1:]
        elif op == "dup_line":
            lines.insert(i, line)
        elif op == "drop_line" and lines:
            del lines[i]
        elif op == "indent":
            lines[i] = draw(st.sampled_from(("  ", " ", "    ", "\t"))) + line
        elif op == "dedent":
            lines[i] = line.lstrip()
        elif op == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
            continue
        elif op == "swap_lines" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        text = "\n".join(lines)
    return text


def _dump(data: Any) -> str:
    try:
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
    except yaml.YAMLError:
        return yaml.safe_dump(str(data))


@st.composite
def yaml_files(draw: st.DrawFn, corpus: dict[str, str]) -> tuple[str, str]:
    """``(original name, mutated text)`` for a file of ``corpus``: its data edited, then maybe its text."""
    name = draw(st.sampled_from(sorted(corpus)))
    text = corpus[name]
    if draw(st.integers(0, 4)):
        data = yaml.safe_load(text)
        text = _dump(draw(data_mutations(data)))
    return name, draw(text_mutations(text))


def config_files() -> st.SearchStrategy[tuple[str, str]]:
    """A mutated ``sqlflow.yaml``."""
    return yaml_files(CONFIGS)


def test_files() -> st.SearchStrategy[tuple[str, str]]:
    """A mutated ``*.test.yaml`` of the shipped project or of the SQL test fixtures."""
    return yaml_files(TESTS)


test_files.__test__ = False  # type: ignore[attr-defined]
