"""Small helpers shared by tests."""

from __future__ import annotations

from typing import Any

from assessor.bank.schema import Item


def right_response(item: Item, open_text: str) -> Any:
    """The response a worker who knows the key gives: the key option(s), or `open_text` for an open scenario."""
    if item.type == "open_scenario":
        return open_text
    if item.type in ("single_choice", "true_false"):
        return item.key[0]
    return list(item.key)
