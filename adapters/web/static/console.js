// activity-sync console: small progressive enhancements; every page works without them.
"use strict";

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// Failures: choosing an error code filters at once.
function autosubmit() {
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
}

// Sync health: refresh the live figures every 15 seconds from /api/health.
function liveHealth() {
  if (document.body.dataset.page !== "health") return;
  const refresh = async () => {
    if (document.hidden) return;
    try {
      const response = await fetch("/api/health", {
        headers: { Accept: "application/json", "X-CSRF-Token": csrfToken() },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const health = await response.json();
      document.querySelectorAll("[data-field]").forEach((element) => {
        const value = element.dataset.field.split(".").reduce((at, key) => (at == null ? at : at[key]), health);
        if (value !== undefined && value !== null) element.textContent = String(value);
      });
    } catch (error) {
      // The server may be restarting; the next round tries again.
    }
  };
  setInterval(refresh, 15000);
}

document.addEventListener("DOMContentLoaded", () => {
  autosubmit();
  liveHealth();
});
