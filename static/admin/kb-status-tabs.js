// The admin's language tabs: a badge with each text's translation status, and the tab named in
// the address (#tab_id_<field>_<language>, as the translation dashboard links) or clicked in the
// status table opened.
// modeltranslation builds the tabs in jQuery's ready handlers, which may run after "load".
(() => {
  const decorate = (attempt = 0) => {
    if (!document.querySelector(".ui-tabs-nav")) {
      if (attempt < 40) setTimeout(() => decorate(attempt + 1), 50);
      return;
    }
    for (const badge of document.querySelectorAll(".kb-status a[data-state]")) {
      const href = `#tab_id_${badge.dataset.field}_${badge.dataset.language}`;
      const tab = document.querySelector(`.ui-tabs-nav a[href="${href}"]`);
      badge.addEventListener("click", (event) => {
        if (!tab) return;
        event.preventDefault();
        tab.click();
        tab.scrollIntoView({block: "center"});
      });
      if (tab && !tab.querySelector(".kb-badge")) {
        const mark = document.createElement("span");
        mark.className = `kb-badge kb-badge--${badge.dataset.state}`;
        mark.textContent = badge.textContent;
        tab.append(" ", mark);
      }
    }
    // The checks' findings under a text: their count on its tab.
    for (const notes of document.querySelectorAll(".kb-check-notes[data-label]")) {
      const errors = Number(notes.dataset.errors), warnings = Number(notes.dataset.warnings);
      const panel = notes.closest(".ui-tabs-panel");
      const tab = panel && document.querySelector(`.ui-tabs-nav a[href="#${CSS.escape(panel.id)}"]`);
      if (!tab || !(errors || warnings) || tab.querySelector(".kb-badge--checks")) continue;
      const mark = document.createElement("span");
      mark.className = `kb-badge kb-badge--checks kb-badge--${errors ? "error" : "warning"}`;
      mark.textContent = [errors && `✘ ${errors}`, warnings && `⚠ ${warnings}`].filter(Boolean).join(" ");
      mark.title = notes.dataset.label;
      const hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = ` (${notes.dataset.label})`;
      mark.append(hidden);
      tab.append(" ", mark);
    }
    const hash = window.location.hash;
    const wanted = hash && document.querySelector(`.ui-tabs-nav a[href="${CSS.escape(hash).replace(/^\\#/, "#")}"]`);
    if (wanted) {
      wanted.click();
      wanted.scrollIntoView({block: "center"});
    }
  };
  window.addEventListener("load", () => decorate());
})();
