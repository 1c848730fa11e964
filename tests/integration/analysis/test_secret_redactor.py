from __future__ import annotations

import base64
import dataclasses
import functools
import inspect
import json
import string

import pytest

from codemill.infrastructure.analysis.secret_redactor import SecretRedactor

# Assembled at run time so that no scanner reading this repository mistakes the fixtures for leaks.
AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLE"
GITHUB_TOKEN = "ghp_" + "R4nd0mL00k1ngT0k3nV4lu3abcdefghij123"
PEM_BODY = "MIIEowIBAAKCAQEA7bq98FmQp8n9dGrvXqUQkzN1aSgh\nbcdefghijklmnopqrstuv0123456789+/abcdefgh12="
PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + PEM_BODY + "\n-----END RSA PRIVATE KEY-----"

redactor = SecretRedactor()


def test_private_key_block_is_replaced_whole_across_lines() -> None:
    code = f'KEY = """{PEM}"""\nsize = 2048\n'
    text, counts = redactor.redact(code)
    assert text == 'KEY = """<PRIVATE_KEY>"""\nsize = 2048\n'
    assert counts == {"<PRIVATE_KEY>": 1}


def test_private_key_spread_over_string_literals_and_cut_short() -> None:
    joined = '("-----BEGIN PRIVATE KEY-----\\n"\n "' + PEM_BODY.replace("\n", '\\n"\n "') + '\\n"\n ")'
    text, counts = redactor.redact(f"key = {joined}\n")
    assert text.startswith('key = ("<PRIVATE_KEY>') and "MIIE" not in text
    assert counts == {"<PRIVATE_KEY>": 1}
    header_only = 'if pem.startswith("-----BEGIN RSA PRIVATE KEY-----"):\n    return True\n'
    assert redactor.redact(header_only) == (header_only, {})


def test_aws_key_github_token_and_password_assignment() -> None:
    code = (
        f'AWS_ACCESS_KEY_ID = "{AWS_KEY}"\n'
        f"headers = {{'Authorization': 'token {GITHUB_TOKEN}'}}\n"
        'db_password = "Tr0ub4dor&3"\n'
        "def connect():\n"
        f'    return login("{AWS_KEY}")\n'
    )
    text, counts = redactor.redact(code)
    assert AWS_KEY not in text and GITHUB_TOKEN not in text and "Tr0ub4dor" not in text
    assert 'db_password = "<SECRET>"' in text
    assert "token <SECRET>'" in text
    assert counts == {"<SECRET>": 4}  # the AWS key twice: a long value is hidden wherever it recurs


def test_urls_slack_jwt_and_token_assignments() -> None:
    slack = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"
    jwt_token = ".".join(
        base64.urlsafe_b64encode(json.dumps(part).encode()).decode().rstrip("=")
        for part in ({"alg": "HS256", "typ": "JWT"}, {"sub": "1234567890", "name": "Jane"})
    )
    code = (
        'DATABASE_URL = "postgres://admin:s3cr3tPassw0rd@db.internal:5432/app"\n'
        f'SLACK = "{slack}"\n'
        f'bearer = "{jwt_token}.c2lnbmF0dXJlLXZhbHVl"\n'
        'auth_token = "a1b2c3d4e5f6g7h8i9j0k1l2"\n'
        'TOKEN_TYPE = "refresh_token"\n'
    )
    text, counts = redactor.redact(code)
    assert "postgres://admin:<SECRET>@db.internal:5432/app" in text
    assert 'SLACK = "<SECRET>"' in text and 'bearer = "<SECRET>"' in text
    assert 'auth_token = "<SECRET>"' in text and 'TOKEN_TYPE = "refresh_token"' in text
    assert counts == {"<SECRET>": 4}


def test_emails_are_replaced_but_example_domains_stay() -> None:
    code = '"""Maintained by Jane Doe <jane.doe@corp-mail.io>."""\nREPLY = "noreply@example.com"\n'
    text, counts = redactor.redact(code)
    assert text == '"""Maintained by Jane Doe <<EMAIL>>."""\nREPLY = "noreply@example.com"\n'
    assert counts == {"<EMAIL>": 1}


@pytest.mark.parametrize(
    "kept",
    [
        'bind = "0.0.0.0"',
        'home = "127.0.0.1"',
        'lan = "192.168.1.20"',
        'mask = "255.255.255.255"',
        'resolver = "8.8.8.8"',
        'doc = "203.0.113.7"',
        'version = "10.20.30.40"',
        'oid = "1.3.6.1.4.1.311"',
        'release = "1.2.3.4"',
        'loopback = "::1"',
        "evens = items[1::2]",
        "std::vector<int> values;",
        'doc6 = "2001:db8::1"',
    ],
)
def test_non_personal_addresses_stay(kept: str) -> None:
    assert redactor.redact(kept + "\n") == (kept + "\n", {})


def test_public_addresses_are_replaced() -> None:
    code = 'SERVER = "93.184.216.34"\nHOST6 = "2a00:1450:4001:81c::200e"\nupstream_host = "1.2.3.4"\n'
    text, counts = redactor.redact(code)
    assert text == 'SERVER = "<IP_ADDRESS>"\nHOST6 = "<IP_ADDRESS>"\nupstream_host = "<IP_ADDRESS>"\n'
    assert counts == {"<IP_ADDRESS>": 3}


@pytest.mark.parametrize("module", [dataclasses, functools, string])
def test_clean_code_comes_back_unchanged(module: object) -> None:
    code = inspect.getsource(module)  # real modules with keys, tokens, decorators and dotted numbers
    assert redactor.redact(code) == (code, {})


def test_placeholders_are_idempotent() -> None:
    code = f'password = "hunter22"\nKEY = """{PEM}"""\nmail = "a.b@corp.io"\nip = "93.184.216.34"\n'
    once, counts = redactor.redact(code)
    assert counts == {"<SECRET>": 1, "<PRIVATE_KEY>": 1, "<EMAIL>": 1, "<IP_ADDRESS>": 1}
    assert redactor.redact(once) == (once, {})
    placeholders = 'token = "<SECRET>"\npassword = "<SECRET>"\nurl = "https://u:<SECRET>@h.io"\n'
    assert redactor.redact(placeholders) == (placeholders, {})


def test_short_values_are_replaced_only_as_whole_words() -> None:
    text, counts = redactor.redact("def login(user, passwd='pass'):\n    return passwd\n")
    assert text == "def login(user, passwd='<SECRET>'):\n    return passwd\n"
    assert counts == {"<SECRET>": 1}


@pytest.mark.parametrize(
    "token",
    [
        "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
        "glpat-" + "xYz12AbC34dEf56GhI78",
        "sq0csp-" + "A" * 10 + "b" * 10 + "C" * 10 + "d" * 13,
        "SG." + "a1B2c3D4e5F6g7H8i9J0kL" + "." + "m1N2o3P4q5R6s7T8u9V0wX1y2Z3a4B5c6D7e8F9g0H1",
    ],
)
def test_vendor_tokens_anywhere_in_code(token: str) -> None:
    text, counts = redactor.redact(f'client = Client(api="{token}")\n')
    assert text == 'client = Client(api="<SECRET>")\n'
    assert counts == {"<SECRET>": 1}
