import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from roles.models import Duty, Quality, Role, RoleQuality, Scenario, Workplace

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent():
    return Role.objects.create(key="agent", level=1, title_nb="Kundeserviceagent")


@pytest.fixture
def manager():
    return Role.objects.create(key="manager", level=3, title_nb="Kundeserviceleder")


def test_role_keys_are_unique(agent):
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(key="agent", level=2, title_nb="Igjen")


def test_the_database_refuses_an_unknown_role_key():
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(key="cashier", level=1, title_nb="Kasserer")


def test_a_title_in_the_default_language_is_required():
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(key="agent", level=1, title_nb="", title_el="Εκπρόσωπος")
    with pytest.raises(IntegrityError), transaction.atomic():
        Quality.objects.create(slug="patience", name_nb=None, name_da="Tålmodighed")


def test_a_role_cannot_lead_to_itself(agent):
    agent.leads_to = agent
    with pytest.raises(IntegrityError), transaction.atomic():
        agent.save()


def test_duty_order_and_key_are_unique_within_a_role(agent, manager):
    Duty.objects.create(role=agent, key="answer-calls", order=1, text_nb="Svarer på samtaler.")
    Duty.objects.create(
        role=manager, key="answer-calls", order=1, text_nb="Samme nøkkel, annen rolle."
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Duty.objects.create(role=agent, key="other", order=1, text_nb="Samme plass.")
    with pytest.raises(IntegrityError), transaction.atomic():
        Duty.objects.create(role=agent, key="answer-calls", order=2, text_nb="Samme nøkkel.")


def test_slugs_are_unique():
    Workplace.objects.create(slug="hotels", name_nb="Hoteller")
    with pytest.raises(IntegrityError), transaction.atomic():
        Workplace.objects.create(slug="hotels", name_nb="Hotell")
    Scenario.objects.create(
        slug="wrong-price", title_nb="Feil pris", situation_nb="x", steps_nb="y"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.create(
            slug="wrong-price", title_nb="Igjen", situation_nb="x", steps_nb="y"
        )


def test_a_quality_is_linked_to_a_role_once(agent):
    quality = Quality.objects.create(slug="patience", name_nb="Tålmodighet")
    RoleQuality.objects.create(role=agent, quality=quality, order=1, note_nb="Sinte kunder.")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleQuality.objects.create(role=agent, quality=quality, order=2)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("isco08", "422"),
        ("isco08", "4222a"),
        ("esco_uri", "https://example.com/occupation/1"),
        ("esco_uri", "http://data.europa.eu/esco/skill/b7b75eb6-34bc-462d-b412-eed393cc1397"),
    ],
)
def test_occupation_codes_are_validated(agent, field, value):
    setattr(agent, field, value)
    with pytest.raises(ValidationError) as error:
        agent.full_clean()
    assert field in error.value.message_dict


def test_valid_occupation_codes_pass(agent):
    agent.isco08 = "4222"
    agent.esco_uri = "http://data.europa.eu/esco/occupation/b7b75eb6-34bc-462d-b412-eed393cc1397"
    agent.full_clean()


def test_title_reads_the_active_language_and_falls_back(agent):
    from django.utils import translation

    agent.title_el = "Εκπρόσωπος εξυπηρέτησης πελατών"
    agent.save()
    with translation.override("el"):
        assert agent.title == "Εκπρόσωπος εξυπηρέτησης πελατών"
    with translation.override("da"):
        assert agent.title == "Kundeserviceagent"  # Danish is missing: falls back to Bokmål


def test_missing_in_finds_texts_written_in_another_language_only(agent, manager):
    agent.title_el = "Εκπρόσωπος"
    agent.title_da = "Kundeserviceagent"
    agent.save()
    manager.summary_nb = "Leder kundeservicen."
    manager.title_da = "Kundeservicechef"
    manager.save()

    assert list(Role.objects.missing_in("el")) == [manager]
    assert list(Role.objects.missing_in("da")) == [manager]  # its summary is Bokmål only
    assert list(Role.objects.missing_in("nb")) == []
    assert set(Role.objects.complete_in("el")) == {agent}
