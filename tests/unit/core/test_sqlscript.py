from sqlflow.sqlscript import split_statements, strip_comments


def test_split_keeps_strings_comments_and_blocks():
    text = (
        "-- a comment; with a semicolon\n"
        "SET 'a' = 'b';\n"
        "CREATE TABLE x (a STRING COMMENT 'x;y') WITH ('k'='v');\n"
        "/* ; */ EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END;\n"
        "BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nEND;\n"
        "SELECT `a;` FROM t"
    )
    got = [(s.line, s.kind, s.text) for s in split_statements(text)]
    assert got == [
        (2, "SET", "-- a comment; with a semicolon\nSET 'a' = 'b'"),
        (3, "CREATE", "CREATE TABLE x (a STRING COMMENT 'x;y') WITH ('k'='v')"),
        (4, "EXECUTE", "/* ; */ EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END"),
        (5, "BEGIN", "BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nEND"),
        (8, "SELECT", "SELECT `a;` FROM t"),
    ]


def test_empty_and_comment_only():
    assert split_statements("") == []
    assert split_statements("-- only\n/* c */ ;;") == []


def test_strip_comments_keeps_hints_and_strings():
    assert strip_comments("SELECT /*+ OPTIONS('a'='b') */ '--x' -- y\nFROM t") == \
        "SELECT /*+ OPTIONS('a'='b') */ '--x' \nFROM t"


def test_unterminated_string_does_not_hang():
    stmts = split_statements("SELECT 'abc; SELECT 2")
    assert [s.text for s in stmts] == ["SELECT 'abc; SELECT 2"]
