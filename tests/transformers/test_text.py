from __future__ import annotations

import pandas as pd
import pytest

from lore.errors import EncodingError
from lore.transformers import EmailDomain, Extract, IsNull, Length, Map, String

FRAME = pd.DataFrame({"s": pd.array(["  Hello   World ", "abc-123", None], dtype="str")})


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        ("normalize", ["hello world", "abc-123"]),
        ("lower", ["  hello   world ", "abc-123"]),
        ("upper", ["  HELLO   WORLD ", "ABC-123"]),
        ("strip", ["Hello   World", "abc-123"]),
    ],
)
def test_string_operations(operation, expected) -> None:
    result = String("s", operation).transform(FRAME)
    assert result[:2].tolist() == expected and pd.isna(result[2])


def test_string_unknown_operation() -> None:
    with pytest.raises(EncodingError, match="'reverse' is unknown"):
        String("s", "reverse").transform(FRAME)


def test_extract_length_isnull() -> None:
    assert Extract("s", r"(\d+)").transform(FRAME)[:2].tolist()[1] == "123"
    assert Extract("s", r"[a-z]+-").transform(FRAME)[1] == "abc-"
    assert Length("s").transform(FRAME)[:2].tolist() == [16, 7]
    assert IsNull("s").transform(FRAME).tolist() == [False, False, True]
    with pytest.raises(EncodingError, match="not a valid regex"):
        Extract("s", "(").transform(FRAME)


def test_email_domain() -> None:
    frame = pd.DataFrame({"e": ["Ann@Mail.Example.COM", "no-at", "a@b@c.org", None]})
    result = EmailDomain("e").transform(frame)
    assert result[0] == "mail.example.com" and result[2] == "c.org"
    assert pd.isna(result[1]) and pd.isna(result[3])


def test_map_with_and_without_default() -> None:
    frame = pd.DataFrame({"p": ["a", "b", None]})
    assert Map("p", {"a": 1}).transform(frame)[:1].tolist() == [1]
    with_default = Map("p", {"a": 1}, default=0).transform(frame)
    assert with_default[:2].tolist() == [1, 0] and pd.isna(with_default[2])
