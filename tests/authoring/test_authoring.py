"""Authoring logic on a copy of the tiny bank: create, edit, field errors, stale saves, review by a second
trainer, the YAML on disk and the change log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assessor.authoring import Authoring, Refused
from assessor.bank.form import ItemForm, item_to_form, item_token
from assessor.bank.load import check_bank, load_bank
from assessor.store import Store


@pytest.fixture
def authoring(tiny_bank_dir: Path, database_url: str) -> Authoring:
    return Authoring(load_bank(tiny_bank_dir), Store(database_url), today=lambda: date(2026, 12, 5))


def new_form(**changes: object) -> ItemForm:
    form = ItemForm(domain="cleaning", level=5, type="single_choice", stem_zh="擦玻璃先擦哪里？",
                    stem_en="Where do you start when cleaning a window?",
                    options="a | 从上往下擦 | From the top down\nb | 从下往上擦 | From the bottom up\nc | 随便擦 | Anywhere",
                    key="a", explanation_zh="从上往下，脏水不会弄脏擦好的地方。",
                    explanation_en="Top down, so dirty water does not run onto the clean part.",
                    course_refs=["C-CLN-5/u1"], tags="cleaning_order, windows", source="家政服务员国家职业技能标准 2019")
    for name, value in changes.items():
        setattr(form, name, value)
    return form


def fields(error: Refused, lang: str = "en") -> dict[str, str]:
    """Field → its messages in `lang`, joined."""
    out: dict[str, str] = {}
    for e in error.errors:
        out[e.field] = (out.get(e.field, "") + " " + e.text(lang)).strip()
    return out


def test_a_new_item_is_written_as_pilot_version_1_and_the_bank_reloads_and_validates(authoring: Authoring) -> None:
    root = authoring.bank.root
    before = (root / "items" / "cleaning.yaml").read_bytes()
    change = authoring.save(new_form(), "alice")
    item = change.item
    assert item.id == "cln-0003" and change.file == "items/cleaning-authored.yaml"
    assert (item.status, item.reviewed, item.version, item.author) == ("pilot", False, 1, "alice")
    assert (root / "items" / "cleaning.yaml").read_bytes() == before  # other files untouched
    bank, problems = check_bank(root)
    assert problems == [] and bank.items["cln-0003"] == item
    assert change.bank.items["cln-0003"] == item and change.bank.content_hash == bank.content_hash
    assert list(change.bank.items) == list(bank.items)  # the refreshed bank is the bank a full load gives
    second = authoring.save(new_form(stem_zh="擦镜子先擦哪里？"), "alice").item
    assert second.id == "cln-0004"
    assert [r.action for r in authoring.history()] == ["create", "create"]
    assert not list(root.glob("items/.*.tmp"))  # temporary files renamed, none left over


def test_an_edit_replaces_the_item_in_place_and_raises_its_version(authoring: Authoring) -> None:
    root = authoring.bank.root
    path = root / "items" / "safety_first_aid.yaml"
    old = path.read_text(encoding="utf-8")
    form = item_to_form(authoring.bank.items["saf-0002"])
    form.stem_en = "A pan of oil catches fire. What do you do first, in plain words?"
    item = authoring.save(form, "bob").item
    assert (item.version, item.status, item.reviewed, item.author) == (2, "pilot", False, "bob")
    new = path.read_text(encoding="utf-8")
    start, end = "  - id: saf-0002\n", "  - id: saf-0003\n"
    assert new[:new.index(start)] == old[:old.index(start)]  # every other item's bytes unchanged
    assert new[new.index(end):] == old[old.index(end):]
    assert "A pan of oil catches fire" in new[new.index(start):new.index(end)]
    bank = load_bank(root)
    assert bank.items["saf-0002"].stem.en.startswith("A pan of oil") and bank.items["saf-0002"].version == 2
    rows = authoring.history("saf-0002")
    assert [(r.trainer, r.action, r.version, r.file) for r in rows] == [
        ("bob", "edit", 2, "items/safety_first_aid.yaml")]
    assert rows[0].at is not None


def test_an_open_scenario_keeps_its_rubric_hints_and_critical_errors(authoring: Authoring) -> None:
    form = item_to_form(authoring.bank.items["saf-0005"])
    form.critical = "把他硬拉起来走路 | Pulling him up to walk | 扶他起来走走 | get him up and walking"
    item = authoring.save(form, "carol").item
    assert item.rubric[0].keywords.zh == ["不要扶"] and item.rubric[0].polarity == "do_not"
    assert item.critical[0].examples.en == ["get him up and walking"]
    assert load_bank(authoring.bank.root).items["saf-0005"] == item


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"stem_zh": "  "}, "stem_zh", "empty"),
    ({"key": "d"}, "key", "not among the options"),
    ({"course_refs": ["C-CLN-5/u9"]}, "course_refs", "has no unit"),
    ({"course_refs": ["C-NOPE-5/u1"]}, "course_refs", "does not exist"),
    ({"explanation_en": "x" * 900}, "explanation_en", "Too long"),
    ({"options": "a | 从上往下擦\nb | 从下往上擦 | From the bottom up"}, "options", "must read"),
    ({"type": "true_false", "options": "", "key": "yes"}, "key", "not among the options"),
    ({"tags": "窗户"}, "tags", "lowercase"),
    ({"image_file": "../../etc/passwd.svg", "image_alt_zh": "图", "image_alt_en": "pic"}, "image_file", "outside"),
])
def test_bad_input_names_the_field_in_both_languages_and_writes_nothing(
        authoring: Authoring, changes: dict[str, object], field: str, words: str) -> None:
    root = authoring.bank.root
    before = {p.name: p.read_bytes() for p in (root / "items").iterdir()}
    with pytest.raises(Refused) as caught:
        authoring.save(new_form(**changes), "alice")
    assert caught.value.code == "invalid"
    found = fields(caught.value)
    assert field in found and words in found[field], found
    zh = fields(caught.value, "zh")[field]
    assert zh and zh != found[field] and "请检查：" not in zh  # a Chinese message, not the English one
    assert {p.name: p.read_bytes() for p in (root / "items").iterdir()} == before
    assert authoring.history() == []


def test_an_open_scenario_with_a_bad_rubric_line_and_a_wrong_polarity(authoring: Authoring) -> None:
    form = item_to_form(authoring.bank.items["saf-0005"])
    form.rubric = "do | 不要急着把他扶起来 | Do not rush to lift him\nmaybe | 打120"
    with pytest.raises(Refused) as caught:
        authoring.save(form, "alice")
    messages = [e.text("en") for e in caught.value.errors if e.field == "rubric"]
    assert any("must read" in m for m in messages) and any("do_not" in m for m in messages)


def test_a_stale_save_is_refused_and_names_who_changed_it(authoring: Authoring) -> None:
    first = item_to_form(authoring.bank.items["cln-0002"])
    second = item_to_form(authoring.bank.items["cln-0002"])
    first.stem_en = "What must you never use on a marble top?"
    authoring.save(first, "alice")
    second.stem_en = "Which cleaner harms marble?"
    with pytest.raises(Refused) as caught:
        authoring.save(second, "bob")
    assert caught.value.code == "stale" and "alice" in caught.value.en and "alice" in caught.value.zh
    assert second.stem_en == "Which cleaner harms marble?"  # the form is left as typed
    assert load_bank(authoring.bank.root).items["cln-0002"].stem.en == "What must you never use on a marble top?"
    second.token = item_token(authoring.bank.items["cln-0002"])  # reopened: the save goes through
    assert authoring.save(second, "bob").item.version == 3


def test_the_author_cannot_approve_and_a_second_trainer_makes_it_active(authoring: Authoring) -> None:
    item = authoring.save(new_form(), "alice").item
    assert [w.item.id for w in authoring.waiting()] == ["cln-0003"]  # saf-0004 is pilot but reviewed
    with pytest.raises(Refused) as caught:
        authoring.approve(item.id, "alice")
    assert caught.value.code == "self_review" and "own item" in caught.value.en and "不能自己审核" in caught.value.zh
    with pytest.raises(Refused):
        authoring.send_back(item.id, "bob", "  ")
    authoring.send_back(item.id, "bob", "英文选项再简单一点 / simpler English options")
    assert authoring.waiting()[0].sent_back == "英文选项再简单一点 / simpler English options"
    with pytest.raises(Refused) as caught:
        authoring.approve(item.id, "carol")
    assert caught.value.code == "sent_back"
    form = item_to_form(load_bank(authoring.bank.root).items[item.id])
    form.options = form.options.replace("Anywhere", "Any place")
    item = authoring.save(form, "alice").item
    approved = authoring.approve(item.id, "bob", item_token(item)).item
    assert (approved.status, approved.reviewed, approved.reviewer, approved.version) == ("active", True, "bob", 2)
    assert (approved.reviewed_on, approved.review_due) == (date(2026, 12, 5), date(2028, 12, 5))
    on_disk = load_bank(authoring.bank.root).items[item.id]
    assert on_disk == approved
    assert [(r.trainer, r.action, r.version) for r in authoring.history(item.id)] == [
        ("alice", "create", 1), ("bob", "send_back", 1), ("alice", "edit", 2), ("bob", "approve", 2)]
    with pytest.raises(Refused) as caught:
        authoring.approve(item.id, "carol")
    assert caught.value.code == "not_waiting"


def test_on_change_receives_each_new_bank(tiny_bank_dir: Path, tmp_path: Path) -> None:
    seen: list[str] = []
    authoring = Authoring(load_bank(tiny_bank_dir), Store(f"sqlite:///{tmp_path / 'db.sqlite'}"),
                          on_change=lambda bank: seen.append(bank.version))
    first = authoring.bank.version
    authoring.save(new_form(), "alice")
    authoring.approve("cln-0003", "bob")
    assert len(seen) == 2 and len({first, *seen}) == 3
