// Small behaviours htmx does not have. No inline handlers: the page runs under a strict CSP.
(() => {
  "use strict";

  const liveLimit = 30;
  let lastLiveId = null;

  // htmx's SSE extension makes a fresh EventSource when one fails for good, and a fresh EventSource forgets
  // its Last-Event-ID. Carry it in the query so the live feed still resumes without a gap.
  htmx.createEventSource = (url) => {
    if (url === "/events" && lastLiveId !== null) {
      url = `/events?lastEventId=${encodeURIComponent(lastLiveId)}`;
    }
    return new EventSource(url);
  };

  document.addEventListener("htmx:sseMessage", (event) => {
    const target = event.target;
    if (target.id === "live") {
      lastLiveId = event.detail.lastEventId || lastLiveId;
      while (target.children.length > liveLimit) {
        target.lastElementChild.remove();
      }
    }
  });

  document.addEventListener("htmx:sseClose", (event) => {
    const show = event.target.closest(".show");
    if (show) {
      show.dataset.state = "closed";
      show.querySelector(".show-state").textContent = "finished";
    }
  });

  // One Idempotency-Key per submission: if the answer is lost and the form is sent again, the Api returns the
  // first quote instead of publishing it twice. A new submission (after an answer) gets a new key.
  let submissionKey = null;
  let submissionText = null;
  document.addEventListener("htmx:configRequest", (event) => {
    if (event.target.id === "quote-form") {
      const text = document.getElementById("quote-text").value;
      if (submissionKey === null || text !== submissionText) {
        submissionKey = crypto.randomUUID();
        submissionText = text;
      }
      event.detail.headers["Idempotency-Key"] = submissionKey;
    }
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.target;
    if (form.id !== "quote-form") {
      return;
    }
    const status = document.getElementById("submit-status");
    const xhr = event.detail.xhr;
    // An answer from the Api settles the submission; no answer (status 0) or a 5xx leaves the key for the retry.
    if (xhr.status !== 0 && xhr.status < 500) {
      submissionKey = null;
    }
    let body = {};
    try {
      body = JSON.parse(xhr.responseText || "{}");
    } catch {
      body = {};
    }
    if (xhr.status === 201) {
      status.textContent = `Published as #${body.id}.`;
      status.className = "ok";
      form.reset();
    } else {
      status.textContent = body.detail || body.title || `The gateway answered ${xhr.status}.`;
      status.className = "error";
    }
  });
})();
