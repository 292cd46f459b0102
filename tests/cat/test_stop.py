from assessor.cat import stop


def test_decided():
    assert stop.decided(0.6, 0.3, 0.0, 1.645)
    assert not stop.decided(0.4, 0.3, 0.0, 1.645)
    assert stop.decided(-0.6, 0.3, 0.0, 1.645)


def test_limits():
    limits = stop.per_domain_limits({"a": 0.5, "b": 0.05}, 30, 2, 1.6)
    assert limits == {"a": 24, "b": 3}


def test_satisfied():
    out = stop.satisfied_domains(
        ["a", "b", "c", "d"], {"a": 3, "b": 3, "c": 1, "d": 9}, {"a": 1.5, "b": 0.1, "c": 2.0, "d": 0.0},
        {"a": 0.4, "b": 0.4, "c": 0.3, "d": 0.5}, 0.0, z=1.645, se_target=0.3,
        min_per_domain={"a": 2, "b": 2, "c": 2, "d": 2}, max_per_domain={"a": 9, "b": 9, "c": 9, "d": 9},
    )
    assert out == {"a", "d"}


def _reason(**kw):
    base = dict(n_total=12, max_items=30, min_items=10, elapsed_seconds=0.0, time_budget_seconds=600.0,
                items_left=True, all_satisfied=False, composite_decided=False, all_precise=False)
    base.update(kw)
    return stop.stop_reason(**base)


def test_stop_reasons_in_order():
    assert _reason() is None
    assert _reason(n_total=30) == "max_items"
    assert _reason(elapsed_seconds=601) == "time"
    assert _reason(items_left=False) == "bank_exhausted"
    assert _reason(all_satisfied=True, composite_decided=True) == "decided"
    assert _reason(all_satisfied=True, composite_decided=True, n_total=5) is None
    assert _reason(all_precise=True) == "precision"
