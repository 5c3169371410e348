"""Finding a termbase's terms in a text (roles/editorial/checks/terms.py), and the seed
termbase."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from roles.editorial.checks.terms import Entry, forms_in, normalise
from roles.editorial.checks.texts import glossary_from_values
from roles.models import Term
from roles.seeds.files import read_glossary


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("kunde*", "Kundene er fornøyde."),
        ("kunde*", "Vi lytter til kunden."),
        ("*leder", "Hun er kundeserviceleder."),
        ("*leder*", "Kundeservicelederen svarer."),
        ("πελατ*", "ΟΙ ΠΕΛΆΤΕΣ ΕΙΝΑΙ ΙΚΑΝΟΠΟΙΗΜΕΝΟΙ."),
        ("πελατ*", "Τα προβλήματα των πελατών."),
        ("πελάτης", "Ο ΠΕΛΑΤΗΣ ρωτά."),
        ("kundeservice", "KUNDESERVICE svarer."),
        ("customer service*", "Customer Service Representatives"),
        ("customer service*", "the customer\nservice desk"),
        ("customer service*", "our customer  services"),
        ("υποστηριξ* πελατ*", "Η υποστήριξη πελατών απαντά."),
        ("Customer Service Representatives", "O*NET: customer service representatives."),
    ],
)
def test_a_form_finds_its_words_whatever_their_case_accents_and_endings(form, text):
    assert forms_in(text, (form,)) == (form,)


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ("kunde", "Kundene er fornøyde."),
        ("kunde", "En storkunde ringer."),
        ("leder", "Hun er kundeserviceleder."),
        ("kunde*", "En storkunde ringer."),
        ("*leder", "Lederen svarer."),
        ("customer service*", "customer-oriented service"),
        ("υποστηριξ* πελατ*", "Η υποστήριξη των πελατών."),
    ],
)
def test_a_form_does_not_find_its_letters_inside_another_word(form, text):
    assert forms_in(text, (form,)) == ()


def test_only_the_forms_found_are_returned_in_their_order():
    forms = ("kundestøtte*", "", "kundesupport*", "helpdesk")
    assert forms_in("Kundesupport og helpdesk", forms) == ("kundesupport*", "helpdesk")


def test_accents_case_and_final_sigma_are_normalised():
    assert normalise("ΠΕΛΆΤΗΣ") == normalise("πελάτης") == "πελατησ"
    assert normalise("Kundeservice") == "kundeservice"


def test_an_entry_without_forms_is_recognised_by_its_term():
    entry = Entry(term="kundeservice")
    assert entry.found_in("Ring KUNDESERVICE.")
    assert not entry.found_in("Ring kundeservicen.")
    assert not Entry().found_in("Ring kundeservice.")


def test_an_entry_with_forms_is_recognised_by_them_alone():
    entry = Entry(term="kunde", forms=("kunden", "kunder"))
    assert entry.found_in("Kunder ringer.")
    assert not entry.found_in("En kunde ringer.")


def test_an_entry_shows_its_forbidden_variants_with_an_ellipsis():
    entry = Entry(term="kundeservice", forbidden=("kundestøtte*", "kundesupport"))
    assert entry.forbidden_shown == "kundestøtte…, kundesupport"
    assert entry.forbidden_in("Kundestøtten svarer.") == ("kundestøtte*",)


def test_the_seed_glossary_has_a_term_in_every_language_for_every_concept():
    concepts = glossary_from_values(
        (item.key, item.values) for item in read_glossary(settings.SEEDS_DIR)
    )
    assert len(concepts) >= 25
    languages = [code for code, _name in settings.LANGUAGES]
    missing = [
        (concept.key, code)
        for concept in concepts
        for code in languages
        if not concept.entry(code).term
    ]
    assert missing == []
    assert len({concept.key for concept in concepts}) == len(concepts)


@pytest.mark.django_db
@pytest.mark.parametrize("forms", ["*", "k*", "kunde*\n*"])
def test_a_form_that_would_be_found_in_every_text_is_refused(forms):
    term = Term(concept="customer", term_nb="kunde", forms_nb=forms)
    with pytest.raises(ValidationError) as refused:
        term.full_clean()
    assert "forms_nb" in refused.value.message_dict


@pytest.mark.django_db
def test_forms_of_letters_with_stars_and_codes_are_accepted():
    Term(concept="occupation-code", term_nb="yrkeskode", forms_nb="*-yrke*\nO*NET-SOC").full_clean()
