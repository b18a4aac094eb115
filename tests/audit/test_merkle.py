"""RFC 9162 hashing checked against the published Certificate Transparency vectors, and
every proof of every small tree round-tripped."""

from __future__ import annotations

import pytest

from merito.audit import merkle

# The reference leaves and tree heads of Certificate Transparency (RFC 6962/9162 test data,
# as published with the CT and transparency-dev implementations).
LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]  # fmt: skip
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip
HASHED = [merkle.leaf_hash(leaf) for leaf in LEAVES]


def test_tree_heads_are_the_published_ones():
    for size, expected in enumerate(ROOTS):
        assert merkle.root(HASHED[:size]).hex() == expected
        frontier = merkle.Frontier()
        for leaf in HASHED[:size]:
            frontier.append(leaf)
        assert frontier.root().hex() == expected


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_are_the_published_ones(index, size, path):
    got = merkle.inclusion_path(HASHED[:size], index)
    assert [p.hex() for p in got] == path
    assert merkle.verify_inclusion(HASHED[index], index, size, got, bytes.fromhex(ROOTS[size]))


def test_every_proof_of_every_small_tree_verifies_and_a_changed_one_does_not():
    leaves = [merkle.leaf_hash(bytes([i, i * 7 % 256])) for i in range(37)]
    for n in range(1, len(leaves) + 1):
        tree, top = leaves[:n], merkle.root(leaves[:n])
        for i in range(n):
            path = merkle.inclusion_path(tree, i)
            assert merkle.verify_inclusion(tree[i], i, n, path, top)
            assert not merkle.verify_inclusion(tree[i], i, n, path, merkle.EMPTY_ROOT)
            assert not merkle.verify_inclusion(tree[i], n, n, path, top)
            if n > 1:
                other = tree[(i + 1) % n]
                assert not merkle.verify_inclusion(other, i, n, path, top)
            if path:
                bent = [path[0][::-1], *path[1:]]
                assert not merkle.verify_inclusion(tree[i], i, n, bent, top)
        for m in range(1, n + 1):
            proof = merkle.consistency_path(tree, m)
            old = merkle.root(leaves[:m])
            assert merkle.verify_consistency(m, n, old, top, proof)
            if m < n:
                assert not merkle.verify_consistency(m, n, top, top, proof)
                assert not merkle.verify_consistency(m, n, old, old, proof)


def test_a_frontier_restarts_from_its_stored_nodes():
    frontier = merkle.Frontier()
    for leaf in HASHED[:5]:
        frontier.append(leaf)
    again = merkle.Frontier(frontier.size, frontier.nodes)
    for leaf in HASHED[5:]:
        again.append(leaf)
    assert again.root().hex() == ROOTS[8]
    with pytest.raises(ValueError):
        merkle.Frontier(3, [HASHED[0]])


def test_a_signed_checkpoint_opens_with_its_key_only():
    from merito.audit.notes import Checkpoint, NoteError, Signer, Verifier, open_note

    key = Signer.generate("ejemplo.org/registro")
    again = Signer.parse(key.text())
    assert again == key
    assert Verifier.parse(key.verifier.text()) == key.verifier
    checkpoint = Checkpoint("ejemplo.org/registro", 8, bytes.fromhex(ROOTS[8]), ("extra 1",))
    note = key.sign(checkpoint.text())
    assert note.startswith("ejemplo.org/registro\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqt")
    assert "\n\n\u2014 ejemplo.org/registro " in note
    text, names = open_note(note, [key.verifier])
    assert names == ["ejemplo.org/registro"] and Checkpoint.parse(text) == checkpoint
    other = Signer.generate("ejemplo.org/registro")
    with pytest.raises(NoteError, match="ninguna clave de confianza"):
        open_note(note, [other.verifier])
    with pytest.raises(NoteError, match="ninguna clave de confianza"):
        open_note(note.replace("\n8\n", "\n9\n"), [key.verifier])
    with pytest.raises(NoteError, match="el id no corresponde"):
        Verifier.parse(key.verifier.text().replace(key.verifier.id.hex(), "00000000"))
