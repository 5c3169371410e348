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

// A role page's list of sections marks the one being read: the one last chosen in the list (or
// in the address) while it is in view, else the last to start above a line a third of the way down
// the window (at the end of the page, the last one in view). The rail keeps the list in view on a
// wide screen. Without JavaScript the list still links to every section.
document.addEventListener("DOMContentLoaded", () => {
  const links = new Map();
  for (const link of document.querySelectorAll(".toc a[href^='#']")) {
    const section = document.getElementById(link.hash.slice(1));
    if (section) links.set(section, link);
  }
  if (!links.size) return;
  const sections = [...links.keys()];
  let scheduled = false;
  let chosen = null;
  const inView = (section) => {
    const top = section.getBoundingClientRect().top;
    return top >= -1 && top < innerHeight;
  };
  const mark = () => {
    scheduled = false;
    let current = null;
    if (chosen && inView(chosen)) {
      current = chosen;
    } else {
      chosen = null;
      const atEnd = innerHeight + scrollY >= document.documentElement.scrollHeight - 2;
      const line = atEnd ? innerHeight : innerHeight / 3;
      for (const section of sections) {
        if (section.getBoundingClientRect().top <= line) current = section;
      }
    }
    for (const [section, link] of links) {
      if (section === current) link.setAttribute("aria-current", "location");
      else link.removeAttribute("aria-current");
    }
  };
  addEventListener("scroll", () => {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(mark);
    }
  }, { passive: true });
  const choose = () => {
    chosen = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!links.has(chosen)) chosen = null;
    mark();
  };
  addEventListener("hashchange", choose);
  requestAnimationFrame(choose);  // after the first layout, not forcing one
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

// A "Print" button (the training pack's): without JavaScript the page says how to print instead.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => print());
  }
});
