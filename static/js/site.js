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
