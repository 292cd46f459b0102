from assessor.retrieval.placement import Placer


def test_place_returns_ranked_domains_and_a_role(tiny_bank, hashing) -> None:
    placer = Placer(tiny_bank, hashing)
    result = placer.place("我做保洁，打扫卫生，擦窗户，清洁厨房")
    ids = [d["id"] for d in result["domains"]]
    assert set(ids) == set(tiny_bank.domains)
    scores = [d["score"] for d in result["domains"]]
    assert scores == sorted(scores, reverse=True) and abs(sum(scores) - 1) < 0.01
    assert result["role"] in tiny_bank.roles


def test_place_empty_text(tiny_bank, hashing) -> None:
    assert Placer(tiny_bank, hashing).place("   ") == {"domains": [], "role": None}
