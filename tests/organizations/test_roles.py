import pytest
from django.urls import reverse

from merito.audit.models import AuditEvent
from merito.calls.models import Call
from merito.errors import DomainError
from merito.organizations.models import Organization, OrganizationKind, Role, RoleAssignment
from merito.organizations.rules import has_role_over
from merito.organizations.services import role_assign, role_revoke
from merito.web.roles import LANDINGS
from tests.conftest import make_user, sign_in


@pytest.mark.django_db
def test_analyst_may_also_be_claims_analyst(organization):
    user = make_user()
    role_assign(user=user, role=Role.ANALYST, organization=organization, by=None)
    role_assign(user=user, role=Role.CLAIMS_ANALYST, organization=organization, by=None)
    assert set(user.role_assignments.values_list("role", flat=True)) == {
        Role.ANALYST,
        Role.CLAIMS_ANALYST,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "second"),
    [
        (Role.ANALYST, Role.SUPERVISOR),
        (Role.SUPERVISOR, Role.AUDITOR),
        (Role.CLAIMS_ANALYST, Role.LEGAL),
        (Role.OPERATOR_ADMIN, Role.ANALYST),
    ],
)
def test_any_other_operator_combination_is_refused(organization, first, second):
    user = make_user()
    role_assign(user=user, role=first, organization=organization, by=None)
    with pytest.raises(DomainError) as excinfo:
        role_assign(user=user, role=second, organization=organization, by=None)
    assert "Analista con Analista de reclamación" in excinfo.value.message
    assert user.role_assignments.count() == 1


@pytest.mark.django_db
def test_analyst_claims_analyst_and_a_third_operator_role_is_refused(organization):
    user = make_user()
    role_assign(user=user, role=Role.ANALYST, organization=organization, by=None)
    role_assign(user=user, role=Role.CLAIMS_ANALYST, organization=organization, by=None)
    with pytest.raises(DomainError):
        role_assign(user=user, role=Role.AUDITOR, organization=organization, by=None)


@pytest.mark.django_db
def test_non_operator_roles_combine_freely(organization):
    user = make_user()
    role_assign(user=user, role=Role.VERIFIER, organization=organization, by=None)
    role_assign(user=user, role=Role.COMMITTEE_MEMBER, organization=organization, by=None)
    role_assign(user=user, role=Role.ANALYST, organization=organization, by=None)
    assert user.role_assignments.count() == 3


@pytest.mark.django_db
def test_the_same_role_twice_in_one_scope_is_refused(organization):
    user = make_user()
    role_assign(user=user, role=Role.VERIFIER, organization=organization, by=None)
    with pytest.raises(DomainError) as excinfo:
        role_assign(user=user, role=Role.VERIFIER, organization=organization, by=None)
    assert "ya tiene ese rol" in excinfo.value.message


@pytest.mark.django_db
def test_assigning_and_revoking_leave_audit_events(organization):
    admin = make_user()
    user = make_user()
    assignment = role_assign(user=user, role=Role.AUDITOR, organization=organization, by=admin)
    role_revoke(assignment=assignment, by=admin)
    actions = list(AuditEvent.objects.values_list("action", "actor_id"))
    assert ("organizations.role.assigned", admin.pk) in actions
    assert ("organizations.role.revoked", admin.pk) in actions
    assert not RoleAssignment.objects.exists()


@pytest.mark.django_db
def test_a_role_in_an_organization_covers_the_units_below_it():
    minedu = Organization.objects.create(
        name="Minedu", short_name="MINEDU", kind=OrganizationKind.MINISTRY, country="PE"
    )
    dre = Organization.objects.create(
        name="DRE Áncash",
        short_name="DRE",
        kind=OrganizationKind.REGIONAL,
        parent=minedu,
        country="PE",
    )
    ugel = Organization.objects.create(
        name="UGEL Huaraz",
        short_name="UGEL",
        kind=OrganizationKind.LOCAL,
        parent=dre,
        country="PE",
    )
    other = Organization.objects.create(
        name="DRE Lima",
        short_name="DRE-L",
        kind=OrganizationKind.REGIONAL,
        parent=minedu,
        country="PE",
    )
    assert ugel.time_zone == "America/Lima"
    user = make_user()
    role_assign(user=user, role=Role.COMMITTEE_PRESIDENT, organization=dre, by=None)
    can = has_role_over(Role.COMMITTEE_PRESIDENT)
    assert can(user, ugel)
    assert can(user, dre)
    assert not can(user, minedu)
    assert not can(user, other)
    call = Call.objects.create(organization=ugel, code="ASC-2019", name="Ascenso")
    assert can(user, call)


@pytest.mark.django_db
def test_a_role_scoped_to_a_call_covers_only_that_call(organization):
    call = Call.objects.create(organization=organization, code="C1", name="Uno")
    other = Call.objects.create(organization=organization, code="C2", name="Dos")
    user = make_user()
    role_assign(user=user, role=Role.SUPERVISOR, call=call, by=None)
    can = has_role_over(Role.SUPERVISOR)
    assert can(user, call)
    assert not can(user, other)
    assert not can(user, organization)


@pytest.mark.django_db
@pytest.mark.parametrize("landing", LANDINGS, ids=lambda landing: landing.slug)
def test_each_landing_page_opens_for_its_role_and_is_403_for_every_other(
    client, user_with_role, landing
):
    url = landing.url
    for role in Role:
        user = user_with_role(role)
        sign_in(client, user)
        response = client.get(url)
        if role in landing.roles:
            assert response.status_code == 200, (role, landing.slug)
            assert str(landing.title) in response.content.decode()
        else:
            assert response.status_code == 403, (role, landing.slug)
            assert "Acceso no permitido" in response.content.decode()
        client.logout()


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_a_landing_page(client):
    response = client.get(reverse("backoffice:landing", args=["gerencia"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("public:accounts:login"))


@pytest.mark.django_db
def test_navigation_shows_only_the_pages_of_the_persons_roles(client, user_with_role):
    user = user_with_role(Role.ANALYST)
    sign_in(client, user)
    page = client.get(reverse("backoffice:landing", args=["analisis"])).content.decode()
    assert 'href="/gestion/analisis/"' in page
    assert 'href="/gestion/gerencia/"' not in page
    assert 'href="/gestion/auditoria/"' not in page


@pytest.mark.django_db
def test_home_sends_a_one_role_person_to_their_page(client, alice):
    sign_in(client, alice)
    response = client.get(reverse("public:home"))
    assert response["Location"] == reverse("portal:home")


@pytest.mark.django_db
def test_home_lets_a_several_role_person_choose(client, organization):
    user = make_user()
    role_assign(user=user, role=Role.VERIFIER, organization=organization, by=None)
    role_assign(user=user, role=Role.APPLICANT, by=None)
    sign_in(client, user)
    page = client.get(reverse("public:home")).content.decode()
    assert "Elija con qué rol desea trabajar" in page
    assert "Verificación de pares" in page
