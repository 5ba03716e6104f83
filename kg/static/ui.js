// Ratsgraph query editor. Every value from the store is shown with textContent: never as HTML.
"use strict";
(function () {
  const saved = JSON.parse(document.getElementById("saved-queries").textContent);
  const byName = new Map(saved.map((query) => [query.name, query]));
  const form = document.getElementById("query-form");
  const select = document.getElementById("example");
  const textarea = document.getElementById("query");
  const description = document.getElementById("description");
  const params = document.getElementById("params");
  const status = document.getElementById("status");
  const table = document.getElementById("results");
  const textResult = document.getElementById("text-result");

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function showSaved(name) {
    const query = byName.get(name);
    clear(params);
    description.textContent = query ? query.description : "";
    if (!query) return;
    textarea.value = query.sparql;
    for (const [param, text] of Object.entries(query.params)) {
      const label = document.createElement("label");
      label.textContent = param + ": " + text;
      const input = document.createElement("input");
      input.type = "text";
      input.dataset.param = param;
      input.setAttribute("aria-label", param);
      label.appendChild(input);
      params.appendChild(label);
    }
  }

  function cell(binding) {
    const td = document.createElement("td");
    if (!binding) return td;
    if (binding.type === "uri") {
      const link = document.createElement("a");
      link.href = "/entity?iri=" + encodeURIComponent(binding.value);
      link.className = "iri";
      link.textContent = binding.value;
      td.appendChild(link);
    } else {
      td.textContent = binding.value;
    }
    return td;
  }

  function showTable(data) {
    const head = table.tHead;
    const body = table.tBodies[0];
    clear(head);
    clear(body);
    textResult.hidden = true;
    if (typeof data.boolean === "boolean") {
      showText(String(data.boolean));
      return 1;
    }
    const row = head.insertRow();
    for (const name of data.head.vars) {
      const th = document.createElement("th");
      th.textContent = name;
      row.appendChild(th);
    }
    for (const binding of data.results.bindings) {
      const tr = body.insertRow();
      for (const name of data.head.vars) tr.appendChild(cell(binding[name]));
    }
    return data.results.bindings.length;
  }

  function showText(text) {
    clear(table.tHead);
    clear(table.tBodies[0]);
    textResult.textContent = text;
    textResult.hidden = false;
  }

  async function run(event) {
    event.preventDefault();
    const body = new URLSearchParams();
    body.append("query", textarea.value);
    for (const input of params.querySelectorAll("input")) {
      if (input.value.trim()) body.append("param", input.dataset.param + "=" + input.value.trim());
    }
    status.textContent = "running…";
    const started = performance.now();
    let response;
    try {
      response = await fetch("/sparql", {
        method: "POST",
        body: body,
        headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" },
      });
    } catch (error) {
      status.textContent = "request failed: " + error;
      return;
    }
    const text = await response.text();
    if (!response.ok) {
      showText(text);
      status.textContent = "error " + response.status;
      return;
    }
    let rows = 0;
    if ((response.headers.get("content-type") || "").includes("json")) {
      rows = showTable(JSON.parse(text));
    } else {
      showText(text);
      rows = Number(response.headers.get("x-ratsgraph-rows") || 0);
    }
    const cut = response.headers.get("x-ratsgraph-truncated") ? " (cut at the row limit)" : "";
    const ms = Math.round(performance.now() - started);
    status.textContent = rows + " rows in " + ms + " ms" + cut;
  }

  select.addEventListener("change", () => showSaved(select.value));
  form.addEventListener("submit", run);
})();
