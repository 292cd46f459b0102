from __future__ import annotations

import json

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
