"""Balanced assignment of folders to the users of one role within one level (pure Python).

Greedy pass: folders with conflicts of interest go first (fewest possible users first),
each to the least-loaded user allowed to take it, popped from a heap. Without conflicts
this alone leaves loads within 1 of each other. Conflicts can break that, so a repair
pass follows: while some user holds at least two folders more than another, look for a
chain of moves (A gives a folder to B, B gives one to C, … to the lighter user) along
folders each receiver may take, and apply it. When no such chain exists the loads are
the most even any conflict-respecting assignment can reach (no "cost-reducing path",
Harvey, Ladner, Lovász and Tamir, *Semi-matchings for bipartite graphs and load
balancing*, 2006); in particular max − min ≤ 1 whenever some assignment achieves it.
See docs/distribution.md.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet


def balance(
    folders: Sequence[tuple[int, str]],
    users: Sequence[int],
    *,
    loads: Mapping[int, int] | None = None,
    blocked: Mapping[int, Iterable[str]] | None = None,
) -> tuple[dict[int, list[int]], list[int]]:
    """Share ``folders`` (id, person's document) among ``users``.

    ``loads`` are folders each user already holds in this role and level (they count for
    the balance but never move); ``blocked`` maps a user to the documents they may not
    evaluate (their own and those of declared conflicts). Returns the new folders of each
    user and the folders nobody may take.
    """
    start = {user: (loads or {}).get(user, 0) for user in users}
    blocked_by_document: dict[str, set[int]] = {}
    for user, documents in (blocked or {}).items():
        for document in documents:
            blocked_by_document.setdefault(document, set()).add(user)
    user_set = set(users)

    nobody_barred: frozenset[int] = frozenset()

    def barred(document: str) -> AbstractSet[int]:
        found = blocked_by_document.get(document)
        return found & user_set if found else nobody_barred

    constrained = sorted(
        (f for f in folders if barred(f[1])), key=lambda f: (-len(barred(f[1])), f[0])
    )
    free = [f for f in folders if not barred(f[1])]
    load = dict(start)
    held: dict[int, list[tuple[int, str]]] = {user: [] for user in users}
    nobody: list[int] = []
    order = {user: i for i, user in enumerate(users)}
    heap = [(load[user], order[user], user) for user in users]
    heapq.heapify(heap)
    for folder in [*constrained, *free]:
        no = barred(folder[1])
        skipped = []
        chosen = None
        while heap:
            entry = heapq.heappop(heap)
            if entry[2] in no:
                skipped.append(entry)
                continue
            chosen = entry[2]
            break
        for entry in skipped:
            heapq.heappush(heap, entry)
        if chosen is None:
            nobody.append(folder[0])
            continue
        held[chosen].append(folder)
        load[chosen] += 1
        heapq.heappush(heap, (load[chosen], order[chosen], chosen))
    _repair(held, load, barred)
    return {user: [f[0] for f in held[user]] for user in users}, nobody


def _repair(held: dict[int, list[tuple[int, str]]], load: dict[int, int], barred) -> None:
    """Apply chains of moves from heavier to lighter users until none is left."""
    if not load:
        return
    while max(load.values()) - min(load.values()) > 1:
        for source in sorted(load, key=lambda u: -load[u]):
            if _augment(source, held, load, barred):
                break
        else:
            return


def _augment(source: int, held, load, barred) -> bool:
    """Move one folder along a chain from ``source`` to a user at least 2 lighter."""
    parent: dict[Hashable, tuple[int, tuple[int, str]]] = {}
    seen = {source}
    queue = deque([source])
    while queue:
        giver = queue.popleft()
        # A folder nobody is barred from reaches every user at once.
        open_folder = next((f for f in held[giver] if not barred(f[1])), None)
        for receiver in load:
            if receiver in seen:
                continue
            folder = open_folder or next(
                (f for f in held[giver] if receiver not in barred(f[1])), None
            )
            if folder is None:
                continue
            parent[receiver] = (giver, folder)
            seen.add(receiver)
            if load[receiver] <= load[source] - 2:
                _apply(receiver, parent, held, load)
                return True
            queue.append(receiver)
    return False


def _apply(receiver: int, parent, held, load) -> None:
    load[receiver] += 1
    node = receiver
    while node in parent:
        giver, folder = parent[node]
        held[giver].remove(folder)
        held[node].append(folder)
        node = giver
    load[node] -= 1
