from sqlflow.dialect import strip_comments


def test_strip_comments_keeps_hints_and_strings():
    assert strip_comments("SELECT /*+ OPTIONS('a'='b') */ '--x' -- y\nFROM t") == \
        "SELECT /*+ OPTIONS('a'='b') */ '--x' \nFROM t"


def test_statement_texts_split_as_the_parser_does_whether_or_not_they_parse():
    from sqlflow.dialect import statement_texts

    text = "SET 'a' = 'b;c';\nSELECT 1 FROM\n; EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END;\n"
    assert [(sql, loc.line, loc.column) for sql, loc in statement_texts(text)] == [
        ("SET 'a' = 'b;c'", 1, 1), ("SELECT 1 FROM", 2, 1),
        ("EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; END", 3, 3)]
