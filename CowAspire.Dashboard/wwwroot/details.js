// The selected resource's details (endpoints, environment masked until asked, health, references, waits) and the
// graph of resources, kept current by the resource events dashboard.js dispatches.
(() => {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const svg = "http://www.w3.org/2000/svg";
  const mask = "••••••••";
  let selected = null;
  let revealed = false;
  const instances = new Map();
  let edges = null;
  let loading = null;

  const item = (text, title) => {
    const li = document.createElement("li");
    li.textContent = text;
    if (title) li.title = title;
    return li;
  };
  const listOr = (element, items) => element.replaceChildren(...(items.length ? items : [item("none")]));

  async function showDetails() {
    if (!selected) return;
    const response = await fetch(`/api/resources/${encodeURIComponent(selected)}/details`);
    if (!response.ok) return;
    const details = await response.json();
    $("details-panel").hidden = false;
    $("details-name").textContent = details.summary.name;
    listOr($("details-endpoints"), details.summary.endpoints.map((e) => item(`${e.name}: ${e.url}`, `this replica: ${e.replicaUrl}`)));
    listOr($("details-health"), details.healthReports.map((h) => item(`${h.name}: ${h.status}`, h.description ?? "")));
    listOr($("details-references"), details.references.map((r) => item(r)));
    listOr($("details-waits"), details.waitsFor.map((r) => item(r)));
    $("details-environment").tBodies[0].replaceChildren(...details.environment.map((variable) => {
      const row = document.createElement("tr");
      const name = document.createElement("td");
      name.textContent = variable.name;
      const value = document.createElement("td");
      // Connection strings and keys are among these: nothing is shown until asked.
      value.textContent = revealed ? variable.value ?? "" : mask;
      value.className = revealed ? "" : "masked";
      row.append(name, value);
      return row;
    }));
  }

  $("details-reveal").addEventListener("click", () => {
    revealed = !revealed;
    $("details-reveal").textContent = revealed ? "Hide values" : "Show values";
    $("details-reveal").setAttribute("aria-pressed", String(revealed));
    showDetails();
  });

  // The graph: one node per resource (replicas together), in columns by how deep its dependencies go.
  async function loadEdges() {
    const resources = await (await fetch("/api/resources")).json();
    const firsts = [...new Map(resources.map((r) => [r.resource, r.name])).entries()];
    const details = await Promise.all(firsts.map(([, name]) => fetch(`/api/resources/${encodeURIComponent(name)}/details`).then((r) => r.json())));
    edges = details.flatMap((d) => [
      ...d.references.map((to) => ({ from: d.summary.resource, to, type: "Reference" })),
      ...d.waitsFor.filter((to) => !d.references.includes(to)).map((to) => ({ from: d.summary.resource, to, type: "WaitFor" })),
    ]);
    drawGraph();
  }

  function drawGraph() {
    if (!edges) return;
    const names = [...new Set([...instances.values()].map((i) => i.resource))];
    const depth = new Map();
    const depthOf = (name, seen = new Set()) => {
      if (depth.has(name)) return depth.get(name);
      if (seen.has(name)) return 0;
      seen.add(name);
      const d = Math.max(-1, ...edges.filter((e) => e.from === name).map((e) => depthOf(e.to, seen))) + 1;
      depth.set(name, d);
      return d;
    };
    names.forEach((name) => depthOf(name));
    const columns = Map.groupBy(names.sort(), (name) => depth.get(name));
    const graph = $("graph");
    const width = graph.clientWidth || 800;
    const columnCount = Math.max(...columns.keys()) + 1;
    const position = new Map();
    for (const [column, members] of columns) {
      members.forEach((name, row) => position.set(name, {
        x: (width / columnCount) * (column + 0.5),
        y: 35 + (115 / (members.length + 1)) * (row + 1),
      }));
    }
    const nodes = [];
    const lines = edges.filter((e) => position.has(e.from) && position.has(e.to)).map((edge) => {
      const from = position.get(edge.from);
      const to = position.get(edge.to);
      const path = document.createElementNS(svg, "path");
      path.setAttribute("class", `edge ${edge.type}`);
      // An edge that skips a column arcs over the node between.
      const skips = Math.abs(from.x - to.x) > (width / columnCount) * 1.5;
      path.setAttribute("d", skips
        ? `M ${from.x} ${from.y - 20} C ${from.x} ${from.y - 65}, ${to.x} ${to.y - 65}, ${to.x} ${to.y - 22}`
        : `M ${from.x - 60} ${from.y} C ${(from.x + to.x) / 2} ${from.y}, ${(from.x + to.x) / 2} ${to.y}, ${to.x + 60} ${to.y}`);
      path.setAttribute("marker-end", "url(#arrow)");
      const title = document.createElementNS(svg, "title");
      title.textContent = `${edge.from} ${edge.type === "WaitFor" ? "waits for" : "references"} ${edge.to}`;
      path.append(title);
      return path;
    });
    for (const name of names) {
      const { x, y } = position.get(name);
      const replicas = [...instances.values()].filter((i) => i.resource === name);
      const running = replicas.filter((i) => i.state === "Running").length;
      const group = document.createElementNS(svg, "g");
      group.setAttribute("class", `node ${running === replicas.length ? "Running" : replicas.find((i) => i.state !== "Running").state}`);
      group.dataset.resource = name;
      const rect = document.createElementNS(svg, "rect");
      Object.entries({ x: x - 60, y: y - 20, width: 120, height: 40 }).forEach(([k, v]) => rect.setAttribute(k, v));
      const label = document.createElementNS(svg, "text");
      Object.entries({ x, y: y - 2 }).forEach(([k, v]) => label.setAttribute(k, v));
      label.textContent = name;
      const sub = document.createElementNS(svg, "text");
      Object.entries({ x, y: y + 13, class: "sub" }).forEach(([k, v]) => sub.setAttribute(k, v));
      sub.textContent = replicas.length > 1 ? `${running}/${replicas.length} running` : replicas[0].state;
      group.append(rect, label, sub);
      nodes.push(group);
    }
    const defs = document.createElementNS(svg, "defs");
    defs.innerHTML = '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#656d76"/></marker>';
    graph.replaceChildren(defs, ...lines, ...nodes);
  }

  document.addEventListener("resource-selected", (event) => {
    selected = event.detail;
    showDetails();
  });
  document.addEventListener("resource-changed", (event) => {
    const previous = instances.get(event.detail.name)?.state;
    instances.set(event.detail.name, { resource: event.detail.resource, state: event.detail.state });
    if (previous !== event.detail.state) {
      loading ??= loadEdges().catch(() => { loading = null; });
      drawGraph();
    }
    if (event.detail.name === selected) showDetails();
  });
})();
