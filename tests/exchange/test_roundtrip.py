"""Export → read gives back every item of the shipped bank, field by field; export → import writes pilot items."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from assessor.bank.load import Bank, check_bank, load_bank
from assessor.bank.schema import Item
from assessor.cli import app
from assessor.exchange.bank_io import export_items
from assessor.exchange.moodle import read_moodle
from assessor.exchange.qti import read_qti
from tests.exchange.helpers import snapshot

READERS = {"qti": read_qti, "moodle": read_moodle}
STAMPED = ("id", "status", "reviewed", "source")


@pytest.mark.parametrize("fmt", ["qti", "moodle"])
def test_every_shipped_item_comes_back_equal(shipped_bank: Bank, fmt: str) -> None:
    data = export_items(shipped_bank, fmt)  # type: ignore[arg-type]
    back = READERS[fmt](data, f"bank.{fmt}")
    assert len(back) == len(shipped_bank.items)
    types = set()
    for raw in back:
        item = Item.model_validate(raw.data)
        original = shipped_bank.items[item.id]
        for name in Item.model_fields:
            assert getattr(item, name) == getattr(original, name), (item.id, name)
        types.add(item.type)
    assert types == {"single_choice", "multiple_choice", "true_false", "ordering", "open_scenario"}


def test_moodle_carries_both_languages_and_metadata_as_tags(tiny_bank: Bank) -> None:
    text = export_items(tiny_bank, "moodle").decode()
    assert 'class="multilang"' in text and 'lang="zh"' in text
    assert "<text>domain:" in text and "<text>irt-a:" in text and "<text>course:" in text
    assert '<question type="essay">' in text and "assessor-rubric" in text


@pytest.mark.parametrize("fmt", ["qti", "moodle"])
def test_import_into_a_bank_adds_pilot_items(tiny_bank_dir: Path, tmp_path: Path, fmt: str) -> None:
    original = load_bank(tiny_bank_dir)
    package = tmp_path / ("bank.zip" if fmt == "qti" else "bank.xml")
    runner = CliRunner()
    out = runner.invoke(app, ["bank", "export", "--format", fmt, "--bank", str(tiny_bank_dir), str(package)])
    assert out.exit_code == 0, out.output
    before = snapshot(tiny_bank_dir)

    dry = runner.invoke(app, ["bank", "import", str(package), "--dry-run", "--bank", str(tiny_bank_dir)])
    assert dry.exit_code == 0, dry.output
    assert "would import 7 item(s)" in dry.output and "nothing was written" in dry.output
    assert snapshot(tiny_bank_dir) == before

    done = runner.invoke(app, ["bank", "import", str(package), "--bank", str(tiny_bank_dir)])
    assert done.exit_code == 0, done.output
    new_files = set(snapshot(tiny_bank_dir)) - set(before)
    assert len(new_files) == 1 and next(iter(new_files)).startswith(f"items/imported-{fmt}-")
    bank, problems = check_bank(tiny_bank_dir)
    assert problems == []
    assert len(bank.items) == 2 * len(original.items)
    imported = [i for i in bank.items.values() if i.id not in original.items]
    raw = yaml.safe_load((tiny_bank_dir / next(iter(new_files))).read_text(encoding="utf-8"))["items"]
    by_source = {r["source"].split("id ")[-1].rstrip(")"): r["id"] for r in raw}
    for item in imported:
        assert item.status == "pilot" and item.reviewed is False
        assert package.name in (item.source or "")
    for old_id, new_id in by_source.items():
        first, second = original.items[old_id], bank.items[new_id]
        for name in Item.model_fields:
            if name not in STAMPED:
                assert getattr(first, name) == getattr(second, name), (old_id, name)
        if first.source:
            assert (second.source or "").startswith(first.source)


def test_import_keeps_a_free_id(tiny_bank_dir: Path, tmp_path: Path) -> None:
    package = tmp_path / "bank.xml"
    original = load_bank(tiny_bank_dir)
    package.write_bytes(export_items(original, "moodle"))
    cleaning_ids = {i.id for i in original.items.values() if i.domain == "cleaning"}
    (tiny_bank_dir / "items" / "cleaning.yaml").unlink()
    result = CliRunner().invoke(app, ["bank", "import", str(package), "--bank", str(tiny_bank_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert '"renamed": {' in result.output
    bank = load_bank(tiny_bank_dir)
    assert cleaning_ids and all(bank.items[i].status == "pilot" for i in cleaning_ids)
    assert len(bank.items) == 2 * len(original.items) - len(cleaning_ids)


def test_a_reimport_keeps_the_guideline_source_once(tiny_bank_dir: Path, tmp_path: Path) -> None:
    from assessor.exchange.bank_io import _stamp

    first = _stamp({"id": "saf-0001", "source": "WHO 2020"}, "moodle", "a.xml")
    second = _stamp(first, "qti", "b.zip")
    assert second["source"] == "WHO 2020; imported from b.zip (QTI 3.0, id saf-0001)"
    assert _stamp({"id": "x"}, "qti", "c.zip")["source"] == "imported from c.zip (QTI 3.0, id x)"
