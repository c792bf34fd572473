from sqlflow.dialect import strip_comments


def test_strip_comments_keeps_hints_and_strings():
    assert strip_comments("SELECT /*+ OPTIONS('a'='b') */ '--x' -- y\nFROM t") == \
        "SELECT /*+ OPTIONS('a'='b') */ '--x' \nFROM t"
