"""The one scrubber: known values, secret-looking keys, URLs, JAAS configs; streams, logs and files."""

from __future__ import annotations

import io
import json
import logging

import pytest

from sqlflow.scrub import (ScrubbingStream, ScrubFilter, add_secret, forget_secrets, known_secrets, scrub,
                           scrub_data)


@pytest.mark.parametrize("text, shown", [
    ("aws_secret_access_key=AKIAXYZ123 rest", "aws_secret_access_key=***** rest"),
    ("fs.s3a.secret.key: abcdef next", "fs.s3a.secret.key: ***** next"),
    ("aws.secret.access.key: zzzzzz", "aws.secret.access.key: *****"),
    ("'properties.ssl.truststore.password' = 'changeit'", "'properties.ssl.truststore.password' = '*****'"),
    ('"sasl_password": "abc12345"', '"sasl_password": "*****"'),
    ("api_key=k-123456 token=t-654321", "api_key=***** token=*****"),
    ("url jdbc:postgresql://user:pw1234@db:5432/x?ssl=true", "url jdbc:postgresql://user:*****@db:5432/x?ssl=true"),
    ("jdbc:mysql://db/x?user=a&password=topsecret&ssl=1", "jdbc:mysql://db/x?user=a&password=*****&ssl=1"),
    ("https://admin:hunter22@flink.example/", "https://admin:*****@flink.example/"),
    ("Authorization: Bearer eyJhbGciOi.abc", "Authorization: Bearer *****"),
    ("'properties.sasl.jaas.config' = 'org.apache.flink.kafka.shaded.org.apache.kafka.common.security.plain."
     "PlainLoginModule required username=\"svc\" password=\"p4ss-w0rd\";'",
     "'properties.sasl.jaas.config' = 'org.apache.flink.kafka.shaded.org.apache.kafka.common.security.plain."
     "PlainLoginModule required username=\"svc\" password=\"*****\";'"),
    ('OAuthBearerLoginModule required clientId="app" clientSecret="s3cr3t";',
     'OAuthBearerLoginModule required clientId="app" clientSecret="*****";'),
])
def test_values_of_secret_looking_keys_are_hidden(text, shown):
    assert scrub(text) == shown


@pytest.mark.parametrize("text", [
    "'password' = '${DB_PASSWORD}'",  # a reference is no secret: the caret line shows the file as written
    "password=\"${KAFKA_PASSWORD:-}\"",
    "unexpected token at line 1",
    "key.format = json",
    "security.protocol=SASL_SSL",
    "tokenizer: bert",
    "SQLFLOW_SECRETS_FILE=/etc/sqlflow/secrets.yaml: no such file",
    "http://flink:8081/#/job/running/abc/overview",
])
def test_what_is_no_secret_is_left_alone(text):
    assert scrub(text) == text


def test_known_values_are_hidden_wherever_they_appear():
    add_secret("s3cr3t-value", "abc", None, "")  # too short and empty values are not registered
    assert known_secrets() == {"s3cr3t-value"}
    assert scrub("Could not find any factory for identifier 's3cr3t-value'") == \
        "Could not find any factory for identifier '*****'"
    assert scrub("abc is no secret") == "abc is no secret"
    forget_secrets()
    assert scrub("s3cr3t-value") == "s3cr3t-value"


def test_the_stream_scrubs_whole_lines_even_when_a_secret_comes_in_pieces():
    add_secret("hunter22-long")
    target = io.StringIO()
    stream = ScrubbingStream(target)
    stream.write("the value is hunt")
    stream.write("er22-long")
    assert target.getvalue() == ""  # nothing leaves before the line is whole (or flushed)
    stream.write(" here\nnext ")
    assert target.getvalue() == "the value is ***** here\n"
    stream.write("line hunter22-long")
    stream.flush()
    assert target.getvalue() == "the value is ***** here\nnext line *****"
    with pytest.raises(TypeError):
        stream.write(b"bytes")


def test_log_records_are_scrubbed_by_the_filter():
    add_secret("planted-log-value")
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(ScrubFilter())
    log = logging.getLogger("sqlflow.test.scrub")
    log.addHandler(handler)
    try:
        log.warning("GET /%s/jobs", "planted-log-value")
        try:
            raise RuntimeError("planted-log-value in a traceback")
        except RuntimeError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    assert "planted-log-value" not in out.getvalue()
    assert out.getvalue().startswith("GET /*****/jobs\nfailed\n")


def test_files_written_from_data_stay_valid():
    add_secret("s3cr3t-value")
    data = {"job": {"sql": "x = 's3cr3t-value'", "stopped": True, "n": 3, "list": ["a", "s3cr3t-value"]}}
    clean = scrub_data(data)
    assert json.loads(json.dumps(clean)) == {"job": {"sql": "x = '*****'", "stopped": True, "n": 3,
                                                     "list": ["a", "*****"]}}
    # by value only: a stored statement keeps a literal that merely looks secret
    assert scrub_data({"sql": "'password' = 'lit'"}, keys=False) == {"sql": "'password' = 'lit'"}
