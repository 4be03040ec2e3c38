// The dashboard's telemetry pages, all from /api/telemetry: structured logs live over its NDJSON follow, traces with
// a waterfall of one, and metrics charted with uPlot (from npm, embedded). Live without reloading: logs as they
// arrive, traces and metrics asked again every two seconds while their tab is open.
(() => {
  "use strict";

  const refreshMs = 2000;
  const maxLogRows = 500;
  const palette = ["#0969da", "#1a7f37", "#bf3989", "#9a6700", "#8250df", "#cf222e", "#0a7ea4", "#6e7781"];
  const colours = new Map();
  const $ = (id) => document.getElementById(id);

  // One colour per resource (service.name), the same on every page.
  const colourOf = (resource) => {
    if (!colours.has(resource)) colours.set(resource, palette[colours.size % palette.length]);
    return colours.get(resource);
  };
  const attribute = (owner, key) => owner?.attributes?.find((a) => a.key === key)?.value;
  const valueText = (value) => value == null ? "" : String(value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue ?? JSON.stringify(value));
  // OTLP JSON times are nanoseconds as strings, past what a double holds exactly: milliseconds to the microsecond.
  const millis = (nanos) => Number(BigInt(nanos ?? 0) / 1000n) / 1000;
  const cell = (text, className) => {
    const td = document.createElement("td");
    if (className) td.className = className;
    td.textContent = text;
    return td;
  };
  const resourceCell = (service, instance) => {
    const td = document.createElement("td");
    const dot = document.createElement("span");
    dot.className = "resource-dot";
    dot.style.background = colourOf(service);
    td.append(dot, instance);
    return td;
  };
  const formatDuration = (ms) => ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

  // What an OTLP JSON body holds, flattened: each span, log record or metric with the resource that sent it.
  function* items(otlp, resources, scopes, list) {
    for (const resource of otlp?.[resources] ?? []) {
      const service = valueText(attribute(resource.resource, "service.name"));
      const instance = valueText(attribute(resource.resource, "service.instance.id")) || service;
      for (const scope of resource[scopes] ?? []) {
        for (const item of scope[list] ?? []) yield { service, instance, item };
      }
    }
  }

  async function getJson(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  // Resources and replicas of the app model, for the filters.
  async function fillResources(select, withAll) {
    const resources = await getJson("/api/resources");
    const names = [...new Set(resources.flatMap((r) => r.name === r.resource ? [r.resource] : [r.resource, r.name]))]
      .filter((name) => name !== "redis").sort();
    const chosen = select.value;
    select.replaceChildren(...(withAll ? [new Option("All resources", "")] : []), ...names.map((name) => new Option(name, name)));
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }

  // ---- Structured logs -------------------------------------------------------------------------------------------
  const logRows = document.querySelector("#structured-logs tbody");
  let logsAbort = null;

  function matchesText(row) {
    const filter = $("logs-text").value.trim().toLowerCase();
    return !filter || row.dataset.text.includes(filter);
  }

  function addLog({ service, instance, item }) {
    const row = document.createElement("tr");
    const message = valueText(item.body);
    row.dataset.text = `${instance} ${message}`.toLowerCase();
    const level = item.severityText || "Information";
    const trace = document.createElement("td");
    if (item.traceId) {
      const link = document.createElement("a");
      link.href = `#traces/${item.traceId}`;
      link.textContent = item.traceId.slice(0, 8);
      link.className = "trace-link";
      link.dataset.traceId = item.traceId;
      trace.append(link);
    }
    row.append(cell(new Date(millis(item.timeUnixNano || item.observedTimeUnixNano)).toLocaleTimeString()),
      resourceCell(service, instance), cell(level, `level ${level}`), cell(message, "message"), trace);
    row.hidden = !matchesText(row);
    return row;
  }

  async function followLogs() {
    logsAbort?.abort();
    const abort = logsAbort = new AbortController();
    logRows.replaceChildren();
    const query = new URLSearchParams({ follow: "true" });
    if ($("logs-resource").value) query.set("resource", $("logs-resource").value);
    if ($("logs-level").value) query.set("severity", $("logs-level").value);
    try {
      const response = await fetch(`/api/telemetry/logs?${query}`, { signal: abort.signal });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const lines = buffer.split("\n");
        buffer = lines.pop();
        const rows = lines.filter((line) => line).flatMap((line) => [...items(JSON.parse(line), "resourceLogs", "scopeLogs", "logRecords")]).map(addLog);
        // Newest first; only the latest rows stay in the page.
        logRows.prepend(...rows.slice(-maxLogRows).reverse());
        while (logRows.childElementCount > maxLogRows) logRows.lastElementChild.remove();
      }
    } catch (error) {
      if (abort.signal.aborted) return;
    }
    // The stream ended (the dashboard restarted, say): follow again unless the tab was left.
    if (!abort.signal.aborted) setTimeout(() => { if (logsAbort === abort) followLogs(); }, refreshMs);
  }

  $("logs-resource").addEventListener("change", followLogs);
  $("logs-level").addEventListener("change", followLogs);
  $("logs-text").addEventListener("input", () => logRows.querySelectorAll("tr").forEach((row) => { row.hidden = !matchesText(row); }));
  logRows.addEventListener("click", (event) => {
    const link = event.target.closest("a.trace-link");
    if (!link) return;
    event.preventDefault();
    showTab("traces");
    openTrace(link.dataset.traceId);
  });

  // ---- Traces ----------------------------------------------------------------------------------------------------
  const traceRows = document.querySelector("#traces tbody");
  let openTraceId = null;

  function summarise(spans) {
    const ids = new Set(spans.map((s) => s.item.spanId));
    const root = spans.find((s) => !s.item.parentSpanId || !ids.has(s.item.parentSpanId)) ?? spans[0];
    const start = Math.min(...spans.map((s) => millis(s.item.startTimeUnixNano)));
    const end = Math.max(...spans.map((s) => millis(s.item.endTimeUnixNano)));
    return {
      traceId: root.item.traceId, name: `${root.service}: ${root.item.name}`, start, duration: end - start, spans: spans.length,
      services: [...new Set(spans.map((s) => s.service))], error: spans.some((s) => s.item.status?.code === 2),
    };
  }

  async function refreshTraces() {
    const query = new URLSearchParams({ limit: "20" });
    if ($("traces-resource").value) query.set("resource", $("traces-resource").value);
    const answer = await getJson(`/api/telemetry/traces?${query}`);
    const byTrace = Map.groupBy([...items(answer.data, "resourceSpans", "scopeSpans", "spans")], (s) => s.item.traceId);
    const traces = [...byTrace.values()].map(summarise).sort((a, b) => b.start - a.start);
    traceRows.replaceChildren(...traces.map((trace) => {
      const row = document.createElement("tr");
      row.dataset.traceId = trace.traceId;
      row.classList.toggle("error", trace.error);
      row.classList.toggle("selected", trace.traceId === openTraceId);
      const services = document.createElement("td");
      for (const service of trace.services) {
        const dot = document.createElement("span");
        dot.className = "resource-dot";
        dot.style.background = colourOf(service);
        services.append(dot, `${service} `);
      }
      row.append(cell(new Date(trace.start).toLocaleTimeString()), cell(trace.name), services, cell(String(trace.spans)), cell(formatDuration(trace.duration)));
      return row;
    }));
    if (openTraceId) await drawWaterfall(openTraceId);
  }

  traceRows.addEventListener("click", (event) => {
    const row = event.target.closest("tr");
    if (row) openTrace(row.dataset.traceId);
  });

  function openTrace(traceId) {
    openTraceId = traceId;
    traceRows.querySelectorAll("tr").forEach((row) => row.classList.toggle("selected", row.dataset.traceId === traceId));
    drawWaterfall(traceId);
  }

  // Every span of the trace on one time axis, children under their parent, coloured by resource.
  async function drawWaterfall(traceId) {
    const response = await fetch(`/api/telemetry/traces/${traceId}`);
    $("waterfall-panel").hidden = false;
    $("waterfall-id").textContent = traceId;
    const waterfall = $("waterfall");
    if (!response.ok) {
      waterfall.textContent = "This trace is not (or no longer) stored.";
      return;
    }
    const spans = [...items((await response.json()).data, "resourceSpans", "scopeSpans", "spans")];
    const ids = new Set(spans.map((s) => s.item.spanId));
    const children = Map.groupBy(spans, (s) => ids.has(s.item.parentSpanId) ? s.item.parentSpanId : "");
    const start = Math.min(...spans.map((s) => millis(s.item.startTimeUnixNano)));
    const total = Math.max(1, Math.max(...spans.map((s) => millis(s.item.endTimeUnixNano))) - start);
    const rows = [];
    const visit = (parent, depth) => {
      for (const span of (children.get(parent) ?? []).sort((a, b) => millis(a.item.startTimeUnixNano) - millis(b.item.startTimeUnixNano))) {
        rows.push(spanRow(span, depth, start, total));
        visit(span.item.spanId, depth + 1);
      }
    };
    visit("", 0);
    waterfall.replaceChildren(...rows);
  }

  function spanRow({ service, instance, item }, depth, start, total) {
    const row = document.createElement("div");
    row.className = "span-row";
    const name = document.createElement("div");
    name.className = "span-name";
    name.style.paddingLeft = `${depth * 0.9}rem`;
    name.title = `${instance}: ${item.name}`;
    const dot = document.createElement("span");
    dot.className = "resource-dot";
    dot.style.background = colourOf(service);
    name.append(dot, `${instance} ${item.name}`);
    const track = document.createElement("div");
    track.className = "span-track";
    const offset = millis(item.startTimeUnixNano) - start;
    const duration = millis(item.endTimeUnixNano) - millis(item.startTimeUnixNano);
    const bar = document.createElement("div");
    bar.className = item.status?.code === 2 ? "span-bar error" : "span-bar";
    bar.style.left = `${(offset / total) * 100}%`;
    bar.style.width = `${(duration / total) * 100}%`;
    bar.style.background = colourOf(service);
    const label = document.createElement("span");
    label.className = "span-time";
    const end = ((offset + duration) / total) * 100;
    // After the bar while there is room, else inside its end.
    if (end < 88) {
      label.style.left = `calc(${end}% + 4px)`;
    } else {
      label.style.right = `calc(${100 - end}% + 4px)`;
      label.classList.add("inside");
    }
    label.textContent = formatDuration(duration);
    track.append(bar, label);
    row.append(name, track);
    return row;
  }

  // ---- Metrics ---------------------------------------------------------------------------------------------------
  let chart = null;
  let chartKey = "";

  async function refreshInstruments() {
    const resource = $("metrics-resource").value;
    if (!resource) return;
    const answer = await getJson(`/api/telemetry/metrics?resource=${encodeURIComponent(resource)}&limit=1`);
    const metrics = new Map([...items(answer.data, "resourceMetrics", "scopeMetrics", "metrics")].map((m) => [m.item.name, m.item]));
    const select = $("metrics-instrument");
    const chosen = select.value || (metrics.has("cowaspire.gateway.streams") ? "cowaspire.gateway.streams" : "");
    select.replaceChildren(...[...metrics.keys()].sort().map((name) => new Option(name, name)));
    if (metrics.has(chosen)) select.value = chosen;
    const metric = metrics.get(select.value);
    $("metrics-description").textContent = metric ? `${metric.description ?? ""} ${metric.unit ? `(${metric.unit})` : ""}` : "";
  }

  // Histograms as percentiles of each export interval (cumulative buckets, so each point minus the one before).
  function percentile(bounds, counts, p) {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) return null;
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      if (seen + counts[i] >= p * total) {
        const lower = i === 0 ? 0 : bounds[i - 1];
        const upper = i < bounds.length ? bounds[i] : bounds[bounds.length - 1] ?? lower;
        return lower + (upper - lower) * ((p * total - seen) / Math.max(1, counts[i]));
      }
      seen += counts[i];
    }
    return bounds[bounds.length - 1] ?? null;
  }

  function seriesOf(metric, instance) {
    const at = (point) => millis(point.timeUnixNano) / 1000;
    if (metric.histogram) {
      const points = metric.histogram.dataPoints ?? [];
      const cumulative = metric.histogram.aggregationTemporality !== 1;
      const series = [["p50", 0.5], ["p90", 0.9], ["p99", 0.99]].map(([name]) => ({ label: `${instance} ${name}`, points: [] }));
      points.forEach((point, i) => {
        let counts = (point.bucketCounts ?? []).map(Number);
        const before = cumulative ? points[i - 1] : null;
        if (before) counts = counts.map((c, j) => c - Number(before.bucketCounts?.[j] ?? 0));
        if (counts.some((c) => c < 0)) counts = (point.bucketCounts ?? []).map(Number);
        [0.5, 0.9, 0.99].forEach((p, k) => series[k].points.push([at(point), percentile(point.explicitBounds ?? [], counts, p)]));
      });
      return series;
    }
    const data = metric.sum ?? metric.gauge;
    const points = data?.dataPoints ?? [];
    const value = (point) => Number(point.asInt ?? point.asDouble ?? 0);
    // A monotonic counter reads better as a rate than as a total since start.
    if (metric.sum?.isMonotonic) {
      return [{ label: `${instance} /s`, points: points.slice(1).map((point, i) => [at(point), (value(point) - value(points[i])) / Math.max(0.001, at(point) - at(points[i]))]) }];
    }
    return [{ label: instance, points: points.map((point) => [at(point), value(point)]) }];
  }

  async function refreshChart() {
    const resource = $("metrics-resource").value;
    const instrument = $("metrics-instrument").value;
    if (!resource || !instrument) return;
    const answer = await getJson(`/api/telemetry/metrics?resource=${encodeURIComponent(resource)}&instrument=${encodeURIComponent(instrument)}&limit=300`);
    const series = [...items(answer.data, "resourceMetrics", "scopeMetrics", "metrics")].flatMap(({ instance, item }) => seriesOf(item, instance));
    const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
    const data = [xs, ...series.map((s) => {
      const byX = new Map(s.points);
      return xs.map((x) => byX.get(x) ?? null);
    })];
    const key = `${resource}|${instrument}|${series.map((s) => s.label).join(",")}`;
    const element = $("chart");
    if (!chart || key !== chartKey) {
      chart?.destroy();
      chartKey = key;
      chart = new uPlot({
        width: Math.max(400, element.clientWidth - 8), height: 320, title: instrument,
        series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: palette[i % palette.length], width: 2, spanGaps: true }))],
        axes: [{}, { size: 60 }],
      }, data, element);
    } else {
      chart.setData(data);
    }
    element.dataset.points = String(xs.length);
  }

  $("metrics-resource").addEventListener("change", async () => { $("metrics-instrument").value = ""; await refreshInstruments(); await refreshChart(); });
  $("metrics-instrument").addEventListener("change", async () => { await refreshInstruments(); await refreshChart(); });

  // ---- Tabs ------------------------------------------------------------------------------------------------------
  let timer = null;
  const tabs = {
    resources: { start() {}, stop() {} },
    logs: {
      async start() { await fillResources($("logs-resource"), true); followLogs(); },
      stop() { logsAbort?.abort(); logsAbort = null; },
    },
    traces: {
      async start() { await fillResources($("traces-resource"), true); poll(refreshTraces); },
      stop() { clearInterval(timer); },
    },
    metrics: {
      async start() {
        const select = $("metrics-resource");
        const first = select.options.length === 0;
        await fillResources(select, false);
        // The gateway's instruments are what one opens this page for.
        if (first && [...select.options].some((o) => o.value === "web")) select.value = "web";
        poll(async () => { await refreshInstruments(); await refreshChart(); });
      },
      stop() { clearInterval(timer); },
    },
  };
  let current = "resources";

  function poll(refresh) {
    clearInterval(timer);
    const run = () => refresh().catch(() => {});
    run();
    timer = setInterval(run, refreshMs);
  }

  function showTab(name) {
    if (!tabs[name] || name === current) return;
    tabs[current].stop();
    current = name;
    document.querySelectorAll("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
    document.querySelectorAll("main.tab").forEach((m) => { m.hidden = m.id !== `tab-${name}`; });
    tabs[name].start();
  }

  document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
  const [initial, traceId] = location.hash.slice(1).split("/");
  showTab(initial || "resources");
  if (initial === "traces" && traceId) openTrace(traceId);
})();
