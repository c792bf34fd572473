"""The properties fuzzing checks, and the projects it checks them in.

Whatever the input, every part of sqlflow that reads a user's file ends with a result or a
located error, in bounded time:

- the dialect: ``parse_script_partial`` never raises; ``parse_script`` and ``format_sql`` raise
  only ``ParseError``/``Diagnostics`` whose errors point into the file (line and column inside
  it); formatted text parses to the same trees, and formatting it again changes nothing;
- the compiler (resolver and rules): ``compile_project`` never raises for a SQL file, and each
  diagnostic it returns is located in its file;
- the CLI (``validate``, ``fmt``, ``lineage``, ``plan --target local``): exit 0 or 1, never 2 (an
  internal error) and never a traceback; a failure says where;
- the config: ``load_config`` raises nothing but ``ConfigError``;
- SQL tests: reading a ``*.test.yaml`` and matching it with its job
  (:meth:`sqlflow.sqltest.runner.SqlTestRunner.prepare`, everything before Flink) raises only
  ``SqlflowError`` subclasses, located in the test file or the job, and starts no cluster.

Each check runs under a time bound (``SQLFLOW_FUZZ_BOUND`` seconds, default 5, per call); a call
past it is a failure (a hang), raised from a timer signal so no ``except Exception`` swallows it.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from sqlflow.cli.main import run as cli_run
from sqlflow.compiler import compile_project
from sqlflow.compiler.compiled import CompiledProject
from sqlflow.config import load_config
from sqlflow.dialect import format_sql, parse_script, parse_script_partial
from sqlflow.errors import Diagnostics, ParseError, SqlflowError
from sqlflow.scrub import forget_secrets
from sqlflow.sqltest.plan import plan_test, write_inputs
from sqlflow.sqltest.runner import SqlTestRunner
from sqlflow.sqltest.spec import SqlTest, read_test
from sqlflow.sqltest.subject import job_under_test

from fuzz_sql import ROOT

BOUND = float(os.environ.get("SQLFLOW_FUZZ_BOUND", "5"))
#: How many cases each property has checked in this process (the soak's report reads it).
CASES: Counter[str] = Counter()
_LOCATED = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (error|warning)\[[\w-]+\]: ", re.M)
#: Text that must never reach a user: a traceback, the CLI's internal-error line, raw sqlglot objects.
LEAKS = ("Traceback (most recent call last)", "internal error", "<Token token_type", "Error object at 0x")


class Hang(BaseException):
    """A call that ran past the time bound (a BaseException: no ``except Exception`` in the code under
    test can swallow it)."""


class PropertyFailed(AssertionError):
    """A property did not hold for the case at hand."""


@contextlib.contextmanager
def time_bound(what: str, seconds: float = BOUND) -> Iterator[None]:
    """Raise :class:`Hang` in the calling (main) thread if the block runs longer than ``seconds``."""

    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"{what} ran longer than {seconds:g} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def fail(message: str) -> None:
    raise PropertyFailed(message)


# ------------------------------------------------------------------------------ located errors

def check_located(err: BaseException, texts: dict[str, str], what: str) -> None:
    """``err`` is a SqlflowError (or several) whose location, when it names one of ``texts`` (file ->
    its text), has a line and a column inside that file; its rendering leaks no internals."""
    if isinstance(err, Diagnostics):
        if not err.errors:
            fail(f"{what}: an empty Diagnostics")
        for e in err.errors:
            check_located(e, texts, what)
        return
    if not isinstance(err, SqlflowError):
        fail(f"{what}: raised {type(err).__name__}: {err}")
    loc = err.location
    if loc is None:
        if texts:
            fail(f"{what}: an error without a location: {err.render()}")
        return
    if loc.file in texts:
        lines = texts[loc.file].split("\n")
        if not 1 <= loc.line <= len(lines):
            fail(f"{what}: line {loc.line} is outside {loc.file} ({len(lines)} lines): {err.message}")
        if not 1 <= loc.column <= len(lines[loc.line - 1]) + 1:
            fail(f"{what}: column {loc.column} is outside line {loc.line} of {loc.file} "
                 f"({len(lines[loc.line - 1])} characters): {err.message}")
        shown = loc.source_line()
        if shown is not None and shown != lines[loc.line - 1].rstrip("\r"):
            fail(f"{what}: the error shows {shown!r}, not line {loc.line} of {loc.file}")
    elif texts and not any(loc.file.endswith(f) or f.endswith(loc.file) for f in texts):
        fail(f"{what}: an error located in {loc.file}, not in the file given: {err.render()}")
    text = err.render()
    for leak in LEAKS:
        if leak in text:
            fail(f"{what}: the error shows internals ({leak!r}): {text}")


def _universal(text: str) -> str:
    """``text`` with its line ends as Python's text mode reads them (a YAML file is read so)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ------------------------------------------------------------------------------ the dialect

def check_dialect(text: str, file: str = "sql/fuzz.sql") -> str:
    """Parse, format, re-parse and re-format ``text``; return how it ended (for the case counts)."""
    CASES["dialect"] += 1
    texts = {file: text}
    with time_bound("parse_script_partial"):
        try:
            parsed = parse_script_partial(text, file)
        except Exception as exc:  # noqa: BLE001 - the property is that nothing escapes
            fail(f"parse_script_partial raised {type(exc).__name__}: {exc}")
    for err in parsed.errors:
        check_located(err, texts, "parse_script_partial")
    with time_bound("parse_script"):
        try:
            before = parse_script(text, file)
        except (ParseError, Diagnostics) as exc:
            check_located(exc, texts, "parse_script")
            return "syntax error"
    if parsed.errors:
        fail(f"parse_script accepted what parse_script_partial refused: {parsed.errors[0].render()}")
    with time_bound("format_sql"):
        try:
            formatted = format_sql(text, file)
        except (ParseError, Diagnostics) as exc:
            check_located(exc, texts, "format_sql")
            return "not formattable"
    with time_bound("format_sql, again"):
        try:
            after = parse_script(formatted, file)
        except (ParseError, Diagnostics) as exc:
            fail(f"the formatted text does not parse: {exc.render()}\n--- formatted:\n{formatted}")
        again = format_sql(formatted, file)
    if [s.expression for s in after] != [s.expression for s in before]:
        pairs = [(a.expression.sql("flink"), b.expression.sql("flink")) for a, b in zip(after, before)
                 if a.expression != b.expression]
        fail(f"formatting changed the tree: {pairs[:1] or (len(after), len(before))}\n--- formatted:\n{formatted}")
    if again != formatted:
        fail(f"format_sql is not idempotent:\n--- once:\n{formatted}\n--- twice:\n{again}")
    return "formatted"


# ------------------------------------------------------------------------------ projects

@dataclass
class Workspace:
    """Copies of real projects in a temporary folder, each file restorable after a case changes it."""

    root: Path
    originals: dict[Path, bytes] = field(default_factory=dict)

    @classmethod
    def create(cls, base: Path | None = None) -> "Workspace":
        root = Path(tempfile.mkdtemp(prefix="sqlflow-fuzz-", dir=base))
        ws = cls(root)
        ignore = shutil.ignore_patterns("__pycache__", ".sqlflow", "*.pyc")
        shipped = root / "shipped"
        shipped.mkdir()
        shutil.copy2(ROOT / "sqlflow.yaml", shipped / "sqlflow.yaml")
        for folder in ("sql", "udfs", "models"):
            shutil.copytree(ROOT / folder, shipped / folder, ignore=ignore)
        shutil.copytree(ROOT / "tests" / "fixtures" / "sqltest", root / "sqltest", ignore=ignore)
        shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "good", root / "good", ignore=ignore)
        grammar = root / "grammar"  # the good project's UDFs and model, and no SQL: the grammar's scripts go here
        shutil.copytree(root / "good", grammar, ignore=shutil.ignore_patterns("sql"))
        (grammar / "sql").mkdir()
        # the local target on a port nothing listens on (plan then says so, quickly)
        for project in (shipped, grammar, root / "good"):
            cfg = project / "sqlflow.yaml"
            text = cfg.read_text(encoding="utf-8")
            assert "targets:" not in text
            cfg.write_text(text + "targets:\n  local:\n    rest_port: 1\n", encoding="utf-8")
        return ws

    def project(self, name: str) -> Path:
        return self.root / name

    def put(self, path: Path, text: str) -> None:
        """Write ``text`` at ``path``, keeping what was there for :meth:`restore`."""
        if path not in self.originals:
            self.originals[path] = path.read_bytes() if path.exists() else b""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def restore(self) -> None:
        """Put back every file changed since the last restore (and forget secrets the case registered)."""
        for path, data in self.originals.items():
            if data:
                path.write_bytes(data)
            else:
                path.unlink(missing_ok=True)
        self.originals.clear()
        state = [p / ".sqlflow" for p in self.root.iterdir()]
        for folder in state:
            shutil.rmtree(folder, ignore_errors=True)
        forget_secrets()

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _texts(project: Path) -> dict[str, str]:
    """Every SQL file of ``project`` by the path diagnostics use (relative to the project)."""
    out = {}
    for f in sorted((project / "sql").rglob("*.sql")):
        out[str(f.relative_to(project))] = f.read_bytes().decode("utf-8", errors="replace")  # as the compiler reads
    return out


def check_compile(project: Path) -> str:
    """Compile ``project``: no exception, and every diagnostic located in its file."""
    compiled = compile_checked(project)
    if compiled is None:
        return "config error"
    return "errors" if compiled.errors else "ok"


def compile_checked(project: Path) -> CompiledProject | None:
    """``project`` compiled, its diagnostics checked (None: its sqlflow.yaml stopped the compiler)."""
    CASES["compile"] += 1
    texts = _texts(project)
    with time_bound("compile_project", BOUND * 2):
        try:
            compiled = compile_project(project)
        except SqlflowError as exc:  # only a broken sqlflow.yaml may stop the compiler
            if not exc.location or not exc.location.file.endswith("sqlflow.yaml"):
                fail(f"compile_project raised {exc.render()}")
            return None
        except Exception as exc:  # noqa: BLE001
            fail(f"compile_project raised {type(exc).__name__}: {exc}")
    for d in compiled.diagnostics:
        if d.location is not None and d.location.file.endswith(".sql"):
            check_located(d, texts, f"diagnostic [{d.rule}]")
        elif d.location is None:
            fail(f"a diagnostic without a location: {d.render()}")
        else:
            check_located(d, {}, f"diagnostic [{d.rule}]")
    return compiled


# ------------------------------------------------------------------------------ the CLI

def cli(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run ``sqlflow ARGS`` in ``cwd`` as a user would; return the exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli_run(args)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(here)
    return code, out.getvalue(), err.getvalue()


def check_cli(args: list[str], project: Path, inputs: dict[str, str] | None = None) -> int:
    """``sqlflow ARGS`` in ``project`` exits 0 or 1 in bounded time, prints no traceback, and a failure
    says what failed (located at a file, line and column when ``inputs`` holds that file)."""
    CASES["cli " + args[0]] += 1
    with time_bound("sqlflow " + " ".join(args), BOUND * 2):
        code, out, err = cli(args, project)
    both = out + err
    shown = f"sqlflow {' '.join(args)} -> {code}\n--- stdout:\n{out[-3000:]}\n--- stderr:\n{err[-3000:]}"
    if code not in (0, 1):
        fail(f"exit code {code}: {shown}")
    for leak in LEAKS:
        if leak in both:
            fail(f"the output shows internals ({leak!r}): {shown}")
    if code == 1 and not (_LOCATED.search(both) or re.search(r"^(error: |would reformat )", both, re.M)):
        fail(f"exit 1 without an error: {shown}")
    for m in _LOCATED.finditer(both):
        name = m.group("file")
        if inputs and name in inputs:
            lines = inputs[name].split("\n")
            line, col = int(m.group("line")), int(m.group("col"))
            if not (1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]) + 1):
                fail(f"{name}:{line}:{col} is outside the file: {shown}")
    return code


# ------------------------------------------------------------------------------ the config

def check_config(project: Path, text: str) -> str:
    """``load_config`` on ``project`` holding ``text`` as sqlflow.yaml: a Config or a located ConfigError."""
    CASES["config"] += 1
    with time_bound("load_config"):
        try:
            load_config(project)
        except SqlflowError as exc:
            lines = _universal(text)  # how the config reads it (YAML breaks lines at \r too)
            check_located(exc, {"sqlflow.yaml": lines, str(project / "sqlflow.yaml"): lines}, "load_config")
            return "config error"
        except Exception as exc:  # noqa: BLE001
            fail(f"load_config raised {type(exc).__name__}: {exc}")
    return "ok"


# ------------------------------------------------------------------------------ SQL tests

def check_test_spec(runner: SqlTestRunner, path: Path, text: str, job_texts: dict[str, str]) -> str:
    """Read the test at ``path`` and prepare it against its job: a plan or located errors, no cluster."""
    CASES["test spec"] += 1
    texts = {str(path): _universal(text), **job_texts}
    folder = Path(tempfile.mkdtemp(prefix="inputs-", dir=runner.workdir))
    try:
        with time_bound("read and prepare a test", BOUND * 2):
            try:
                _prepare(runner, read_test(path), folder)
            except SqlflowError as exc:
                check_located(exc, texts, "sqltest")
                return "test error"
            except Exception as exc:  # noqa: BLE001
                fail(f"preparing the test raised {type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if runner._cluster is not None:  # noqa: SLF001 - the property: preparing starts no Flink
        fail("preparing a test started a Flink cluster")
    return "ready"


def _prepare(runner: SqlTestRunner, test: SqlTest, folder: Path) -> None:
    if hasattr(runner, "prepare"):
        runner.prepare(test, folder)
        return
    # the runner before prepare() (the soak replays found inputs on the revision before the fixes): its
    # first steps, as its _run took them
    _, compiled = runner.compiled(test)
    plan = plan_test(test, job_under_test(compiled, test.job))
    write_inputs(test, plan, folder)
