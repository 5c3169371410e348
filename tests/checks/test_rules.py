"""Every translation check (roles/editorial/checks/rules.py): a clean text finds nothing, and the
same text with the check's error planted in it finds that check alone, at its severity."""

import pytest
from django.utils import translation

from roles.editorial.checks.rules import CHECKS, ERROR, WARNING, Unit, run, sentences
from roles.editorial.checks.terms import Concept, Entry

# A small termbase: "customer" (endings, accents) and "customer service" (compounds, a forbidden
# variant of two words).
GLOSSARY = [
    Concept(
        "customer",
        {
            "en": Entry(term="customer", forms=("customer*",)),
            "nb": Entry(term="kunde", forms=("kunde*",)),
            "da": Entry(term="kunde", forms=("kunde*",)),
            "el": Entry(term="πελάτης", forms=("πελατ*",)),
        },
    ),
    Concept(
        "customer-service",
        {
            "en": Entry(term="customer service", forms=("customer service*",)),
            "nb": Entry(term="kundeservice", forms=("kundeservice*",), forbidden=("kundestøtte*",)),
            "da": Entry(
                term="kundeservice", forms=("kundeservice*",), forbidden=("kundesupport*",)
            ),
            "el": Entry(
                term="εξυπηρέτηση πελατών",
                forms=("εξυπηρετησ*",),
                forbidden=("υποστηριξ* πελατ*",),
            ),
        },
    ),
]


def findings(text, source="", language="da", *, source_language=None, others=None, glossary=()):
    """The findings on `text`, a translation of `source` (Bokmål, the content's source language,
    unless told) or, without a source, a text of its own."""
    if source_language is None:
        source_language = "nb" if source else ""
    unit = Unit(
        where="test",
        language=language,
        text=text,
        source=source,
        source_language=source_language,
        others=others or {},
        interface=source_language == "en",
    )
    return run(unit, glossary)


def found(text, source="", language="da", **options) -> set[str]:
    """The ids of the checks that find something in `text`."""
    return {finding.check.id for finding in findings(text, source, language, **options)}


NB = "Kundene henvender seg til kundeservicemedarbeideren når de har et problem som må løses."
DA = "Kunderne henvender sig til kundeservicemedarbejderen, når de har et problem, der skal løses."
EL = "Οι πελάτες απευθύνονται στον συνεργάτη όταν έχουν κάποιο πρόβλημα που πρέπει να λυθεί."
DUTY_NB = "Løse kundenes problemer så raskt og smertefritt som mulig."
DUTY_DA = "Løse kundernes problemer så hurtigt og smertefrit som muligt."
DUTY_EL = "Λύνει τα προβλήματα των πελατών όσο πιο γρήγορα και ανώδυνα γίνεται."

LONGER = (
    " og som kunderne gerne vil have løst hurtigt, venligt, professionelt og til en fornuftig"
    " pris for alle parter i sagen."
)

# (check, language, source, the clean text, the same text with the check's error planted).
CASES = [
    (
        "quotes",
        "da",
        "Kunden sa «takk» og gikk.",
        "Kunden sagde »tak« og gik.",
        "Kunden sagde «tak» og gik.",
    ),
    (
        "quotes",
        "da",
        "Kunden sa «takk» og gikk.",
        "Kunden sagde »tak« og gik.",
        "Kunden sagde »tak og gik.",
    ),
    ("quotes", "nb", "", "Kunden sa «takk» og gikk.", 'Kunden sa "takk" og gikk.'),
    ("quotes", "el", "", "Ο πελάτης είπε «ευχαριστώ».", 'Ο πελάτης είπε "ευχαριστώ".'),
    ("spacing", "da", NB, DA, DA.replace("henvender sig", "henvender  sig")),
    ("spacing", "da", NB, DA, DA.replace("medarbejderen,", "medarbejderen ,")),
    ("spacing", "da", NB, DA, DA + " "),
    ("spacing", "da", NB, DA, " " + DA),
    ("end-punctuation", "da", NB, DA, DA.removesuffix(".")),
    ("end-punctuation", "el", "Hva vil kunden?", "Τι θέλει ο πελάτης;", "Τι θέλει ο πελάτης."),
    (
        "numbers",
        "da",
        "Svar kunden innen 24 timer.",
        "Svar kunden inden 24 timer.",
        "Svar kunden inden 48 timer.",
    ),
    (
        "placeholders",
        "da",
        "%(count)d roles were published.",
        "%(count)d roller blev udgivet.",
        "Rollerne blev udgivet.",
    ),
    (
        "placeholders",
        "da",
        "The role {name} was published.",
        "Rollen {name} blev udgivet.",
        "Rollen {navn} blev udgivet.",
    ),
    (
        "markup",
        "da",
        'Read <a href="%(url)s">the guide</a> before you start.',
        'Læs <a href="%(url)s">vejledningen</a>, før du begynder.',
        "Læs vejledningen på %(url)s, før du begynder.",
    ),
    (
        "markup",
        "da",
        'Read <a href="%(url)s">the guide</a> before you start.',
        'Læs <a href="%(url)s">vejledningen</a>, før du begynder.',
        'Læs <a href="%(url)s">vejledningen, før du begynder.',
    ),
    (
        "latin-in-greek",
        "el",
        "Send en e-post til kunden.",
        "Στείλτε ένα e-mail στον πελάτη.",
        "Στείλτε ένα email στον πελάτη.",
    ),
    ("greek-question-mark", "el", "Hva vil kunden?", "Τι θέλει ο πελάτης;", "Τι θέλει ο πελάτης?"),
    (
        "greek-informal-address",
        "el",
        "",
        "Ο πελάτης είναι δικός σας.",
        "Ο πελάτης είναι δικός σου.",
    ),
    (
        "identical",
        "da",
        "Kunden har et problem.",
        "Kunderne har et problem.",
        "Kunden har et problem.",
    ),
    ("glossary-missing", "da", DUTY_NB, DUTY_DA, DUTY_DA.replace("kundernes", "klienternes")),
    ("glossary-missing", "el", DUTY_NB, DUTY_EL, DUTY_EL.replace("πελατών", "αγοραστών")),
    ("glossary-forbidden", "nb", "", "Ring kundeservice i dag.", "Ring Kundestøtten i dag."),
    (
        "glossary-forbidden",
        "da",
        "",
        "Ring til kundeservice i dag.",
        "Ring til kundesupporten i dag.",
    ),
    (
        "glossary-forbidden",
        "el",
        "",
        "Η εξυπηρέτηση πελατών απαντά.",
        "Η υποστήριξη πελατών απαντά.",
    ),
    (
        "sentence-count",
        "da",
        "Kunden ringer. Medarbeideren svarer.",
        "Kunden ringer. Medarbejderen svarer.",
        "Kunden ringer, og medarbejderen svarer.",
    ),
    ("length-ratio", "da", NB, DA, "Kunderne ringer til kundeservice."),
    ("length-ratio", "da", NB, DA, DA.removesuffix(".") + LONGER),
    ("language-mix", "da", "", "Kunden kommer efter en time.", "Kunden kommer etter en time."),
    ("language-mix", "da", "", "Har nogen spurgt kunden?", "Har noen spurgt kunden?"),
    ("language-mix", "nb", "", "Kunden kommer etter en time.", "Kunden kommer efter en time."),
]
IDS = [case[0] for case in CASES]

SEVERITIES = {
    "quotes": ERROR,
    "spacing": ERROR,
    "end-punctuation": WARNING,
    "numbers": WARNING,
    "placeholders": ERROR,
    "markup": ERROR,
    "latin-in-greek": WARNING,
    "greek-question-mark": ERROR,
    "greek-informal-address": WARNING,
    "identical": WARNING,
    "glossary-missing": WARNING,
    "glossary-forbidden": ERROR,
    "sentence-count": WARNING,
    "length-ratio": WARNING,
    "language-mix": ERROR,
}


def _source_language(source: str) -> str | None:
    """Interface strings (with placeholders or markup) translate English msgids."""
    return "en" if source and ("%(" in source or "{" in source or "<" in source) else None


def test_every_check_has_a_planted_error_and_a_severity():
    assert {case[0] for case in CASES} == set(CHECKS) == set(SEVERITIES)


@pytest.mark.parametrize(("check", "language", "source", "clean", "planted"), CASES, ids=IDS)
def test_the_clean_text_finds_nothing(check, language, source, clean, planted):
    source_language = _source_language(source)
    assert (
        found(clean, source, language, source_language=source_language, glossary=GLOSSARY) == set()
    )


@pytest.mark.parametrize(("check", "language", "source", "clean", "planted"), CASES, ids=IDS)
def test_the_planted_error_finds_its_check_alone_at_its_severity(
    check, language, source, clean, planted
):
    source_language = _source_language(source)
    result = findings(planted, source, language, source_language=source_language, glossary=GLOSSARY)
    assert {finding.check.id for finding in result} == {check}
    assert {finding.severity for finding in result} == {SEVERITIES[check]}


def test_the_seed_texts_of_one_role_summary_are_clean():
    assert found(DA, NB, "da") == set()
    assert found(EL, NB, "el") == set()
    assert found(NB, "", "nb") == set()


# Quotation marks


def test_danish_quotes_in_the_norwegian_order_say_so():
    with translation.override("en"):
        details = [f.detail for f in findings("Kunden sagde «tak» og gik.")]
    assert details == ["Closes a quotation with « before opening it with »."]


def test_straight_quotes_in_bokmal_are_named():
    with translation.override("en"):
        details = [f.detail for f in findings('Kunden sa "takk" og gikk.', language="nb")]
    assert details == ['Uses “"”.']


def test_quotes_inside_a_placeholder_or_markup_do_not_count():
    source = 'Read <a href="%(url)s">the guide</a>.'
    assert found('Les <a href="%(url)s">veiledningen</a>.', "", "nb") == set()
    assert found('Læs <a href="%(url)s">vejledningen</a>.', source, "da", source_language="en") == (
        set()
    )


# Spacing


def test_a_trailing_space_is_kept_when_the_source_ends_with_one_too():
    assert found("Antal roller: ", "Number of roles: ", "da", source_language="en") == set()
    assert found("Antal roller:", "Number of roles: ", "da", source_language="en") == set()


def test_a_doubled_space_is_kept_when_the_source_has_one_too():
    assert found("Navn:  Rolle", "Name:  Role", "da", source_language="en") == set()


def test_a_line_break_within_a_text_is_not_a_doubled_space():
    assert found("Kunden ringer.\n\nMedarbejderen svarer.", "", "da") == set()


# Latin letters in Greek


@pytest.mark.parametrize(
    "text",
    [
        "Στείλτε ένα e-mail στον πελάτη.",
        "Ο κωδικός ESCO του ρόλου.",
        "Ο κωδικός ISCO-08 του ρόλου.",
        "Ο πελάτης βλέπει τον πράκτορα χρήστη (user agent) του.",
        "Η αρχική τιμή είναι «initial».",
        "Η διεύθυνση https://example.com/role είναι δημόσια.",
    ],
)
def test_codes_glosses_quoted_values_and_addresses_are_allowed_in_greek(text):
    assert found(text, "", "el") == set()


@pytest.mark.parametrize("text", ["Στείλτε ένα email στον πελάτη.", "Ο agent απαντά στον πελάτη."])
def test_a_latin_word_in_greek_is_named(text):
    assert found(text, "", "el") == {"latin-in-greek"}


def test_latin_words_in_danish_or_bokmal_are_not_latin_in_greek():
    assert found("Send en email til kunden.", "", "da") == set()


# The Greek question mark and form of address


def test_a_question_mark_in_a_placeholder_or_address_is_not_a_greek_question_mark():
    assert found("Δείτε τη σελίδα https://example.com/?q=role.", "", "el") == set()


def test_a_question_mark_is_not_an_error_in_danish():
    assert found("Hvad vil kunden?", "Hva vil kunden?", "da") == set()


@pytest.mark.parametrize("text", ["Τι θέλεις εσύ;", "Ο πελάτης είναι ΔΙΚΌΣ ΣΟΥ."])
def test_the_informal_address_in_greek_warns_whatever_its_case_and_accents(text):
    assert found(text, "", "el") == {"greek-informal-address"}


# Words of another language


def test_meget_is_bokmal_too():
    assert found("Kunden er meget fornøyd.", "", "nb") == set()


def test_a_mixed_word_names_the_word_to_write():
    with translation.override("en"):
        details = [f.detail for f in findings("Har noen spurgt kunden?", language="da")]
    assert details == ["Has “noen” (write “nogen”)."]


def test_a_mixed_word_is_found_whatever_its_case():
    assert found("Efter kjøpet ringer kunden.", "", "nb") == {"language-mix"}


# Identical texts


def test_a_two_word_title_may_read_as_its_source():
    assert found("Aktiv lytning", "Aktiv lytning", "da") == set()


def test_a_text_copied_from_another_language_warns():
    others = {"el": "Ο πελάτης έχει ένα πρόβλημα."}
    with translation.override("en"):
        result = findings(
            "Ο πελάτης έχει ένα πρόβλημα.", "Kunden har et problem.", "da", others=others
        )
    assert [(f.check.id, f.detail) for f in result] == [
        ("identical", "Reads exactly as the text in el.")
    ]


def test_a_source_text_is_not_identical_to_itself():
    assert found("Kunden har et problem.", "", "nb") == set()


# The termbase


def test_a_term_is_found_whatever_its_case_and_accents():
    assert found(
        "ΟΙ ΠΕΛΆΤΕΣ ΈΧΟΥΝ ΠΡΌΒΛΗΜΑ.", "Kundene har et problem.", "el", glossary=GLOSSARY
    ) == (set())


def test_a_missing_term_names_the_term_to_use():
    with translation.override("en"):
        result = findings(
            "Klienterne har et problem.", "Kundene har et problem.", "da", glossary=GLOSSARY
        )
    assert [(f.check.id, f.detail) for f in result] == [
        ("glossary-missing", "The source has “kunde”: use “kunde”.")
    ]


def test_a_forbidden_variant_names_the_preferred_term():
    with translation.override("en"):
        result = findings("Ring til kundesupporten i dag.", glossary=GLOSSARY)
    assert [(f.check.id, f.detail) for f in result] == [
        ("glossary-forbidden", "Has “kundesupport…”: use “kundeservice”.")
    ]


def test_a_term_without_a_translation_is_not_missing():
    glossary = [Concept("customer", {"nb": Entry(term="kunde", forms=("kunde*",))})]
    assert (
        found("Klienterne har et problem.", "Kundene har et problem.", glossary=glossary) == set()
    )


def test_a_forbidden_variant_is_an_error_in_a_source_text_too():
    assert found("Ring kundestøtten.", "", "nb", glossary=GLOSSARY) == {"glossary-forbidden"}


# Sentences and length


@pytest.mark.parametrize(
    ("language", "source", "text"),
    [
        (
            "da",
            "Kunden får f.eks. et avslag på regningen.",
            "Kunden får for eksempel en rabat på regningen.",
        ),
        ("da", "Kunden får et avslag på regningen.", "Kunden får f.eks. en rabat på regningen."),
        ("da", "Prisen er 100 kroner pr. time.", "Prisen er 100 kroner i timen."),
        ("da", "Kunden får bl.a. et avslag.", "Kunden får blandt andet en rabat."),
        ("el", "Kunden får for eksempel et avslag.", "Ο πελάτης παίρνει π.χ. έκπτωση."),
    ],
)
def test_an_abbreviation_does_not_end_a_sentence(language, source, text):
    assert found(text, source, language) == set()


def test_sentences_are_counted_at_their_ends_and_paragraphs():
    assert sentences("Kunden ringer. Medarbejderen svarer!", "da") == 2
    assert sentences("Kunden ringer\n\nMedarbejderen svarer", "da") == 2
    assert sentences("Τι θέλει ο πελάτης; Ο συνεργάτης απαντά.", "el") == 2
    assert sentences("Kunden ringer; medarbejderen svarer.", "da") == 1


def test_a_full_stop_before_a_lower_case_word_does_not_end_a_sentence():
    assert found("Kunden får eventuelt en rabat.", "Kunden får evt. et avslag.", "da") == set()


def test_a_short_source_is_not_checked_for_length():
    source = "Ring kunden i dag."  # under 30 characters
    text = "Ring til kunden i dag, eller send kunden en e-mail i morgen tidlig."
    assert len(source) < 30
    assert found(text, source, "da") == set()


def test_the_length_is_checked_from_30_characters():
    source = "Ring kunden i dag eller i morgen."
    assert len(source) >= 30
    assert found("Ring.", source, "da") == {"length-ratio"}


# Translations only


def test_the_checks_against_the_source_are_not_run_on_a_source_text():
    against_the_source = {
        "end-punctuation",
        "numbers",
        "placeholders",
        "markup",
        "glossary-missing",
        "sentence-count",
        "length-ratio",
    }
    assert {id for id, check in CHECKS.items() if check.translations_only} == against_the_source
    text = "Kunden ringer 24 timer i døgnet, %(count)d <b>ganger</b> i uken"
    assert found(text, "", "nb", glossary=GLOSSARY) == set()


def test_a_term_inside_a_longer_term_is_not_asked_for_again():
    """ "kundeservice" holds "kunde": the longer term is the one the translation needs."""
    [finding] = findings(
        "Η ομάδα απαντά στα τηλέφωνα.", "Kundeservice svarer i telefonen.", "el", glossary=GLOSSARY
    )
    assert finding.check.id == "glossary-missing"
    assert "εξυπηρέτηση πελατών" in finding.detail and "πελάτης" not in finding.detail


def test_every_term_missing_from_a_text_is_one_warning_to_dismiss():
    source = "Kunden ringer kundeservice. En annen kunde venter."
    results = findings("Κάποιος τηλεφωνεί. Ένας άλλος περιμένει.", source, "el", glossary=GLOSSARY)
    missing = [f for f in results if f.check.id == "glossary-missing"]
    assert len(missing) == 1
    assert "πελάτης" in missing[0].detail and "εξυπηρέτηση πελατών" in missing[0].detail


def test_a_check_that_finds_several_things_is_one_finding():
    results = findings("Kunden  ringer , og  venter .", "Kunden ringer, og venter.")
    assert [f.check.id for f in results].count("spacing") == 1


@pytest.mark.parametrize(("text", "message"), [("Én sætning her.", "1 sentence, the source 2.")])
def test_the_sentence_count_is_told_in_the_right_number(text, message):
    with translation.override("en"):
        [finding] = findings(text, "Første setning. Andre setning.")
    assert finding.detail == message
