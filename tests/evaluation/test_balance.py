"""The balance of automatic distribution, as a property over random users and conflicts."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from merito.evaluation.balance import balance

DOCUMENTS = [f"{n}" for n in range(1000001, 1000009)]


def _spread(loads: dict[int, int]) -> int:
    return max(loads.values()) - min(loads.values()) if loads else 0


def _best_spread(folders, users, blocked) -> int | None:
    """The smallest max − min any conflict-respecting assignment reaches (brute force)."""
    best = None
    options = [[u for u in users if doc not in blocked.get(u, set())] for _pk, doc in folders]
    for choice in itertools.product(*options):
        loads = dict.fromkeys(users, 0)
        for user in choice:
            loads[user] += 1
        spread = _spread(loads)
        best = spread if best is None else min(best, spread)
    return best


@st.composite
def instances(draw, max_folders=7, max_users=3):
    users = list(range(1, draw(st.integers(1, max_users)) + 1))
    n = draw(st.integers(0, max_folders))
    folders = [(pk, draw(st.sampled_from(DOCUMENTS))) for pk in range(1, n + 1)]
    blocked = {user: set(draw(st.lists(st.sampled_from(DOCUMENTS), max_size=3))) for user in users}
    return folders, users, blocked


@settings(max_examples=300, deadline=None)
@given(instances())
def test_loads_are_as_even_as_conflicts_allow_and_no_conflict_is_broken(instance):
    folders, users, blocked = instance
    result, nobody = balance(folders, users, blocked=blocked)
    documents = dict(folders)
    loads = {user: len(ids) for user, ids in result.items()}
    for user, ids in result.items():
        assert not {documents[pk] for pk in ids} & blocked[user]
    assert sorted([*nobody, *(pk for ids in result.values() for pk in ids)]) == [
        pk for pk, _doc in folders
    ]
    for pk in nobody:
        assert all(documents[pk] in blocked[user] for user in users)
    assignable = [f for f in folders if f[0] not in nobody]
    best = _best_spread(assignable, users, blocked)
    assert _spread(loads) == best
    if best is not None and best <= 1:
        assert _spread(loads) <= 1


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 40),
    st.integers(0, 400),
    st.lists(st.sampled_from(DOCUMENTS), max_size=4),
)
def test_without_many_conflicts_max_minus_min_is_at_most_one(user_count, n, conflicts):
    users = list(range(1, user_count + 1))
    folders = [(pk, f"{2000000 + pk}") for pk in range(1, n + 1)]
    # A handful of applicants someone declared a conflict with.
    folders += [(n + i + 1, doc) for i, doc in enumerate(conflicts)]
    blocked = {1: set(conflicts)}
    result, nobody = balance(folders, users, blocked=blocked)
    loads = {user: len(ids) for user, ids in result.items()}
    if user_count > 1:
        assert not nobody
    # User 1 takes only free folders: with enough of them the loads can be even.
    if n >= (len(conflicts) + 1) * user_count:
        assert _spread(loads) <= 1
    assert not {doc for pk, doc in folders if pk in result[1]} & set(conflicts)


def test_existing_loads_count_and_the_two_analysts_of_the_seed_get_fifty_each():
    folders = [(pk, str(3000000 + pk)) for pk in range(100)]
    result, _nobody = balance(folders, [7, 8])
    assert sorted(len(ids) for ids in result.values()) == [50, 50]
    result, _nobody = balance(folders[:10], [7, 8], loads={7: 4})
    assert len(result[7]) == 3 and len(result[8]) == 7
