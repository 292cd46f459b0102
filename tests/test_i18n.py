"""Every string exists in Chinese and English with the same placeholders; joins follow each language."""

from __future__ import annotations

import re

import pytest

from assessor.i18n import STRINGS, bi, bi_short, join, t


def test_every_string_has_both_languages_with_the_same_placeholders() -> None:
    for key, entry in STRINGS.items():
        assert set(entry) == {"zh", "en"} and entry["zh"].strip() and entry["en"].strip(), key
        assert set(re.findall(r"{(\w+)}", entry["zh"])) == set(re.findall(r"{(\w+)}", entry["en"])), key


def test_join_uses_each_languages_separators() -> None:
    assert join(["安全", "清洁"], "zh") == "安全、清洁"
    assert join(["safety", "cleaning"], "en") == "safety, cleaning"
    assert join(["a", "b"], "zh", "clause") == "a；b" and join(["a", "b"], "en", "clause") == "a; b"
    assert join([], "zh") == "" and join(["x"], "fr") == "x"
    with pytest.raises(KeyError, match="unknown kind"):
        join(["a"], "zh", "semicolon")


def test_bilingual_labels() -> None:
    assert bi("login_needed") == f"{t('login_needed', 'zh')} / {t('login_needed', 'en')}"
    assert bi_short("yes") == "是 yes" and bi_short("none") == "无 none"
