"""`assessor certificate` and `assessor verify` from the command line: files written, exit status per verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor.cli import app
from assessor.settings import get_settings
from tests.credentials.conftest import Centre


@pytest.fixture
def runner(centre: Centre, monkeypatch: pytest.MonkeyPatch, tiny_bank_dir: Path) -> CliRunner:
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(centre.data))
    monkeypatch.setenv("ASSESSOR_BANK_DIR", str(tiny_bank_dir))
    get_settings.cache_clear()
    return CliRunner()


def test_issue_verify_revoke(centre: Centre, runner: CliRunner, tmp_path: Path) -> None:
    pdf, document = tmp_path / "cert.pdf", tmp_path / "cert.json"
    result = runner.invoke(app, ["certificate", centre.session.resume_code, "--out", str(pdf), "--json",
                                 str(document), "--by", "li"])
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF") and json.loads(document.read_text(encoding="utf-8"))["proof"]
    result = runner.invoke(app, ["verify", str(pdf), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output and "王阿姨" in result.output and "Home cleaning" in result.output
    result = runner.invoke(app, ["verify", str(document), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["status"] == "valid"

    forged = tmp_path / "forged.json"
    forged.write_text(document.read_text(encoding="utf-8").replace('"L5"', '"L4"'), encoding="utf-8")
    result = runner.invoke(app, ["verify", str(forged)])
    assert result.exit_code == 1, result.output
    assert "被改动" in result.output

    certificate_id = json.loads(runner.invoke(app, ["verify", str(pdf), "--json"]).output)["claim"]["id"]
    result = runner.invoke(app, ["certificate", "revoke", certificate_id, "--reason", "mistake", "--by", "zhang"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["verify", str(pdf)]).exit_code == 4
    listing = runner.invoke(app, ["certificate", "list"]).output
    assert certificate_id in listing and "revoked" in listing and "zhang" in listing

    hub = tmp_path / "hub"
    assert runner.invoke(app, ["verify", str(pdf), "--data", str(hub)]).exit_code == 3
    assert not (hub / "assessor.sqlite").exists()  # verifying creates no database
    assert runner.invoke(app, ["verify", str(tmp_path / "missing.pdf")]).exit_code == 2


def test_without_a_centre_key_it_says_how_to_make_one(centre: Centre, runner: CliRunner, tmp_path: Path) -> None:
    (centre.data / "centre.key").unlink()
    result = runner.invoke(app, ["certificate", centre.session.id, "--out", str(tmp_path / "c.pdf")])
    assert result.exit_code == 1
    assert "assessor centre init" in result.output
    assert not (tmp_path / "c.pdf").exists()
