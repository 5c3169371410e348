"""The translation checks and the termbase in the admin: under each text, on the dashboard, and
dismissing a warning with a reason that the history keeps."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import translation
from reversion.models import Version

from roles.editorial.checks.rules import CHECKS
from roles.models import CheckDismissal, Role, Term
from tests.helpers import member, role_url

pytestmark = pytest.mark.django_db

# A Greek summary with a warning (a Latin word) and an error (a Latin question mark).
PLANTED = "Απαντά σε ερωτήσεις μέσω email. Τι άλλο κάνει?"


def agent():
    return Role.objects.get(key="agent")


def plant(text=PLANTED):
    Role.objects.filter(key="agent").update(summary_el=text)


def in_admin_language(text) -> str:
    """A string as the admin shows it (in the default language: the test client's)."""
    with translation.override("nb"):
        return str(text)


def counts_under(content: str, column: str) -> tuple[int, int]:
    """The (errors, warnings) the checks show under a form field."""
    field = content.index(f'id="id_{column}"')
    found = re.compile(r'data-errors="(\d+)" data-warnings="(\d+)"').search(content, field)
    return int(found[1]), int(found[2])


def dismiss_url(field="summary", language="el", check="latin-in-greek"):
    kind = ContentType.objects.get_for_model(Role).pk
    url = reverse("dismiss-warning", args=[kind, agent().pk, field, language])
    return f"{url}?check={check}"


def test_the_seeded_termbase_is_in_admin(editor_client, seeded):
    assert Term.objects.count() >= 25
    response = editor_client.get(reverse("admin:roles_term_changelist"))
    assert response.status_code == 200
    assert "kundeservice" in response.content.decode()


def test_a_translation_shows_the_terms_of_its_source_with_their_preferred_term(
    editor_client, seeded
):
    content = editor_client.get(role_url(agent())).content.decode()
    customer_service = Term.objects.get(concept="customer-service")
    assert in_admin_language(translation.gettext_lazy("Terms in the source text")) in content
    assert f'lang="el">{customer_service.term_el}</strong>' in content
    assert f'lang="da">{customer_service.term_da}</strong>' in content


def test_the_form_shows_what_the_checks_found_under_the_text(editor_client, seeded):
    plant()
    content = editor_client.get(role_url(agent())).content.decode()
    assert counts_under(content, "summary_el")[0] == 1
    assert "<code>latin-in-greek</code>" in content and "«email»" in content
    assert in_admin_language(CHECKS["latin-in-greek"].title) in content
    assert "<code>greek-question-mark</code>" in content
    # A warning can be dismissed, an error cannot.
    assert content.count('class="kb-dismiss"') >= 1
    assert dismiss_url(check="greek-question-mark").replace("&", "&amp;") not in content
    assert dismiss_url().replace("&", "&amp;") in content


def test_a_clean_text_shows_no_findings(editor_client, seeded):
    content = editor_client.get(role_url(agent())).content.decode()
    assert "kb-finding" not in content


def test_a_translator_dismisses_a_warning_with_a_reason_kept_in_the_history(
    client, seeded, greek_translator
):
    plant()
    page = greek_translator.get(dismiss_url())
    assert page.status_code == 200
    assert PLANTED in page.content.decode()

    refused = greek_translator.post(dismiss_url(), {"check": "latin-in-greek", "reason": " "})
    assert refused.status_code == 200 and not CheckDismissal.objects.exists()

    done = greek_translator.post(
        dismiss_url(), {"check": "latin-in-greek", "reason": "The brand writes it so."}
    )
    assert done.status_code == 302 and done["Location"].endswith("#tab_id_summary_el")
    dismissal = CheckDismissal.objects.get()
    assert (dismissal.field, dismissal.language, dismissal.check_id) == (
        "summary",
        "el",
        "latin-in-greek",
    )
    assert dismissal.dismissed_by.username == "eleni"
    # Kept in a revision of the role, with the dismissal itself.
    latest = Version.objects.get_for_object(agent()).first()
    assert "latin-in-greek" in latest.revision.comment
    assert latest.revision.version_set.filter(object_id=str(dismissal.pk)).exists()
    history = greek_translator.get(role_url(agent(), "history")).content.decode()
    title = in_admin_language(CHECKS["latin-in-greek"].title)
    assert f"“{title}”" in history or f"«{title}»" in history
    assert "The brand writes it so." in history


def test_a_dismissed_warning_is_shown_as_dismissed_and_not_counted(editor_client, seeded):
    plant()
    errors, warnings = counts_under(
        editor_client.get(role_url(agent())).content.decode(), "summary_el"
    )
    editor_client.post(dismiss_url(), {"check": "latin-in-greek", "reason": "A brand name."})
    form = editor_client.get(role_url(agent())).content.decode()
    dashboard = editor_client.get(reverse("translation-dashboard")).content.decode()
    assert "kb-finding--dismissed" in form and "A brand name." in form
    assert counts_under(form, "summary_el") == (errors, warnings - 1)
    assert "check=latin-in-greek" not in dashboard
    assert "check=greek-question-mark" in dashboard


def test_the_warning_comes_back_when_the_text_changes(editor_client, seeded):
    plant()
    editor_client.post(dismiss_url(), {"check": "latin-in-greek", "reason": "A brand name."})
    plant(PLANTED.replace("email", "email ξανά"))
    content = editor_client.get(role_url(agent())).content.decode()
    assert "kb-finding--dismissed" not in content


def test_an_error_cannot_be_dismissed(editor_client, seeded):
    plant()
    response = editor_client.post(
        dismiss_url(check="greek-question-mark"),
        {"check": "greek-question-mark", "reason": "Please."},
    )
    assert response.status_code == 302
    assert not CheckDismissal.objects.exists()


def test_a_translator_of_another_language_may_not_dismiss(django_user_model, seeded):
    danish = member(django_user_model, "dorte", "Translators (da)")
    plant()
    page = danish.get(dismiss_url(), follow=True)
    assert page.redirect_chain[0][0].endswith("#tab_id_summary_el")
    assert "kb-dismiss" not in page.content.decode()
    message = in_admin_language(
        translation.gettext_lazy(
            "Only those who may edit the %(language)s texts may dismiss their warnings."
        )
    )
    assert message.split("%")[0] in page.content.decode()
    response = danish.post(dismiss_url(), {"check": "latin-in-greek", "reason": "No."})
    assert response.status_code == 302
    assert not CheckDismissal.objects.exists()


@pytest.mark.parametrize(
    "args",
    [
        lambda kind, pk: [kind, pk, "summary", "xx"],  # no such language
        lambda kind, pk: [kind, pk, "key", "el"],  # not a text
        lambda kind, pk: [kind, 999999, "summary", "el"],  # no such object
        lambda kind, pk: [999999, pk, "summary", "el"],  # no such kind
    ],
)
def test_a_dismissal_of_something_that_is_not_there_is_a_404(editor_client, seeded, args):
    kind = ContentType.objects.get_for_model(Role).pk
    url = reverse("dismiss-warning", args=args(kind, agent().pk))
    assert editor_client.get(url + "?check=latin-in-greek").status_code == 404


def test_a_check_that_no_longer_finds_anything_says_so(editor_client, seeded):
    response = editor_client.get(dismiss_url(), follow=True)
    assert response.redirect_chain and not CheckDismissal.objects.exists()


def test_the_dashboard_counts_findings_per_check_and_language_with_links(editor_client, seeded):
    plant()
    content = editor_client.get(reverse("translation-dashboard")).content.decode()
    assert in_admin_language(translation.gettext_lazy("What the checks find")) in content
    link = f"{reverse('check-findings')}?language=el&amp;check=latin-in-greek"
    assert f'<a href="{link}">1</a>' in content

    listing = editor_client.get(
        reverse("check-findings"), {"language": "el", "check": "latin-in-greek"}
    )
    assert listing.status_code == 200
    assert "#tab_id_summary_el" in listing.content.decode()


def test_a_clean_site_says_the_checks_pass(editor_client, seeded):
    content = editor_client.get(reverse("translation-dashboard")).content.decode()
    assert "kb-check-counts" not in content
    assert in_admin_language(translation.gettext_lazy("Nothing found: the checks pass.")) in content


@pytest.mark.parametrize(
    "query", [{"language": "xx"}, {"language": "el", "check": "no-such-check"}, {}]
)
def test_the_findings_list_refuses_an_unknown_language_or_check(editor_client, query):
    assert editor_client.get(reverse("check-findings"), query).status_code == 404


def test_translators_read_the_termbase_but_only_editors_change_it(client, seeded, greek_translator):
    term = Term.objects.get(concept="customer-service")
    url = reverse("admin:roles_term_change", args=[term.pk])
    page = greek_translator.get(url)
    assert page.status_code == 200
    greek_translator.post(url, {"concept": "changed"})
    term.refresh_from_db()
    assert term.concept == "customer-service"
    assert greek_translator.get(reverse("admin:roles_term_add")).status_code == 403
