"""Ask-the-bank index after a trainer's edit: a full build against the rebuild that reuses unchanged vectors.

    .venv/bin/python bench/index_rebuild.py [--embedder NAME]

Copies the shipped bank to a temporary folder, builds its index from nothing, changes one item's Chinese stem
and builds again from the same cache folder (the way `Models.use_bank` does after a save); prints both times and
how many texts each embedded.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from assessor.bank.load import load_bank
from assessor.retrieval.embedder import get_embedder
from assessor.retrieval.index import BankIndex


def edit_one_stem(bank_dir: Path) -> str:
    """Prefix the first Chinese stem of the first items file with "（改）"; returns the file's name."""
    path = sorted((bank_dir / "items").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    at = text.index("zh: ", text.index("stem:")) + len("zh: ")
    path.write_text(text[:at] + "（改）" + text[at:], encoding="utf-8")
    return path.name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embedder", default=None, help="embedder name (default: the configured one)")
    args = ap.parse_args()
    embedder = get_embedder(args.embedder)
    with tempfile.TemporaryDirectory() as tmp:
        bank_dir, cache = Path(tmp) / "bank", Path(tmp) / "cache"
        shutil.copytree("question_bank", bank_dir)
        start = time.perf_counter()
        full = BankIndex.load_or_build(load_bank(bank_dir), embedder, cache)
        full_s = time.perf_counter() - start
        edited = edit_one_stem(bank_dir)
        start = time.perf_counter()
        again = BankIndex.load_or_build(load_bank(bank_dir), embedder, cache)
        again_s = time.perf_counter() - start
    print(f"embedder {embedder.model_id}; {len(full.entries)} passages")
    print(f"full build: {full_s:.1f} s, {full.embedded} texts embedded")
    print(f"after one edited stem ({edited}): {again_s:.2f} s, {again.embedded} text(s) embedded (bank loading included)")


if __name__ == "__main__":
    main()
