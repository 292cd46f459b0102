"""Fixtures for the grading tests: a small open item with a critical error (no model needed)."""

from __future__ import annotations

import pytest

from assessor.bank.schema import Item


def fall_item(item_id: str = "saf-9001") -> Item:
    """An older man fell: two do points, one do_not point, one critical error."""
    return Item.model_validate({
        "id": item_id, "domain": "safety_first_aid", "level": 4, "type": "open_scenario",
        "stem": {"zh": "老人摔倒了，腿很疼，你怎么做？", "en": "An older man fell and his leg hurts. What do you do?"},
        "answer": [
            {"zh": "不要急着把他扶起来", "en": "Do not rush to lift him", "polarity": "do_not",
             "keywords": {"zh": ["扶起来"], "en": ["lift"]}},
            {"zh": "马上打120叫救护车", "en": "Call 120 for an ambulance at once", "polarity": "do",
             "keywords": {"zh": ["120", "救护车"], "en": ["120", "ambulance"]}},
            {"zh": "通知他的家属", "en": "Tell his family", "polarity": "do",
             "keywords": {"zh": ["家属", "家人"], "en": ["family"]}},
        ],
        "critical": [{"zh": "马上把老人扶起来", "en": "Lift him up at once",
                      "examples": {"zh": ["赶紧把他扶起来", "扶到床上躺着"], "en": ["pull him up onto the bed"]}}],
        "explanation": {"zh": "不要急着扶，打120，通知家属。", "en": "Do not rush to lift him; call 120; tell the family."},
        "irt": {"a": 1.2, "b": 0.9}, "course_refs": ["C-SAF-5"], "status": "active", "version": 1,
    })


@pytest.fixture(scope="session")
def item() -> Item:
    return fall_item()
