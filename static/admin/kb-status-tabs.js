// The admin's language tabs: a badge with each text's translation status, and the tab named in
// the address (#tab_id_<field>_<language>, as the translation dashboard links) opened.
window.addEventListener("load", () => {
  for (const badge of document.querySelectorAll(".kb-status a[data-state]")) {
    const tab = document.querySelector(`.ui-tabs-nav a[href="#tab_id_${badge.dataset.field}_${badge.dataset.language}"]`);
    if (tab && !tab.querySelector(".kb-badge")) {
      const mark = document.createElement("span");
      mark.className = `kb-badge kb-badge--${badge.dataset.state}`;
      mark.textContent = badge.textContent;
      tab.append(" ", mark);
    }
  }
  const wanted = window.location.hash && document.querySelector(`.ui-tabs-nav a[href="${CSS.escape(window.location.hash)}"]`);
  if (wanted) {
    wanted.click();
    wanted.scrollIntoView({block: "center"});
  }
});
