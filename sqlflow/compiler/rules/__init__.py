"""The checks, in the order they run: errors first, then lint warnings.

Adding a rule is adding a module with a :class:`~sqlflow.compiler.rules.base.Rule`
subclass and listing it here.
"""

from __future__ import annotations

from sqlflow.compiler.rules.ambiguous_column import AmbiguousColumn
from sqlflow.compiler.rules.append_only_sink import AppendOnlySink
from sqlflow.compiler.rules.base import Rule
from sqlflow.compiler.rules.connectors import MissingOption, UnknownConnector, UnknownOption
from sqlflow.compiler.rules.delivery import DeliveryGuarantee, DuplicateTransactionalId, ExactlyOnceCheckpointing
from sqlflow.compiler.rules.duplicate import DuplicateDefinition
from sqlflow.compiler.rules.duplicate_column import DuplicateColumn
from sqlflow.compiler.rules.grouping import Grouping
from sqlflow.compiler.rules.kafka_security import KafkaSecurity, SecretInSql
from sqlflow.compiler.rules.insert_columns import InsertColumnCount
from sqlflow.compiler.rules.insert_types import InsertColumnType
from sqlflow.compiler.rules.lint import ProctimeWindow, SelectStarSink, StateTtl, UdfNotVectorized
from sqlflow.compiler.rules.mixed_comparison import MixedComparison, MixedEquality, StringArithmetic
from sqlflow.compiler.rules.models import ModelFile, ModelSignatureRule
from sqlflow.compiler.rules.project_paths import PathOutsideProject
from sqlflow.compiler.rules.reserved_word import ReservedWord
from sqlflow.compiler.rules.set_operation import SetOperation
from sqlflow.compiler.rules.streaming_sort import StreamingSort
from sqlflow.compiler.rules.syntax import Syntax
from sqlflow.compiler.rules.udf_argument_type import UdfArgumentType
from sqlflow.compiler.rules.udf_arity import UdfArity
from sqlflow.compiler.rules.unknown_column import UnknownColumn
from sqlflow.compiler.rules.unknown_function import UnknownFunction
from sqlflow.compiler.rules.unknown_model import UnknownModel
from sqlflow.compiler.rules.unknown_table import UnknownTable
from sqlflow.compiler.rules.variables import UndefinedVariable
from sqlflow.compiler.rules.watermark import MissingWatermark
from sqlflow.compiler.rules.watermark_type import WatermarkType

RULES: tuple[Rule, ...] = (
    Syntax(),
    ReservedWord(),
    UndefinedVariable(),
    DuplicateDefinition(),
    DuplicateColumn(),
    UnknownTable(),
    UnknownColumn(),
    AmbiguousColumn(),
    UnknownFunction(),
    UnknownModel(),
    Grouping(),
    UdfArity(),
    UdfArgumentType(),
    SetOperation(),
    InsertColumnCount(),
    InsertColumnType(),
    MixedEquality(),
    StringArithmetic(),
    WatermarkType(),
    UnknownConnector(),
    MissingOption(),
    UnknownOption(),
    KafkaSecurity(),
    MissingWatermark(),
    AppendOnlySink(),
    StreamingSort(),
    PathOutsideProject(),
    DuplicateTransactionalId(),
    ModelFile(),
    ModelSignatureRule(),
    StateTtl(),
    SelectStarSink(),
    UdfNotVectorized(),
    ProctimeWindow(),
    MixedComparison(),
    SecretInSql(),
    DeliveryGuarantee(),
    ExactlyOnceCheckpointing(),
)

RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)

__all__ = ["RULES", "RULE_IDS", "Rule"]
