// The "copy link" control: without JavaScript the link stays visible in its field to copy by hand.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const field = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        status.textContent = button.dataset.done;
      } catch {
        field.select();
        status.textContent = button.dataset.failed;
      }
    });
  }
});

// A role page's list of sections marks the one being read (the rail keeps the list in view on a
// wide screen). Without JavaScript the list still links to every section.
document.addEventListener("DOMContentLoaded", () => {
  const links = new Map();
  for (const link of document.querySelectorAll(".toc a[href^='#']")) {
    const section = document.getElementById(link.hash.slice(1));
    if (section) links.set(section, link);
  }
  if (!links.size || !("IntersectionObserver" in window)) return;
  const visible = new Set();
  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) visible.add(entry.target);
      else visible.delete(entry.target);
    }
    const first = [...links.keys()].find((section) => visible.has(section));
    for (const [section, link] of links) {
      if (section === first) link.setAttribute("aria-current", "location");
      else link.removeAttribute("aria-current");
    }
  }, { rootMargin: "0px 0px -60% 0px" });
  for (const section of links.keys()) observer.observe(section);
});

// What a closed <details> holds is printed too: opened for the print, closed again after it.
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details:not([open])")) {
    details.open = true;
    details.dataset.openedForPrint = "";
  }
});
window.addEventListener("afterprint", () => {
  for (const details of document.querySelectorAll("details[data-opened-for-print]")) {
    details.open = false;
    delete details.dataset.openedForPrint;
  }
});
