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
  const choices = document.getElementById("choices");
  const status = document.getElementById("status");
  const table = document.getElementById("results");
  const textResult = document.getElementById("text-result");

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function showSaved(name) {
    const query = byName.get(name);
    clear(params);
    clear(choices);
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

  // A name typed where a saved query asks for an IRI is looked up as `kg query` does
  // (kg.query.names_to_iris): the entity named exactly so, else the only one whose name
  // contains it; a person parameter takes persons only. Never a guess: several fits or none
  // are shown, and the user picks.
  const IRI_PARAM = /^(optional )?IRI\b/;
  const TYPE_OF_PARAM = { person: "Person" };

  function fold(text) {
    return text.toLowerCase().replaceAll("ä", "ae").replaceAll("ö", "oe")
      .replaceAll("ü", "ue").replaceAll("ß", "ss");
  }

  async function post(query, bindings) {
    const body = new URLSearchParams();
    body.append("query", query);
    for (const [key, value] of bindings) body.append("param", key + "=" + value);
    return fetch("/sparql", {
      method: "POST",
      body: body,
      headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" },
    });
  }

  async function entitiesNamed(param, name) {
    const response = await post(byName.get("entity-search").sparql, [["name", name]]);
    if (!response.ok) throw new Error("name look-up failed: " + (await response.text()));
    const wanted = TYPE_OF_PARAM[param] || "";
    const rows = (await response.json()).results.bindings
      .filter((row) => row.types.value.includes(wanted))
      .map((row) => ({ label: row.label.value, types: row.types.value, iri: row.entity.value }));
    const exact = rows.filter((row) => fold(row.label) === fold(name));
    return exact.length ? exact : rows;
  }

  function offerChoices(input, name, found) {
    const param = input.dataset.param;
    showText("");  // no earlier result stays on screen as if it answered this question
    textResult.hidden = true;
    status.textContent = found.length
      ? param + ": " + found.length + " entities fit '" + name + "', choose one"
      : param + ": no entity is named '" + name + "'";
    for (const entity of found.slice(0, 20)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "choice";
      button.textContent = entity.label + " (" + entity.types + ")";
      button.title = entity.iri;
      button.addEventListener("click", () => {
        input.value = entity.iri;
        clear(choices);
        form.requestSubmit();
      });
      choices.appendChild(button);
    }
  }

  // The parameters to send, with names looked up; null when the user has to choose first.
  async function boundParams(said) {
    const bound = [];
    for (const input of params.querySelectorAll("input")) {
      const param = input.dataset.param;
      const value = input.value.trim();
      if (!value) continue;
      const query = byName.get(select.value);
      const wantsIri = query && IRI_PARAM.test(query.params[param] || "");
      if (!wantsIri || /^<?https?:\/\//.test(value)) {
        bound.push([param, value]);
        continue;
      }
      const found = await entitiesNamed(param, value);
      if (found.length !== 1) {
        offerChoices(input, value, found);
        return null;
      }
      said.push(param + ": '" + value + "' is " + found[0].label);
      bound.push([param, found[0].iri]);
    }
    return bound;
  }

  async function run(event) {
    event.preventDefault();
    clear(choices);
    status.textContent = "running…";
    const started = performance.now();
    const said = [];
    let response;
    try {
      const bound = await boundParams(said);
      if (bound === null) return;
      response = await post(textarea.value, bound);
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
    status.textContent = said.concat([rows + " rows in " + ms + " ms" + cut]).join("; ");
  }

  select.addEventListener("change", () => showSaved(select.value));
  form.addEventListener("submit", run);
})();
