"""Another app process saved an item: this process notices the changed file and serves the new bank version;
a broken file on disk is never swapped in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assessor.authoring import Authoring
from assessor.bank.form import item_to_form
from assessor.bank.load import Bank, load_bank
from assessor.bank.watch import BankWatch
from assessor.store import Store


def test_a_change_made_by_another_process_is_picked_up(tiny_bank_dir: Path, tmp_path: Path) -> None:
    mine = load_bank(tiny_bank_dir)
    served: list[Bank] = [mine]
    watch = BankWatch(lambda: served[-1], served.append)
    assert watch.check() is None  # nothing changed: nothing swapped
    other = Authoring(load_bank(tiny_bank_dir), Store(f"sqlite:///{tmp_path / 'db.sqlite'}"),
                      today=lambda: date(2026, 12, 5))
    form = item_to_form(mine.items["cln-0002"])
    form.stem_en = "What must you never use on marble?"
    other.save(form, "alice")
    new = watch.check()
    assert new is not None and served[-1] is new and new.content_hash == load_bank(tiny_bank_dir).content_hash
    assert new.items["cln-0002"].stem.en == "What must you never use on marble?" and new.items["cln-0002"].version == 2
    assert list(new.items) == list(load_bank(tiny_bank_dir).items)
    assert watch.check() is None

    broken = tiny_bank_dir / "items" / "cleaning.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("answer: [a]", "answer: [z]"), encoding="utf-8")
    assert watch.check() is None and served[-1] is new  # the last good bank stays in use
