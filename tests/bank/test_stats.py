from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from assessor.bank.load import Bank
from assessor.bank.stats import bank_stats
from assessor.cli import app
from tests.conftest import TINY_BANK


def test_stats_counts_the_tiny_bank(tiny_bank: Bank) -> None:
    stats = bank_stats(tiny_bank)
    assert stats["items"] == 7
    assert stats["by_domain"]["safety_first_aid"] == 5
    assert stats["by_domain"]["cleaning"] == 2
    assert stats["by_level"] == {"5": 3, "4": 4, "3": 0, "2": 0, "1": 0}
    assert stats["by_type"]["open_scenario"] == 1
    assert stats["by_status"] == {"active": 6, "pilot": 1}
    assert stats["reviewed_share"] == round(6 / 7, 4)
    assert stats["languages"] == {"zh": 1.0, "en": 1.0}
    assert stats["courses"] == 2
    assert stats["roles"] == 1


def test_stats_cli_json_has_the_issue_keys() -> None:
    result = CliRunner().invoke(app, ["bank", "stats", "--bank", str(TINY_BANK), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("items", "by_domain", "by_level", "by_type", "by_status", "reviewed_share", "languages", "courses", "roles"):
        assert key in data


def test_v2_counts_plain_sources_and_overdue_reviews(tiny_bank_dir: Path) -> None:
    from datetime import date

    from assessor.bank.load import load_bank
    from assessor.bank.stats import bank_stats

    path = tiny_bank_dir / "items/safety_first_aid.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    answer: [b]\n", "    answer: [b]\n    plain: {zh: 家里有煤气味。, en: There is a gas smell.}\n"
                        "    source: 家政服务员国家职业技能标准 2019\n    reviewed_on: 2024-01-01\n    review_due: 2025-01-01\n", 1)
    path.write_text(text, encoding="utf-8")
    v2 = bank_stats(load_bank(tiny_bank_dir), today=date(2026, 12, 5))["v2"]
    assert v2["with_plain"] == 1
    assert v2["with_source"] == 1
    assert v2["reviews_overdue"] == 1
    assert v2["open_items"] == 1 and v2["open_items_with_critical"] == 0
