import pytest

from merito.demo.peers import load_demo_peers
from merito.demo.people import load_demo_data
from merito.peers.models import PeerMembership


@pytest.mark.django_db
def test_the_demo_applicant_is_a_peer_and_reloading_adds_nothing():
    load_demo_data()
    assert load_demo_peers() == 1
    assert load_demo_peers() == 0
    assert PeerMembership.objects.get().user.email == "postulante@demo.merito.local"
