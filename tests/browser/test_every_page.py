"""Every public page in a real browser, on a small phone, a phone and a desktop (320, 390 and
1280 px), in every language: every page of the sitemap (the pages for employers included), search,
compare, and each role's card for a job posting with its preview page. On each, the page does not
scroll sideways, axe finds no WCAG 2.1 AA violation, the browser logs no error, and the lists the
site sorts by title are in the alphabetical order of the page's language, as the browser's own
Intl.Collator has it (æ, ø, å after z in Bokmål and Danish; Greek accents aside).

(That the card fits its frame at every width from 280 to 480 px is test_embed_card's.)"""

import json
import re

import pytest
from django.conf import settings

from roles.models import Role
from roles.sharing import embeds
from tests.browser.test_identity import AXE, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [code for code, _name in settings.LANGUAGES]
WIDTHS = [320, 390, 1280]

# The lists sorted by title, by the pages that show them: (name, the lists, their items, and what
# the list is first ordered by, if anything). Lists of roles are ordered by step on the career
# ladder first, and the compare table's rows by how many of the roles share them: only the items
# of one step, or shared as widely, are in alphabetical order. (A role page keeps its lists in the
# order its editors gave them: none here.)
HOME = [
    ("qualities", "#qualities ul.tags", ":scope > li > a", None),
    ("workplaces", "#workplaces ul.tags", ":scope > li > a", None),
    ("the ladder", "ol.ladder, ol.ladder-below", ":scope > li > .ladder-role h3 a", "level"),
]
DETAIL = [
    ("roles", "#roles dl, #roles ul", ":scope > dt > a, :scope > li > a", "level"),
    ("sources", "#sources ul", ":scope > li > a", None),
]
SORTED_LISTS = [
    (r"^/\w+/$", HOME),
    (r"^/\w+/scenarios/$", [("scenarios", "ul.cards", ":scope > li > h2 > a", None)]),
    (r"^/\w+/about/$", [("the sources", "#sources ul", ":scope > li", None)]),
    (r"^/\w+/(qualities|scenarios|workplaces)/[^/]+/$", DETAIL),
    (r"^/\w+/compare/", [("compared", "tbody.compare-matrix", ":scope > tr > th > a", "shared")]),
]

# Each list's items out of order: items of a group (the whole list, or one step or share) whose
# titles the page language's collator puts the other way round; and the longest list of each name
# (a list the page no longer shows, or shows under other names, is not taken for one in order).
# An item's title is its first text: its link's, or on the about page, a source's title.
OUT_OF_ORDER = """([specs, levels]) => {
  const collator = new Intl.Collator(document.documentElement.lang, {sensitivity: "base"});
  const group = (item, by) => {
    if (by === "level") return levels[item.getAttribute("href").match(/\\/roles\\/([^/]+)\\//)[1]];
    if (by === "shared") {
      const marks = item.closest("tr").querySelectorAll(".compare-mark [aria-hidden]");
      return [...marks].filter((mark) => mark.textContent === "✓").length;
    }
    return 0;
  };
  const found = [];
  const longest = {};
  for (const [name, lists, items, by] of specs) {
    for (const list of document.querySelectorAll(lists)) {
      const shown = [...list.querySelectorAll(items)];
      longest[name] = Math.max(longest[name] || 0, shown.length);
      const groups = new Map();
      for (const item of shown) {
        const key = group(item, by);
        groups.set(key, [...(groups.get(key) || []), item.firstChild.textContent.trim()]);
      }
      for (const titles of groups.values()) {
        for (let i = 1; i < titles.length; i++) {
          if (collator.compare(titles[i - 1], titles[i]) > 0) {
            found.push(`${name}: "${titles[i - 1]}" before "${titles[i]}" (${titles.join(" | ")})`);
          }
        }
      }
    }
  }
  return {found, longest};
}"""


def paths(client, language: str) -> list[str]:
    """Every page of the sitemap in `language`, search, compare, each role's card and its
    preview page, and each role's list of published versions and its first version's page (not
    in the sitemap: a version's page points to the role's as canonical)."""
    sitemap = client.get("/sitemap.xml").content.decode()
    found = [
        re.sub(r"^https?://[^/]+", "", url)
        for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)
        if re.match(rf"^https?://[^/]+/{language}/", url)
    ]
    assert f"/{language}/roles/agent/for-employers/" in found
    roles = [role.key for role in Role.objects.published()]
    return [
        *sorted(set(found)),
        f"/{language}/search/?q=kunde",
        f"/{language}/compare/?roles=associate&roles=agent&roles=manager",
        *(embeds.embed_path(key, language) for key in roles),
        *(embeds.preview_path(key, language) for key in roles),
        *(f"/{language}/roles/{key}/v/" for key in roles),
        *(f"/{language}/roles/{key}/v/1/" for key in roles),
    ]


def sorted_lists(path: str) -> list[tuple]:
    return [spec for pattern, specs in SORTED_LISTS if re.match(pattern, path) for spec in specs]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_is_in_order_passes_axe_and_logs_no_error(
    page, seeded, client, language, width
):
    page.set_viewport_size({"width": width, "height": 800})
    console = []

    def on_console(message):
        if message.type == "error":
            console.append(f"{page.url}: {message.text} ({message.location['url']})")

    page.on("console", on_console)
    # axe as the site serves it (test_identity's axe_violations), also to the card's frame.
    page.route("**/__axe__.js", lambda route: route.fulfill(path=str(AXE)))
    levels = {role.key: role.level for role in Role.objects.all()}
    found = {"wider than the screen": [], "out of order": [], "axe": []}
    longest = dict.fromkeys((name for _p, specs in SORTED_LISTS for name, *_ in specs), 0)

    for path in paths(client, language):
        page.goto(path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            found["wider than the screen"].append(f"{path}: {scroll_width} px")
        if lists := sorted_lists(path):
            seen = page.evaluate(OUT_OF_ORDER, [lists, levels])
            found["out of order"] += [f"{path}: {problem}" for problem in seen["found"]]
            for name, length in seen["longest"].items():
                longest[name] = max(longest[name], length)
        for frame in page.main_frame.child_frames:  # the card in its preview: axe checks it too
            # The frame loads lazily: in view, and once its card has loaded.
            frame.frame_element().scroll_into_view_if_needed()
            frame.wait_for_url("**/embed/roles/**")
            frame.wait_for_load_state()
            frame.add_script_tag(url="/__axe__.js")
        found["axe"] += [{"page": path, **violation} for violation in axe_violations(page)]

    found["sorted lists not found"] = [name for name, length in longest.items() if length < 2]
    found["errors"] = page.errors
    found["console errors"] = console
    problems = {check: seen for check, seen in found.items() if seen}
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)
