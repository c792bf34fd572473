"""The ``Flink`` sqlglot dialect: a class of flags plus its Tokenizer, Parser and Generator.

Defining the class registers it with sqlglot under the name ``"flink"``.
"""

from __future__ import annotations

from sqlglot import tokens
from sqlglot.dialects.dialect import Dialect, NormalizationStrategy
from sqlglot.tokens import TokenType

from sqlflow.dialect.generator import FlinkGenerator
from sqlflow.dialect.parser import FlinkParser


class Flink(Dialect):
    """Apache Flink SQL (Flink 2.x, Calcite based)."""

    NORMALIZATION_STRATEGY = NormalizationStrategy.CASE_SENSITIVE
    NORMALIZE_FUNCTIONS = False
    IDENTIFIERS_CAN_START_WITH_DIGIT = False
    SUPPORTS_USER_DEFINED_TYPES = False
    NULL_ORDERING = "nulls_are_small"
    TABLESAMPLE_SIZE_IS_PERCENT = True

    class Tokenizer(tokens.Tokenizer):
        QUOTES = ["'"]
        IDENTIFIERS = ["`"]
        STRING_ESCAPES = ["'"]
        IDENTIFIER_ESCAPES = ["`"]
        NESTED_COMMENTS = False
        HEX_STRINGS = [("X'", "'"), ("x'", "'")]
        UNICODE_STRINGS = [("U&'", "'"), ("u&'", "'")]

        KEYWORDS = {
            **{k: v for k, v in tokens.Tokenizer.KEYWORDS.items() if v != TokenType.COMMAND and k != "=="},
            "EXPLAIN": TokenType.VAR,
            "BYTES": TokenType.VAR,
            "MULTISET": TokenType.VAR,
            "DESCRIPTOR": TokenType.VAR,
            "MODEL": TokenType.VAR,
            "MATCH_RECOGNIZE": TokenType.MATCH_RECOGNIZE,
        }
        COMMANDS: set[TokenType] = set()
        # `/*+ OPTIONS(...) */` after a table name is a table hint, not a comment
        TOKENS_PRECEDING_HINT = {
            *tokens.Tokenizer.TOKENS_PRECEDING_HINT, TokenType.VAR, TokenType.IDENTIFIER,
        }

    Parser = FlinkParser
    Generator = FlinkGenerator
