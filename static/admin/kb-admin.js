// The editors' admin, on every page:
// - one switch per form chooses the language of its texts: every language tab on the page (texts,
//   origins, each inline row, rows added later) follows it, and a tab clicked anywhere moves the
//   switch and all the other tabs with it. The choice is remembered for the session (per user),
//   and the language chosen in the header's admin-language menu becomes the texts' language too.
//   Before any choice, a form opens on the server's default (a translator's own language);
//   a tab named in the address (#tab_id_<field>_<language>) or a field with an error wins.
// - a duty added with "Add another" gets the next order number, and a key made from its text until
//   the key is typed in.
// - the navigation sidebar starts closed;
// - labels the admin's own widgets lack (tabular inline cells, date and time boxes, tooltips);
// - a form with unsaved typing asks before the page is left (a link, the header's language menu).
"use strict";
{
  const STORE = "kb.textLanguage";

  const remember = (user, code) => {
    try {
      sessionStorage.setItem(`${STORE}.${user}`, code);
    } catch (error) {
      // Storage refused (private mode, quota): the choice lasts for this page.
    }
  };

  const remembered = (user) => {
    try {
      return sessionStorage.getItem(`${STORE}.${user}`);
    } catch (error) {
      return null;
    }
  };

  // The navigation sidebar starts closed, so that lists and forms get the width of a laptop's
  // screen; its button opens it, and Django remembers that (this runs before nav_sidebar.js).
  try {
    if (localStorage.getItem("django.admin.navSidebarIsOpen") === null) {
      localStorage.setItem("django.admin.navSidebarIsOpen", "false");
    }
  } catch (error) {
    // No storage: Django's default (open).
  }

  // jQuery UI marks each <li> as the tab and keeps a focusable link inside it (nested interactive
  // elements); the link is made the tab instead, as the ARIA tabs pattern has it.
  const tabsAria = (nav) => {
    for (const item of nav.querySelectorAll(":scope > li")) {
      const link = item.querySelector("a");
      if (!link) continue;
      const selected = item.classList.contains("ui-tabs-active");
      link.setAttribute("role", "tab");
      link.setAttribute("aria-selected", String(selected));
      link.setAttribute("aria-controls", link.getAttribute("href").slice(1));
      link.tabIndex = selected ? 0 : -1;
      item.setAttribute("role", "presentation");
      for (const name of ["tabindex", "aria-controls", "aria-labelledby", "aria-selected", "aria-expanded"]) {
        item.removeAttribute(name);
      }
    }
  };

  const textLanguage = (switcher) => {
    const $ = window.django.jQuery;
    // jQuery UI finds a tab's panel by the <li>'s aria-controls, which tabsAria moved to the link.
    if ($.ui && $.ui.tabs && !$.ui.tabs.prototype.kbPanelFromLink) {
      $.ui.tabs.prototype.kbPanelFromLink = true;
      $.ui.tabs.prototype._getPanelForTab = function (tab) {
        const id = $(tab).attr("aria-controls") || $(tab).children("a").attr("aria-controls");
        return this.element.find(this._sanitizeSelector(`#${id}`));
      };
    }
    const user = switcher.dataset.user;
    const inputs = [...switcher.querySelectorAll("input[type=radio]")];
    const codes = inputs.map((input) => input.value);
    const languageOf = (link) => {
      const href = (link && link.getAttribute("href")) || "";
      return codes.find((code) => href.startsWith("#tab_id_") && href.endsWith(`_${code}`));
    };
    let current = null;
    let applying = false;

    const apply = (code, store) => {
      current = code;
      applying = true;
      try {
        for (const nav of document.querySelectorAll(".ui-tabs-nav")) {
          const links = [...nav.querySelectorAll(":scope > li > a")];
          const index = links.findIndex((link) => languageOf(link) === code);
          const tabs = $(nav).closest(".ui-tabs");
          if (index >= 0 && tabs.tabs("option", "active") !== index) {
            tabs.tabs("option", "active", index);
          }
        }
      } finally {
        applying = false;
      }
      // jQuery UI marks the <li> after its "activate" event: tidy up once it is done.
      const tidy = () => document.querySelectorAll(".ui-tabs-nav").forEach(tabsAria);
      tidy();
      setTimeout(tidy, 0);
      for (const input of inputs) input.checked = input.value === code;
      // modeltranslation's own switch (hidden) opens the rows it adds in its language.
      const own = document.getElementById("modeltranslation-main-switch");
      const option = own && [...own.options].find((o) => o.text === code.replace("_", "-"));
      if (option) own.value = option.value;
      if (store) remember(user, code);
    };

    $(document).on("tabsactivate", (event, ui) => {
      if (applying) return;
      const link = ui.newTab.find("a")[0];
      const code = languageOf(link);
      const nav = ui.newTab.closest(".ui-tabs-nav")[0];
      const focused = nav && nav.contains(document.activeElement);
      if (code) apply(code, true);
      if (focused) setTimeout(() => link.focus(), 0);
    });
    switcher.addEventListener("change", (event) => apply(event.target.value, true));
    // Rows added with "Add another" get their tabs when the link's own handlers have run.
    document.addEventListener("click", (event) => {
      if (event.target.closest(".add-row a")) setTimeout(() => current && apply(current, false), 0);
    });

    const hash = codes.find((code) => window.location.hash.startsWith("#tab_id_") && window.location.hash.endsWith(`_${code}`));
    const error = languageOf(document.querySelector(".ui-tab-has-errors a"));
    const stored = remembered(user);
    apply(hash || error || (codes.includes(stored) ? stored : switcher.dataset.default), false);
  };

  // A new duty: the next place, and a key from its text in the default language until one is typed.
  const NEW_ROWS = {duties: {from: "text"}};

  const keyFrom = (text) => {
    const slug = window.URLify ? window.URLify(text, 200, false) : text.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    let key = "";
    for (const word of slug.split("-").filter(Boolean)) {
      if (key && key.length + word.length + 1 > 40) break;
      key = key ? `${key}-${word}` : word;
    }
    return key.slice(0, 80);
  };

  document.addEventListener("formset:added", (event) => {
    const prefix = event.detail && event.detail.formsetName;
    const rule = NEW_ROWS[prefix];
    const row = event.target;
    if (!rule || !(row instanceof Element)) return;
    const order = row.querySelector(`input[name^="${prefix}-"][name$="-order"]`);
    if (order) {
      const others = [...document.querySelectorAll(`input[name^="${prefix}-"][name$="-order"]`)]
        .filter((input) => input !== order && !input.name.includes("__prefix__"))
        .map((input) => Number.parseInt(input.value, 10) || 0);
      order.value = String(Math.max(0, ...others) + 1);
    }
    const key = row.querySelector(`input[name^="${prefix}-"][name$="-key"]`);
    const switcher = document.querySelector(".kb-text-language");
    const source = switcher && switcher.querySelector("input[type=radio]").value;
    const text = source && row.querySelector(`[name$="-${rule.from}_${source}"]`);
    if (!key || !text) return;
    let typed = false;
    key.addEventListener("input", () => {
      typed = key.value !== "";
    });
    text.addEventListener("input", () => {
      if (!typed) key.value = keyFrom(text.value);
    });
  });

  // Labels for the controls Django's admin leaves without one.
  const label = (control, name) => {
    if (!name || control.labels?.length || control.getAttribute("aria-label")) return;
    control.setAttribute("aria-label", name.trim().replace(/\s+/g, " "));
  };

  const labelControls = (root) => {
    for (const icon of root.querySelectorAll(".help-tooltip[aria-label]:not([role])")) {
      icon.setAttribute("role", "img");
    }
    for (const cell of root.querySelectorAll(".tabular td")) {
      const table = cell.closest("table");
      const column = [...cell.classList].find((name) => name.startsWith("field-"));
      const heading = column
        ? table.querySelector(`thead th.column-${CSS.escape(column.slice(6))}`)
        : cell.classList.contains("delete") && table.querySelector("thead th:last-child");
      if (!heading) continue;
      for (const control of cell.querySelectorAll("input:not([type=hidden]), select, textarea")) {
        label(control, heading.textContent);
      }
    }
    for (const box of root.querySelectorAll("p.datetime input")) {
      const field = box.closest(".form-row, .fieldBox");
      const name = field && field.querySelector("label");
      const part = box.previousSibling && box.previousSibling.textContent.trim().replace(/:$/, "");
      if (name) label(box, `${name.textContent.trim().replace(/:$/, "")}: ${part}`);
    }
  };

  // The browser asks "Leave the page?" in its own words and language: no edit is lost unasked.
  const guardUnsavedTyping = () => {
    const form = document.querySelector("#content-main form[id$='_form']");
    if (!form) return;
    // A form sent back with errors holds what was typed, not saved yet.
    let typed = Boolean(form.querySelector(".errornote, .errorlist"));
    const note = (event) => {
      // Choosing the texts' language changes nothing that is saved.
      if (!event.target.closest(".kb-text-language")) typed = true;
    };
    form.addEventListener("input", note);
    form.addEventListener("change", note);
    form.addEventListener("submit", () => {
      typed = false;
    });
    window.addEventListener("beforeunload", (event) => {
      if (typed) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  };

  const start = () => {
    guardUnsavedTyping();
    const header = document.querySelector("form.kb-languages[data-user]");
    if (header) {
      header.addEventListener("submit", () => {
        remember(header.dataset.user, header.querySelector("select").value);
      });
    }
    labelControls(document);
    const switcher = document.querySelector(".kb-text-language");
    if (switcher && window.django && window.django.jQuery) {
      // After modeltranslation's ready handler, which builds the tabs.
      window.django.jQuery(() => textLanguage(switcher));
    }
  };
  document.addEventListener("formset:added", (event) => {
    if (event.target instanceof Element) labelControls(event.target);
  });
  // The selector widgets (SelectFilter2.js) are built on "load".
  window.addEventListener("load", () => setTimeout(() => labelControls(document), 0));
  // Loaded in the page's head (before nav_sidebar.js): the rest waits for the page.
  document.addEventListener("DOMContentLoaded", start);
}
