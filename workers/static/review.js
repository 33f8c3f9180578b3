// The report view: keyboard-first review of the flagged cells. Document text is only ever written with
// textContent, never as HTML.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const input = $("value");
  let state = JSON.parse($("state").textContent);
  let current = null;
  let busy = false;

  const blank = (v) => v === null || v === undefined;
  const shown = (c) => (c.illegible ? "?" : blank(c.value) ? "—" : String(c.value));
  const valueText = (c) => (blank(c.value) ? "" : String(c.value));
  // The box holds what Enter will save: the suggestion when there is one, else the value read.
  const boxText = (c) => (!c.reviewed && !blank(c.suggestion) ? String(c.suggestion) : valueText(c));
  const pending = () => state.order.filter((k) => state.cells[k].review);
  const flagged = () => state.order.filter((k) => state.cells[k].review || state.cells[k].reviewed);
  const label = (key) => (state.cells[key] ? `${state.cells[key].row} / ${state.cells[key].column}` : key);

  function setBusy(value) {
    busy = value;
    document.body.dataset.busy = value ? "1" : "0";
  }

  function say(text, kind) {
    $("message").textContent = text;
    $("message").className = `message ${kind || ""}`;
  }

  function paintCells() {
    for (const td of document.querySelectorAll("td.cell")) {
      const key = td.dataset.key;
      const c = state.cells[key];
      td.textContent = shown(c);
      td.className = `cell ${c.level}${c.review ? " flag" : ""}${c.reviewed ? " ok" : ""}${key === current ? " current" : ""}`;
    }
  }

  function relationItem(check, withCells) {
    const li = document.createElement("li");
    li.className = check.ok ? "holds" : "broken";
    const head = document.createElement("div");
    head.textContent = `${check.ok ? "✓ holds" : "✗ broken"} · ${check.id}: ${check.detail}`;
    li.append(head);
    if (withCells) {
      // Chips for the cells under review only: a relation may span 25 cells.
      const marked = check.cells.filter((k) => state.cells[k] && (state.cells[k].review || state.cells[k].reviewed));
      for (const key of marked) {
        const chip = document.createElement("button");
        chip.type = "button";
        chip.tabIndex = -1;
        chip.className = `chip${state.cells[key].review ? " flag" : ""}`;
        chip.textContent = label(key);
        chip.title = key;
        chip.addEventListener("click", () => select(key));
        li.append(chip);
      }
      const others = check.cells.length - marked.length;
      if (others) li.append(` + ${others} other cell${others > 1 ? "s" : ""}`);
    }
    return li;
  }

  function paintChecks() {
    const broken = state.checks.filter((c) => !c.ok);
    $("broken-count").textContent = `(${broken.length} of ${state.checks.length})`;
    $("broken").replaceChildren(...broken.map((c) => relationItem(c, true)));
    const mine = current ? state.checks.filter((c) => c.cells.includes(current)) : [];
    const none = document.createElement("li");
    none.textContent = "This cell is in no relation.";
    $("cell-checks").replaceChildren(...(mine.length ? mine.map((c) => relationItem(c, false)) : [none]));
  }

  function paintProgress() {
    const all = flagged().length;
    const left = pending().length;
    $("progress").textContent = `${all - left} of ${all} flagged cells reviewed`;
    const banner = $("banner");
    banner.hidden = left !== 0;
    banner.textContent = left === 0
      ? `All flagged cells of this report are reviewed. Press Enter for ${state.next ? "the next report" : "the queue"}.`
      : "";
  }

  async function showSource(key, c) {
    const crop = $("crop");
    const context = $("context");
    crop.hidden = !c.crop;
    context.hidden = true;
    if (c.crop) {
      crop.src = c.crop;
      $("source-note").textContent = `Page ${c.page} of the original, the cell boxed in red.`;
      return;
    }
    crop.removeAttribute("src");
    $("source-note").textContent = "Looking for the source text…";
    const response = await fetch(`/review/api/reports/${encodeURIComponent(state.report)}/cells/${key}/context`);
    if (key !== current) return;
    const lines = response.ok ? (await response.json()).lines : [];
    context.hidden = lines.length === 0;
    context.textContent = lines.join("\n");
    $("source-note").textContent = lines.length
      ? "The source text around this row (no page image for this format)."
      : "No page image or source text is kept for this report: check the original document.";
  }

  function paintPanel() {
    const c = state.cells[current];
    $("cell-key").textContent = current;
    $("cell-row").textContent = c.row;
    $("cell-column").textContent = c.column + (c.unit ? ` (${c.unit})` : "");
    let read = `${shown(c)}   (confidence ${Number(c.confidence).toFixed(2)})`;
    if (c.reviewed) {
      const first = blank(c.read_value) ? "—" : String(c.read_value);
      read = `${shown(c)} — reviewed by ${c.reviewed_by || "?"}; first read ${first}`;
    }
    $("cell-read").textContent = read;
    $("cell-text").textContent = blank(c.text) || c.text === "" ? "(blank)" : c.text;
    $("cell-suggestion").textContent = blank(c.suggestion)
      ? "none"
      : `${c.suggestion} (${c.suggested_by === "reader" ? "from the reader" : `so that ${c.suggested_by} holds`})`;
    input.value = boxText(c);
    input.focus();
    input.select();
  }

  function select(key) {
    current = key;
    paintCells();
    paintChecks();
    paintProgress();
    paintPanel();
    showSource(key, state.cells[key]);
    const td = document.querySelector(`td.cell[data-key="${CSS.escape(key)}"]`);
    if (td) td.scrollIntoView({ block: "nearest" });
  }

  function step(direction) {
    const keys = flagged();
    if (!keys.length) return;
    const here = state.order.indexOf(current);
    const ahead = direction > 0
      ? keys.find((k) => state.order.indexOf(k) > here) || keys[0]
      : [...keys].reverse().find((k) => state.order.indexOf(k) < here) || keys[keys.length - 1];
    select(ahead);
  }

  function nextPending() {
    const keys = pending();
    const here = state.order.indexOf(current);
    return keys.find((k) => state.order.indexOf(k) > here) || keys[0] || current;
  }

  async function decide(illegible) {
    if (busy || !current) return;
    const c = state.cells[current];
    const text = input.value.trim();
    const action = illegible ? "illegible" : text === valueText(c) && !c.illegible ? "accept" : "correct";
    setBusy(true);
    try {
      const response = await fetch(
        `/review/api/reports/${encodeURIComponent(state.report)}/cells/${encodeURIComponent(current)}`,
        {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ action, value: text, version: c.version }),
        },
      );
      const body = await response.json();
      if (response.status === 409) {
        state = body.state;
        select(current);
        say(`Conflict: ${body.error.message}. The cell now shows the current value — decide again.`, "conflict");
        return;
      }
      if (!response.ok) {
        say(body.error ? body.error.message : `error ${response.status}`, "error");
        input.select();
        return;
      }
      const decided = current;
      state = body;
      const holds = state.checks.filter((k) => k.cells.includes(decided));
      const broken = holds.filter((k) => !k.ok).length;
      select(nextPending());
      say(`${decided}: ${action === "accept" ? "accepted" : action === "illegible" ? "marked illegible" : "corrected"}`
        + (holds.length ? ` — ${holds.length - broken} of ${holds.length} of its relations hold` : ""),
      broken ? "warn" : "good");
    } catch (error) {
      say(`Not saved: ${error}`, "error");
    } finally {
      setBusy(false);
    }
  }

  $("decision").addEventListener("submit", (event) => {
    event.preventDefault();
    if (pending().length === 0 && state.cells[current] && state.cells[current].reviewed) {
      window.location.href = state.next || "/review";
      return;
    }
    decide(false);
  });
  $("illegible").addEventListener("click", () => decide(true));
  input.addEventListener("keydown", (event) => {
    if (busy) {
      event.preventDefault();
    } else if (event.key === "Tab") {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === "x" || event.key === "X") {
      event.preventDefault();
      decide(true);
    }
  });
  document.addEventListener("keydown", (event) => {
    // Keys typed anywhere on the page go to the value box.
    if (event.target !== input && !event.ctrlKey && !event.metaKey && !event.altKey
        && !(event.target instanceof HTMLInputElement) && (event.key.length === 1 || event.key === "Tab")) {
      input.focus();
      if (event.key === "Tab") {
        event.preventDefault();
        step(event.shiftKey ? -1 : 1);
      }
    }
  });
  for (const td of document.querySelectorAll("td.cell")) {
    td.addEventListener("click", () => select(td.dataset.key));
  }
  const first = pending()[0] || flagged()[0] || state.order[0];
  setBusy(false);
  if (first) select(first);
})();
