// The dashboard page: resource table and console logs, both live over SSE from /api.
(() => {
  "use strict";

  const rows = new Map();
  const body = document.querySelector("#resources tbody");
  const connection = document.getElementById("connection");
  const logs = document.getElementById("logs");
  const logsName = document.getElementById("logs-name");
  const download = document.getElementById("logs-download");
  const maxLogLines = 2000;
  let selected = null;
  let logSource = null;

  const cell = (text, className) => {
    const td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  };

  function render(snapshot) {
    let row = rows.get(snapshot.name);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.name = snapshot.name;
      rows.set(snapshot.name, row);
      body.append(...[...rows.values()].sort((a, b) => a.dataset.name.localeCompare(b.dataset.name)));
    }
    row.dataset.state = snapshot.state;
    row.dataset.health = snapshot.health;
    const name = cell(snapshot.name, "name");
    name.title = snapshot.message || "";
    name.addEventListener("click", () => showLogs(snapshot.name));
    const state = document.createElement("td");
    const badge = document.createElement("span");
    badge.className = `state ${snapshot.state}`;
    badge.textContent = snapshot.state;
    if (snapshot.message) badge.title = snapshot.message;
    state.append(badge);
    const endpoints = document.createElement("td");
    for (const endpoint of snapshot.endpoints) {
      const link = document.createElement("a");
      link.href = endpoint.url;
      link.textContent = `${endpoint.name} :${new URL(endpoint.url.replace(/^tcp:/, "http:")).port}`;
      link.title = `${endpoint.url} (this replica: ${endpoint.replicaUrl})`;
      link.target = "_blank";
      link.rel = "noopener";
      endpoints.append(link);
    }
    const actions = document.createElement("td");
    for (const action of ["start", "stop", "restart"]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = action;
      button.dataset.action = action;
      button.addEventListener("click", () => act(snapshot.name, action));
      actions.append(button);
    }
    row.replaceChildren(
      name,
      cell(snapshot.replica > 0 || snapshot.name !== snapshot.resource ? `${snapshot.type} (replica ${snapshot.replica})` : snapshot.type),
      state,
      cell(snapshot.health, `health ${snapshot.health}`),
      cell(snapshot.pid ?? "—"),
      cell(snapshot.startedAt ? new Date(snapshot.startedAt).toLocaleTimeString() : "—"),
      cell(String(snapshot.restarts)),
      endpoints,
      actions);
    row.classList.toggle("selected", snapshot.name === selected);
    document.dispatchEvent(new CustomEvent("resource-changed", { detail: snapshot }));
  }

  async function act(name, action) {
    const response = await fetch(`/api/resources/${encodeURIComponent(name)}/${action}`, { method: "POST" });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      alert(problem.detail || `${action} failed: ${response.status}`);
    }
  }

  function showLogs(name) {
    selected = name;
    rows.forEach((row, key) => row.classList.toggle("selected", key === name));
    logsName.textContent = name;
    document.dispatchEvent(new CustomEvent("resource-selected", { detail: name }));
    download.hidden = false;
    download.href = `/api/resources/${encodeURIComponent(name)}/logs/download`;
    logs.replaceChildren();
    logSource?.close();
    logSource = new EventSource(`/api/resources/${encodeURIComponent(name)}/logs/stream`);
    logSource.addEventListener("log", (event) => {
      const line = JSON.parse(event.data);
      const span = document.createElement("span");
      if (line.isError) span.className = "err";
      span.textContent = line.text + "\n";
      const atBottom = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
      logs.append(span);
      while (logs.childNodes.length > maxLogLines) logs.firstChild.remove();
      if (atBottom) logs.scrollTop = logs.scrollHeight;
    });
  }

  const resources = new EventSource("/api/resources/stream");
  resources.addEventListener("open", () => { connection.textContent = "live"; });
  resources.addEventListener("error", () => { connection.textContent = "reconnecting…"; });
  resources.addEventListener("resource", (event) => render(JSON.parse(event.data)));
})();
