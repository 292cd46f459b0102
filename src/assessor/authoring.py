"""Trainers write and review items (issue 16, part 1), UI-free: save, approve, send back, the change log.

Contract:
- A save checks the form with the bank's own rules (`bank.form.check_form`); any problem refuses it with
  field-level messages and nothing is written. A saved item is `pilot`, `reviewed: false`, written by the
  trainer (`author`), with `version` 1 (new) or one more than before (edit).
- New items go to `items/<domain>-authored.yaml`; an edited item is replaced where it stands, every other line
  of its file unchanged; files are replaced atomically.
- An edit names the item's token as it was loaded (`item_token`); when the item on disk has changed since,
  the save is refused (`code == "stale"`) and the caller keeps the form as typed.
- Approval by a second trainer makes the item `active`, `reviewed: true` with reviewer and dates; the author
  (or the trainer whose edit is waiting) cannot approve or send back their own item.
- Every change is a `bank_changes` row (who, when, what, version). After each write the bank is refreshed
  from the changed file and handed to `on_change` (the running app swaps it in).
"""

from __future__ import annotations

import fcntl
import hashlib
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from assessor.bank.form import FieldError, ItemForm, check_form, item_token, next_item_id, rule_errors
from assessor.bank.load import Bank
from assessor.bank.refresh import read_item, read_items, refreshed
from assessor.bank.schema import Item
from assessor.bank.yaml_item import append_item, atomic_write, replace_item
from assessor.store import Store
from assessor.store.tables import BankChange, utcnow

REVIEW_YEARS = 2  # review_due = reviewed_on + 2 years (question_bank/README)
MAX_COMMENT = 500
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


class Refused(Exception):
    """A change that was not made, with a message in both languages and, for a form, the field problems.

    `code`: invalid | stale | self_review | not_waiting | unknown_item | no_trainer | need_comment | sent_back."""

    def __init__(self, code: str, zh: str, en: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(en)
        self.code = code
        self.zh = zh
        self.en = en
        self.errors = errors or []

    def text(self, lang: str | None) -> str:
        return self.zh if lang == "zh" else self.en if lang == "en" else f"{self.zh} / {self.en}"


@dataclass(frozen=True)
class Change:
    """The outcome of a save or a review: the item as written, its file, and the refreshed bank."""

    item: Item
    file: str
    bank: Bank


@dataclass(frozen=True)
class Waiting:
    """A pilot item waiting for review, with who wrote it and the last reviewer's note if it was sent back."""

    item: Item
    author: str
    sent_back: str | None


def review_due(on: date) -> date:
    """`on` plus REVIEW_YEARS (29 February becomes 28 February)."""
    try:
        return on.replace(year=on.year + REVIEW_YEARS)
    except ValueError:
        return on.replace(year=on.year + REVIEW_YEARS, day=28)


class Authoring:
    """Writes trainers' items into the bank at `bank.root` and logs every change in `store`."""

    def __init__(self, bank: Bank, store: Store, *, on_change: Callable[[Bank], None] | None = None,
                 today: Callable[[], date] = date.today) -> None:
        self.bank = bank
        self.store = store
        self.on_change = on_change
        self.today = today

    # ------------------------------------------------------------ locking

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time for this bank folder: threads of this process and other processes alike."""
        key = str(self.bank.root.resolve())
        with _LOCKS_GUARD:
            lock = _LOCKS.setdefault(key, threading.Lock())
        name = hashlib.sha256(key.encode()).hexdigest()[:16]
        with lock, open(Path(tempfile.gettempdir()) / f"assessor-bank-{name}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # ------------------------------------------------------------ the log

    def _log(self, trainer: str, action: str, item: Item, file: str, comment: str = "") -> None:
        with self.store.db() as db, db.begin():
            db.add(BankChange(at=utcnow(), trainer=trainer[:64], action=action, item_id=item.id, version=item.version,
                              file=file[:255], comment=comment))

    def history(self, item_id: str | None = None) -> list[BankChange]:
        """The change log, oldest first (one item's when `item_id` is given)."""
        query = select(BankChange).order_by(BankChange.at, BankChange.id)
        if item_id is not None:
            query = query.where(BankChange.item_id == item_id)
        with self.store.db() as db:
            return list(db.scalars(query))

    # ------------------------------------------------------------ reading

    def _file_of(self, item_id: str) -> str | None:
        where = self.bank.origins.get(f"item:{item_id}")
        return where.file if where else None

    def _on_disk(self, item_id: str) -> tuple[Item, str]:
        rel = self._file_of(item_id)
        item = read_item(self.bank.root, rel, item_id) if rel else None
        if rel is None or item is None:
            raise Refused("unknown_item", f"题库里找不到 {item_id}（可能已被移走）。",
                          f"{item_id} is not in the bank (it may have been moved).")
        return item, rel

    def waiting(self) -> list[Waiting]:
        """Pilot items not yet reviewed, in id order, with their author and any send-back note."""
        last: dict[str, BankChange] = {}
        for change in self.history():
            last[change.item_id] = change
        out = []
        for item in sorted(self.bank.items.values(), key=lambda i: i.id):
            if item.status == "pilot" and not item.reviewed:
                row = last.get(item.id)
                note = row.comment if row is not None and row.action == "send_back" else None
                out.append(Waiting(item, item.author or (row.trainer if row else ""), note))
        return out

    # ------------------------------------------------------------ writing

    def _written(self, item: Item, rel: str, trainer: str, action: str, comment: str = "") -> Change:
        bank, problems = refreshed(self.bank, [rel])
        mine = [p for p in problems if p.file == rel]
        if mine:  # never leave the bank broken: the caller's check should have caught this
            raise RuntimeError(f"{rel} does not validate after writing {item.id}: {mine[0]}")
        self._log(trainer, action, item, rel, comment)
        self.bank = bank
        if self.on_change is not None:
            self.on_change(bank)
        return Change(item, rel, bank)

    def save(self, form: ItemForm, trainer: str) -> Change:
        """Create (empty `form.item_id`) or edit an item from the form. Raises `Refused`."""
        trainer = _trainer(trainer)
        with self._locked():
            base: Item | None = None
            rel: str | None = None
            if form.item_id:
                base, rel = self._on_disk(form.item_id)
                if item_token(base) != form.token:
                    who = next((r.trainer for r in reversed(self.history(base.id)) if r.action in ("create", "edit")),
                               base.author or "?")
                    raise Refused("stale",
                                  f"没有保存：{base.id} 在您打开之后被 {who} 改过（现在是第 {base.version} 版）。"
                                  "您写的内容还在表格里：请复制下来，重新打开这道题，再把修改加上。",
                                  f"Not saved: {base.id} was changed by {who} after you opened it (now version "
                                  f"{base.version}). What you typed is still in the form: copy it, open the item "
                                  "again and add your changes.")
            domain = form.domain.strip()
            target = rel or f"items/{domain}-authored.yaml"
            taken = [i.id for i, _w in read_items(self.bank.root, target)[0]] if rel is None else []
            item_id = form.item_id or (next_item_id(self.bank, domain, taken) if domain in _prefixes() else "new")
            item, errors = check_form(self.bank, form, base, item_id)
            if item is None:
                raise Refused("invalid", f"没有保存：有 {len(errors)} 处要改（见表格旁的提示）。",
                              f"Not saved: {len(errors)} thing(s) to fix (see the notes by the form).", errors)
            item = item.model_copy(update={
                "status": "pilot", "reviewed": False, "version": base.version + 1 if base else 1, "author": trainer,
                "reviewer": None, "reviewed_on": None, "review_due": None})
            path = self.bank.root / target
            before = path.read_bytes() if path.exists() else None
            try:
                replace_item(path, item) if base is not None else append_item(path, item)
                return self._written(item, target, trainer, "edit" if base else "create")
            except Exception:
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write(path, before.decode("utf-8"))
                raise

    def _reviewable(self, item_id: str, reviewer: str, token: str | None) -> tuple[Item, str]:
        item, rel = self._on_disk(item_id)
        if item.status != "pilot" or item.reviewed:
            raise Refused("not_waiting", f"{item.id} 不在待审核列表里。", f"{item.id} is not waiting for review.")
        if token and item_token(item) != token:
            raise Refused("stale", f"{item.id} 在您打开之后又被改过：请重新打开再审核。",
                          f"{item.id} changed after you opened it: open it again before you review it.")
        editors = {item.author} | {r.trainer for r in self.history(item.id)[-1:] if r.action in ("create", "edit")}
        if reviewer in editors:
            raise Refused("self_review", f"这道题是您写的（{item.id}），不能自己审核：请另一位老师来审核。",
                          f"You wrote {item.id}: you cannot review your own item. Ask another trainer to review it.")
        return item, rel

    def approve(self, item_id: str, reviewer: str, token: str | None = None) -> Change:
        """A second trainer approves a waiting pilot item: active, reviewed, reviewer, reviewed_on, review_due."""
        reviewer = _trainer(reviewer)
        with self._locked():
            item, rel = self._reviewable(item_id, reviewer, token)
            last = self.history(item.id)[-1:]
            if last and last[0].action == "send_back":
                raise Refused("sent_back", f"{item.id} 已退回给作者修改：作者改好保存后才能审核。",
                              f"{item.id} was sent back to its author: it can be approved after the author saves it again.")
            on = self.today()
            item = item.model_copy(update={"status": "active", "reviewed": True, "reviewer": reviewer,
                                           "reviewed_on": on, "review_due": review_due(on)})
            errors = rule_errors(self.bank, item)
            if errors:
                raise Refused("invalid", f"不能通过：{errors[0].zh}", f"Cannot approve: {errors[0].en}", errors)
            replace_item(self.bank.root / rel, item)
            return self._written(item, rel, reviewer, "approve")

    def send_back(self, item_id: str, reviewer: str, comment: str, token: str | None = None) -> BankChange:
        """A second trainer returns a waiting item to its author with a comment (the item itself is unchanged)."""
        reviewer = _trainer(reviewer)
        note = " ".join(str(comment or "").split())
        if not note:
            raise Refused("need_comment", "请写一句退回的原因，让作者知道要改什么。",
                          "Write why you send it back, so the author knows what to change.")
        if len(note) > MAX_COMMENT:
            raise Refused("need_comment", f"原因太长了：最多 {MAX_COMMENT} 个字。",
                          f"The reason is too long: at most {MAX_COMMENT} characters.")
        with self._locked():
            item, rel = self._reviewable(item_id, reviewer, token)
            self._log(reviewer, "send_back", item, rel, note)
            return self.history(item.id)[-1]


def _trainer(name: str) -> str:
    name = str(name or "").strip()
    if not name:
        raise Refused("no_trainer", "请先登录。", "Please log in first.")
    return name[:64]


def _prefixes() -> set[str]:
    from assessor.bank.rules import ID_PREFIX

    return set(ID_PREFIX)
