import numpy as np

from assessor.retrieval.placement import Placer, covering_role, top_areas


def test_place_returns_ranked_domains_and_a_role(tiny_bank, hashing) -> None:
    placer = Placer(tiny_bank, hashing)
    result = placer.place("我做保洁，打扫卫生，擦窗户，清洁厨房")
    ids = [d["id"] for d in result["domains"]]
    assert set(ids) == set(tiny_bank.domains)
    scores = [d["score"] for d in result["domains"]]
    assert scores == sorted(scores, reverse=True) and abs(sum(scores) - 1) < 0.01
    assert result["role"] in tiny_bank.roles
    assert result["top_domains"] == ids[: len(result["top_domains"])]
    if not result["uncovered"]:
        assert set(result["top_domains"]) <= placer.role_domains[result["role"]]


def test_place_empty_text(tiny_bank, hashing) -> None:
    assert Placer(tiny_bank, hashing).place("   ") == {"domains": [], "role": None}


def test_top_areas_stop_at_the_mass_or_the_count() -> None:
    ids = ["a", "b", "c", "d"]
    assert top_areas(np.array([0.7, 0.2, 0.05, 0.05]), ids, 0.6, 2) == ["a"]
    assert top_areas(np.array([0.3, 0.4, 0.2, 0.1]), ids, 0.6, 2) == ["b", "a"]
    assert top_areas(np.array([0.25, 0.25, 0.25, 0.25]), ids, 0.9, 2) == ["a", "b"]


def test_the_suggested_role_covers_the_top_areas() -> None:
    """The reported case: child care and maternal care placed first, housekeeper scored best; the
    suggestion must be a role whose blueprint has both areas."""
    roles = {"housekeeper": {"cleaning", "cooking_nutrition"}, "maternity_nurse": {"maternal_newborn", "infant_care"},
             "infant_carer": {"infant_care", "cooking_nutrition"}}
    scores = {"housekeeper": 0.5, "maternity_nurse": 0.2, "infant_carer": 0.3}
    weights = {"infant_care": 0.4, "maternal_newborn": 0.3}
    assert covering_role(["infant_care", "maternal_newborn"], weights, scores, roles) == ("maternity_nurse", [])
    # nobody covers both: the role covering the larger share, and what it leaves out is named
    roles["maternity_nurse"] = {"maternal_newborn"}
    assert covering_role(["infant_care", "maternal_newborn"], weights, scores, roles) == ("infant_carer", ["maternal_newborn"])
