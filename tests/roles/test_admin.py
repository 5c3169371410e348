import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from roles.editorial.admin import MissingInLanguageFilter
from roles.editorial.checks.dismissals import dismiss
from roles.models import CheckDismissal, Duty, Role, RoleVersion, SeedRecord
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

# The project's own admin pages (django-axes' read-only lists of login attempts are axes' own).
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label != "axes"),
    key=lambda model: model._meta.model_name,
)


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_the_admin_index_renders(editor_client):
    response = editor_client.get(reverse("admin:index"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_every_list_renders_with_its_filters_and_search(editor_client, seeded, model, languages):
    url = admin_url(model, "changelist")
    assert editor_client.get(url).status_code == 200
    assert editor_client.get(url, {"q": "kunde"}).status_code == 200
    if MissingInLanguageFilter not in admin.site._registry[model].list_filter:
        return
    for code in languages:
        # The admin answers a filter it does not know with a redirect: require the page.
        assert editor_client.get(url, {"missing_in": code}).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_every_change_and_add_page_renders(editor_client, seeded, model):
    if model is Group:
        Group.objects.create(name="translators")
    if model is CheckDismissal:
        role = Role.objects.get(key="agent")
        dismiss(obj=role, field="summary", language="el", check_id="length-ratio", reason="Fine.")
    obj = model.objects.first()
    assert editor_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert editor_client.get(admin_url(model, "history", obj.pk)).status_code == 200
    # Seed records are the loader's, published versions are made by publishing, and warnings
    # are dismissed under their text: read only.
    expected = 403 if model in (SeedRecord, RoleVersion, CheckDismissal) else 200
    assert editor_client.get(admin_url(model, "add")).status_code == expected


def test_the_role_list_shows_completeness_per_language(editor_client, seeded):
    Role.objects.filter(key="agent").update(summary_da="")

    response = editor_client.get(admin_url(Role, "changelist"))

    content = response.content.decode()
    assert content.count("kb-badge--missing") == 1
    assert "1 text missing" in content or "1 tekst mangler" in content


def test_the_missing_in_filter_lists_what_lacks_a_translation(editor_client, seeded):
    Duty.objects.filter(role__key="manager", order=1).update(text_el=None)

    response = editor_client.get(admin_url(Duty, "changelist"), {"missing_in": "el"})

    assert [duty.role.key for duty in response.context["cl"].result_list] == ["manager"]


def test_a_greek_title_saved_in_admin_shows_on_the_role_page(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    url = admin_url(Role, "change", agent.pk)
    data = form_data(editor_client.get(url).content.decode(), "role_form")
    data["title_el"] = ["Εκπρόσωπος τηλεφωνικού κέντρου"]

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    page = editor_client.get("/el/roles/agent/")
    assert "<h1>Εκπρόσωπος τηλεφωνικού κέντρου</h1>" in page.content.decode()


def test_the_role_key_cannot_be_changed_in_admin(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    url = admin_url(Role, "change", agent.pk)
    data = form_data(editor_client.get(url).content.decode(), "role_form")
    data["key"] = ["manager"]

    response = editor_client.post(url, data)

    assert response.status_code == 302  # saved, the key ignored
    assert Role.objects.get(pk=agent.pk).key == "agent"


def test_invalid_codes_are_refused_with_a_message(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    url = admin_url(Role, "change", agent.pk)
    data = form_data(editor_client.get(url).content.decode(), "role_form")
    data["isco08"] = ["42x"]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "isco08" in response.context["adminform"].form.errors
    assert Role.objects.get(pk=agent.pk).isco08 == "4222"


def test_the_admin_speaks_greek(editor_client):
    editor_client.cookies["django_language"] = "el"

    response = editor_client.get(reverse("admin:index"))

    assert response.headers["Content-Language"] == "el"
    assert "Βάση γνώσεων εξυπηρέτησης πελατών" in response.content.decode()


@pytest.mark.parametrize(("code", "danish"), [("el", "δανικά"), ("da", "dansk"), ("nb", "dansk")])
def test_the_status_filters_name_the_languages_in_the_admins_language(
    editor_client, seeded, code, danish
):
    editor_client.cookies["django_language"] = code

    response = editor_client.get(admin_url(Role, "changelist"))

    with translation.override(code):
        title = translation.gettext("status in {language}").format(language=danish)
    assert title in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(admin_url(Role, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.headers["Location"]


def role_form(client, key):
    role = Role.objects.get(key=key)
    url = admin_url(Role, "change", role.pk)
    return url, form_data(client.get(url).content.decode(), "role_form")


def duty_rows(data):
    total = int(data["duties-TOTAL_FORMS"][0])
    return [i for i in range(total) if data.get(f"duties-{i}-id", [""])[0]]


def test_two_duties_can_swap_places_in_the_role_inline(editor_client, seeded):
    url, data = role_form(editor_client, "agent")
    first, second = duty_rows(data)[:2]
    data[f"duties-{first}-order"], data[f"duties-{second}-order"] = ["2"], ["1"]

    response = editor_client.post(url, data)

    assert response.status_code == 302
    keys = list(Duty.objects.filter(role__key="agent").values_list("key", flat=True))
    assert keys[:2] == [data[f"duties-{second}-key"][0], data[f"duties-{first}-key"][0]]


def test_two_duties_in_one_place_are_refused_with_a_message(editor_client, seeded):
    url, data = role_form(editor_client, "agent")
    first, second = duty_rows(data)[:2]
    data[f"duties-{second}-order"] = data[f"duties-{first}-order"]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert errors
    assert list(Duty.objects.filter(role__key="agent").values_list("order", flat=True))[:2] == [
        1,
        2,
    ]


def test_new_duties_left_at_the_default_place_go_last(editor_client, seeded):
    url, data = role_form(editor_client, "agent")
    count = int(data["duties-TOTAL_FORMS"][0])
    data["duties-TOTAL_FORMS"] = [str(count + 2)]
    for index, key in ((count, "new-duty"), (count + 1, "newer-duty")):
        data[f"duties-{index}-key"] = [key]
        data[f"duties-{index}-order"] = ["0"]
        data[f"duties-{index}-text_nb"] = ["Ny oppgave."]
        data[f"duties-{index}-origin_nb"] = ["team"]

    response = editor_client.post(url, data)

    assert response.status_code == 302
    keys = list(Duty.objects.filter(role__key="agent").values_list("key", "order"))
    assert keys[-2:] == [("new-duty", count + 1), ("newer-duty", count + 2)]


@pytest.mark.parametrize(("key", "target"), [("agent", "agent"), ("manager", "agent")])
def test_a_role_cannot_lead_back_to_itself(editor_client, seeded, key, target):
    url, data = role_form(editor_client, key)
    data["leads_to"] = [str(Role.objects.get(key=target).pk)]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "leads_to" in response.context["adminform"].form.errors
