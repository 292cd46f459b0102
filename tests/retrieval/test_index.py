import shutil
from pathlib import Path

import numpy as np

from assessor.bank.load import load_bank
from assessor.retrieval.ask import ask
from assessor.retrieval.embedder import HashingEmbedder
from assessor.retrieval.index import BankIndex, bank_entries


def test_entries_cover_stems_statements_units(tiny_bank) -> None:
    entries = bank_entries(tiny_bank)
    assert {e.kind for e in entries} == {"domain", "stem", "explanation", "statement", "keyed", "unit"}
    assert all(e.source and e.source != e.ref for e in entries)  # a name, not an id


def test_cache_reused_then_rebuilt_on_bank_change(tiny_bank_dir: Path, tmp_path: Path, hashing) -> None:
    cache = tmp_path / "cache"
    bank = load_bank(tiny_bank_dir)
    first = BankIndex.load_or_build(bank, hashing, cache)
    assert not first.from_cache
    again = BankIndex.load_or_build(bank, hashing, cache)
    assert again.from_cache and len(again.entries) == len(first.entries)
    file = tiny_bank_dir / "items" / "cleaning.yaml"
    file.write_text(file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    changed = load_bank(tiny_bank_dir)
    rebuilt = BankIndex.load_or_build(changed, hashing, cache)
    assert not rebuilt.from_cache
    assert len(list(cache.glob("*.npz"))) == 1  # the stale file was removed
    other_model = BankIndex.load_or_build(changed, HashingEmbedder(128), cache)
    assert not other_model.from_cache and len(list(cache.glob("*.npz"))) == 2


def test_search_filters_kinds_and_excludes(tiny_bank, hashing) -> None:
    index = BankIndex.build(tiny_bank, hashing)
    hits = index.search("闻到燃气味，第一步做什么？", k=3)
    assert hits[0].entry.ref == "saf-0001"
    hits = index.search("闻到燃气味，第一步做什么？", k=5, kinds=["explanation"], exclude_item_ids=["saf-0001"])
    assert hits and all(h.entry.kind == "explanation" and h.entry.ref != "saf-0001" for h in hits)
    assert index.search("   ") == []


def test_ask_never_returns_the_open_item(tiny_bank, hashing) -> None:
    index = BankIndex.build(tiny_bank, hashing)
    assert any(a.ref == "saf-0001" for a in ask(index, "燃气 阀门 开窗", k=5))
    answers = ask(index, "燃气 阀门 开窗", k=5, exclude_item_ids=["saf-0001"])
    assert answers and all(a.ref != "saf-0001" for a in answers)
    assert {a.kind for a in answers} <= {"explanation", "unit"}
    assert ask(index, "燃气 阀门 开窗", k=5, floors={"zh": 1.01}) == []


def test_index_cache_survives_a_copy(tiny_bank_dir: Path, tmp_path: Path, hashing) -> None:
    bank = load_bank(tiny_bank_dir)
    BankIndex.load_or_build(bank, hashing, tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    assert BankIndex.load_or_build(bank, hashing, tmp_path / "b").from_cache


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, recording every passage it is asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []

    def encode_passages(self, texts):  # type: ignore[no-untyped-def]
        self.passages.extend(texts)
        return super().encode_passages(texts)


def test_rebuild_after_a_bank_edit_embeds_only_the_new_passages(tiny_bank_dir: Path, tmp_path: Path) -> None:
    cache, embedder = tmp_path / "cache", CountingEmbedder()
    first = BankIndex.load_or_build(load_bank(tiny_bank_dir), embedder, cache)
    assert first.embedded == len(embedder.passages) == len({e.text for e in first.entries})  # each text once
    file = tiny_bank_dir / "items" / "cleaning.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("打扫房间要从上到下。", "擦窗户要从上往下擦。"), encoding="utf-8")
    embedder.passages.clear()
    changed = load_bank(tiny_bank_dir)
    rebuilt = BankIndex.load_or_build(changed, embedder, cache)
    assert not rebuilt.from_cache and embedder.passages == ["擦窗户要从上往下擦。"] and rebuilt.embedded == 1
    fresh = BankIndex.build(changed, HashingEmbedder())  # the same vectors as embedding everything anew
    assert [e.text for e in rebuilt.entries] == [e.text for e in fresh.entries]
    assert np.allclose(rebuilt.vectors, fresh.vectors)
    embedder.passages.clear()
    forced = BankIndex.load_or_build(changed, embedder, cache, rebuild=True)
    assert forced.embedded == len(embedder.passages) == len({e.text for e in forced.entries})


def test_two_rebuilds_at_once_both_save(tiny_bank_dir: Path, tmp_path: Path) -> None:
    """A trainer's save and approval start two background rebuilds; neither may remove the other's temporary file
    or its newer index (the app saw 'No such file' when one cleaned up while the other was saving)."""
    import threading

    cache = tmp_path / "cache"
    first = load_bank(tiny_bank_dir)
    file = tiny_bank_dir / "items" / "cleaning.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("打扫房间要从上到下。", "擦窗户要从上往下擦。"), encoding="utf-8")
    second = load_bank(tiny_bank_dir)
    BankIndex.load_or_build(first, HashingEmbedder(), cache)
    foreign_tmp = cache / (BankIndex.cache_path(cache, "f" * 16, HashingEmbedder().model_id).stem + ".99-1.tmp.npz")
    foreign_tmp.write_bytes(b"being written by another thread")
    errors: list[BaseException] = []

    def build(bank: object) -> None:
        try:
            for _ in range(5):
                BankIndex.load_or_build(bank, HashingEmbedder(), cache, rebuild=True)  # type: ignore[arg-type]
        except BaseException as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)

    threads = [threading.Thread(target=build, args=(bank,)) for bank in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert foreign_tmp.exists()  # another writer's temporary file is left alone
    assert BankIndex.load_or_build(second, HashingEmbedder(), cache).bank_hash == second.content_hash
