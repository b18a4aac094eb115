"""Demo rows of the peer bank: the demo applicant is a CNA peer, so the update case works."""

from __future__ import annotations

from merito.accounts.models import User
from merito.peers.models import PeerGroup, PeerMembership

DEMO_PEERS = [
    ("postulante@demo.merito.local", PeerGroup.CNA, "Ciencias de la Educación", "Antioquia")
]


def load_demo_peers() -> int:
    """Idempotent: returns how many memberships were added."""
    added = 0
    for email, group, area, region in DEMO_PEERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        _membership, created = PeerMembership.objects.get_or_create(
            user=user, group=group, defaults={"knowledge_area": area, "region": region}
        )
        added += created
    return added
