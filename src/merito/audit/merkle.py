"""RFC 9162 (Certificate Transparency 2.0) Merkle trees: the leaf and node hashes, the tree
head of any size, inclusion and consistency proofs and their verification (§2.1).

Pure functions over 32-byte SHA-256 digests. ``Frontier`` adds leaves one by one and gives
the root of every size without keeping the whole tree: what the sealer and the verifier of
the audit log walk with, one pass over the leaves in order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """MTH of one entry: SHA-256(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """An interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of leaf hashes (already ``leaf_hash``-ed)."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_path(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """PATH(m, D[n]): the audit path of leaf ``index`` in the tree of these leaf hashes."""
    n = len(leaves)
    if not 0 <= index < n:
        raise ValueError("índice fuera del árbol")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_path(leaves[:k], index), root(leaves[k:])]
    return [*inclusion_path(leaves[k:], index - k), root(leaves[:k])]


def consistency_path(leaves: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(m, D[n]) between the tree of the first ``old_size`` leaves and all of them."""
    if not 0 < old_size <= len(leaves):
        raise ValueError("tamaño anterior fuera del árbol")
    return _subproof(old_size, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``path`` prove leaf hash ``leaf`` at ``index`` in a tree of
    ``size`` leaves whose root is ``expected_root``?"""
    if index >= size or index < 0:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does ``path`` prove the tree of ``old_size`` leaves (``old_root``)
    is a prefix of the tree of ``new_size`` leaves (``new_root``)?"""
    if old_size == new_size:
        return old_root == new_root and not path
    if not 0 < old_size < new_size or not path:
        return False
    path = list(path)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class Frontier:
    """The right edge of a growing tree: one subtree root per set bit of the size. Adding
    a leaf is O(log n); ``root()`` folds the edge from the right, as MTH does."""

    def __init__(self, size: int = 0, nodes: Sequence[bytes] = ()) -> None:
        if len(nodes) != size.bit_count():
            raise ValueError("la frontera no corresponde al tamaño")
        self.size = size
        self.nodes = list(nodes)  # largest subtree first

    def append(self, leaf: bytes) -> None:
        self.nodes.append(leaf)
        size = self.size
        while size & 1:
            right = self.nodes.pop()
            self.nodes[-1] = node_hash(self.nodes[-1], right)
            size >>= 1
        self.size += 1

    def root(self) -> bytes:
        if not self.nodes:
            return EMPTY_ROOT
        value = self.nodes[-1]
        for node in reversed(self.nodes[:-1]):
            value = node_hash(node, value)
        return value
