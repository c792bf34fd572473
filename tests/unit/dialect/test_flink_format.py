"""format_sql golden files (input, then ``-- expected``, then the output) and the fmt command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sqlflow.cli.fmt import command as fmt_command
from sqlflow.dialect import format_sql, parse_script

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dialect" / "fmt"
MARK = "-- expected\n"


def load_golden(path: Path) -> tuple[str, str]:
    """Split a golden file at its ``-- expected`` line into (input, expected output)."""
    text = path.read_text(encoding="utf-8")
    source, expected = text.split(MARK, 1)
    return source, expected


def run_golden(path: Path) -> None:
    source, expected = load_golden(path)
    got = format_sql(source)
    assert got == expected
    assert format_sql(got) == got
    before = [s.expression for s in parse_script(source)]
    after = [s.expression for s in parse_script(got)]
    assert [e.sql("flink") for e in after] == [e.sql("flink") for e in before]
    assert after == before


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.sql")), ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    run_golden(path)


def test_fmt_check_and_write(tmp_path: Path) -> None:
    runner = CliRunner()
    with runner.isolated_filesystem(temp_dir=tmp_path) as cwd:
        (Path(cwd) / "sql").mkdir()
        (Path(cwd) / "sql" / "a.sql").write_text("select 1", encoding="utf-8")
        (Path(cwd) / "sql" / "b.sql").write_text("SELECT\n    2;\n", encoding="utf-8")
        result = runner.invoke(fmt_command, ["--check"], catch_exceptions=False)
        assert (result.exit_code, result.output) == (1, "would reformat sql/a.sql\n")
        result = runner.invoke(fmt_command, [], catch_exceptions=False)
        assert (result.exit_code, result.output) == (0, "reformatted sql/a.sql\n")
        assert (Path(cwd) / "sql" / "a.sql").read_text() == "SELECT\n    1;\n"
        result = runner.invoke(fmt_command, ["--check", "sql"], catch_exceptions=False)
        assert (result.exit_code, result.output) == (0, "2 file(s) already formatted\n")


def test_fmt_reports_located_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from sqlflow.cli.main import run

    (tmp_path / "sql").mkdir()
    bad = tmp_path / "sql" / "bad.sql"
    bad.write_text("SELECT 1;\nSELCT 2;\nSELECT a FROM t WHERE a == 1;\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        run(["fmt", "--check"])
    assert info.value.code == 1
    assert capsys.readouterr().err == (
        "sql/bad.sql:2:1: error[syntax]: expected a statement, found 'SELCT'\n"
        "   2 | SELCT 2;\n"
        "     | ^^^^^\n"
        "  = help: did you mean SELECT?\n"
        "\n"
        "sql/bad.sql:3:25: error[syntax]: '==' is not a SQL operator\n"
        "   3 | SELECT a FROM t WHERE a == 1;\n"
        "     |                         ^^\n"
        "  = help: use = to compare\n"
    )
    assert bad.read_text(encoding="utf-8") == "SELECT 1;\nSELCT 2;\nSELECT a FROM t WHERE a == 1;\n"


def test_fmt_and_validate_count_lines_alike(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture) -> None:
    # found by fuzzing: fmt read files in text mode, where a lone \r (here inside a quoted name) also ends a
    # line, so it reported this error on line 3 while validate said line 2; CRLF files still format to LF
    from sqlflow.cli.main import run

    (tmp_path / "sql").mkdir()
    (tmp_path / "sql" / "bad.sql").write_bytes(b"CREATE TABLE t (`a\rb` INT) WITH ('connector' = 'print');\n"
                                               b"SELECT `a\rb` FROM t WHERE a == 1;\n")
    crlf = tmp_path / "sql" / "crlf.sql"
    crlf.write_bytes(b"select 1;\r\n-- note\r\n")
    monkeypatch.chdir(tmp_path)
    shown = []
    for args in (["fmt"], ["validate"]):
        with pytest.raises(SystemExit) as info:
            run(args)
        assert info.value.code == 1
        out = capsys.readouterr()
        shown.append([line for line in (out.out + out.err).splitlines() if "error[" in line])
    assert shown == [["sql/bad.sql:2:29: error[syntax]: '==' is not a SQL operator"]] * 2
    assert crlf.read_bytes() == b"SELECT\n    1;\n-- note\n"


def test_format_rejects_bad_sql_with_the_same_error() -> None:
    from sqlflow.errors import ParseError

    with pytest.raises(ParseError) as info:
        format_sql("SELECT 'oops", "x.sql")
    assert (info.value.message, info.value.location.line, info.value.location.column) == ("unterminated string", 1, 8)


def test_fmt_defaults_to_the_project_sql_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sqlflow.yaml").write_text("name: demo\n", encoding="utf-8")
    (tmp_path / "sql" / "jobs").mkdir(parents=True)
    (tmp_path / "sql" / "jobs" / "a.sql").write_text("select 1", encoding="utf-8")
    (tmp_path / "udfs").mkdir()
    monkeypatch.chdir(tmp_path / "udfs")
    result = CliRunner().invoke(fmt_command, ["--check"], catch_exceptions=False)
    assert (result.exit_code, result.output) == (1, f"would reformat {tmp_path / 'sql' / 'jobs' / 'a.sql'}\n")


PROJECT_SQL = sorted((Path(__file__).resolve().parents[3] / "sql").rglob("*.sql"))


@pytest.mark.parametrize("path", PROJECT_SQL, ids=lambda p: str(p.name))
def test_shipped_jobs_format_stably(path: Path) -> None:
    """The project's own job files (with their ${VARS}) format idempotently and keep their trees."""
    text = path.read_text(encoding="utf-8")
    once = format_sql(text, str(path))
    assert format_sql(once, str(path)) == once
    assert [s.expression for s in parse_script(once)] == [s.expression for s in parse_script(text)]
    assert once.count("${") == text.count("${")
