from sqlflow.errors import Diagnostics, Location, ValidationError, did_you_mean, scrub_secrets


def test_render_shows_location_line_caret_and_help():
    src = "SELECT clck\nFROM clicks\n"
    err = ValidationError("unknown column 'clck'", location=Location("sql/a.sql", 1, 8, 4, source=src),
                          rule="unknown-column", hint="did you mean 'click'?")
    assert err.render() == (
        "sql/a.sql:1:8: error[unknown-column]: unknown column 'clck'\n"
        "   1 | SELECT clck\n"
        "     |        ^^^^\n"
        "  = help: did you mean 'click'?"
    )
    assert str(err) == "sql/a.sql:1:8: unknown column 'clck' (did you mean 'click'?)"


def test_render_without_location():
    assert ValidationError("boom").render() == "error[error]: boom"


def test_render_clips_giant_lines_around_the_column():
    line = "x" * 5000 + " bad " + "y" * 5000
    err = ValidationError("bad", location=Location("f.sql", 1, 5002, 3, source=line))
    shown = err.render().splitlines()
    assert len(shown[1]) < 200
    caret_col = shown[2].index("^") - len("     | ")
    assert shown[1][len("   1 | "):][caret_col:caret_col + 3] == "bad"


def test_did_you_mean_is_case_insensitive():
    assert did_you_mean("CLICKZ", ["clicks", "impressions"]) == "clicks"
    assert did_you_mean("zzz", ["clicks"]) is None


def test_scrub_secrets():
    text = "'properties.sasl.jaas.config' = 'org.Plain username=\"u\" password=\"p4ss\";' token=abc123 x"
    out = scrub_secrets(text, secrets=["hunter22"])
    assert "p4ss" not in out and "abc123" not in out
    assert scrub_secrets("pw is hunter22", ["hunter22"]) == "pw is *****"


def test_diagnostics_renders_all():
    a = ValidationError("a", rule="r1")
    b = ValidationError("b", rule="r2", severity="warning")
    d = Diagnostics([a, b])
    assert d.render() == "error[r1]: a\n\nwarning[r2]: b"
    assert d.message == "1 error(s)"


def test_source_line_counts_only_newlines():
    # found by fuzzing: a record separator (\x1e) inside a comment made the caret line show the line above
    src = "CREATE TABLE t (\n    a INT, /* x\x1ey */ b INT, c NOPE)\nWITH ('connector' = 'print');\r\nSELECT 1\r\n"
    assert Location("f.sql", 2, 35, 4, source=src).source_line() == "    a INT, /* x\x1ey */ b INT, c NOPE)"
    assert Location("f.sql", 3, 1, source=src).source_line() == "WITH ('connector' = 'print');"
    assert Location("f.sql", 4, 1, source=src).source_line() == "SELECT 1"
