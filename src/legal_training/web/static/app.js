// Legal Training Platform dashboard: the little script the server-rendered pages need.
//
// Rules this file keeps: data from the server is put into the page with textContent only
// (never as HTML), except fragments the server rendered and escaped itself; every change goes
// through the JSON API, whose error messages are shown as they are; nothing is stored in the
// browser (the session is an HttpOnly cookie this script cannot see).
"use strict";

(function () {
  const FRAGMENT_HEADER = { "X-Dashboard-Fragment": "1" };
  const CARD_REFRESH_MS = 1500;

  // -- helpers ---------------------------------------------------------------------------------

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function formatNumber(value) {
    if (value === null || value === undefined || Number.isNaN(value)) return "—";
    const number = Number(value);
    return Number.isInteger(number)
      ? number.toLocaleString("en-GB")
      : number.toLocaleString("en-GB", { maximumFractionDigits: 1 });
  }

  function formatDuration(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const total = Math.round(Number(seconds));
    if (total < 60) return total + " s";
    const minutes = Math.floor(total / 60);
    if (minutes < 60) return minutes + " min " + String(total % 60).padStart(2, "0") + " s";
    return Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0") + " min";
  }

  function safeHref(value) {
    try {
      const url = new URL(String(value), window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : "#";
    } catch (error) {
      return "#";
    }
  }

  async function readJson(response) {
    const text = await response.text();
    try {
      return text ? JSON.parse(text) : {};
    } catch (error) {
      return { error: "the server answered " + response.status + " " + response.statusText };
    }
  }

  // Calls the JSON API; resolves to {ok, status, body}; a network failure becomes a message.
  async function api(method, url, body) {
    const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (error) {
      return { ok: false, status: 0, body: { error: "could not reach the server" } };
    }
    const parsed = await readJson(response);
    // Only the API key guard's 401 means "sign in again"; others (a Hub token) are errors.
    const signIn = response.status === 401 && parsed.code === "unauthorized";
    return { ok: response.ok, status: response.status, body: parsed, signIn };
  }

  function signInAgain() {
    const next = window.location.pathname + window.location.search;
    window.location.assign("/signin?next=" + encodeURIComponent(next));
  }

  // -- fragments loaded after the page ---------------------------------------------------------

  async function loadFragment(container) {
    const url = container.getAttribute("data-fragment");
    container.setAttribute("aria-busy", "true");
    let response;
    try {
      response = await fetch(url, { headers: FRAGMENT_HEADER, credentials: "same-origin" });
    } catch (error) {
      return fragmentError(container, "could not reach the server");
    }
    if (response.status === 401 && response.headers.get("X-Sign-In")) {
      window.location.assign(response.headers.get("X-Sign-In"));
      return;
    }
    if (!response.ok) {
      return fragmentError(container, "the server answered " + response.status);
    }
    container.innerHTML = await response.text(); // rendered and escaped by the server
    container.setAttribute("aria-busy", "false");
  }

  function fragmentError(container, message) {
    container.replaceChildren();
    const box = el("div", { class: "alert", role: "alert" });
    box.append(el("span", {}, "Could not load this part of the page: " + message + ". "));
    const retry = el("button", { type: "button", class: "secondary" }, "Retry");
    retry.addEventListener("click", () => {
      container.replaceChildren(el("p", { class: "loading" }, "Loading…"));
      loadFragment(container);
    });
    box.append(retry);
    container.append(box);
    container.setAttribute("aria-busy", "false");
  }

  // -- forms posted to the API -----------------------------------------------------------------

  function fieldValue(input) {
    const type = input.getAttribute("data-type");
    if (input.type === "checkbox") return input.checked;
    if (type === "list") {
      return Array.from(input.selectedOptions).map((option) => option.value);
    }
    const raw = input.value.trim();
    if (raw === "") return undefined;
    if (type === "int") return Number.isInteger(Number(raw)) ? Number(raw) : raw;
    if (type === "float") return Number.isFinite(Number(raw)) ? Number(raw) : raw;
    return input.value;
  }

  function changed(input) {
    if (input.type === "checkbox") return input.checked !== input.defaultChecked;
    if (input.tagName === "SELECT") {
      return Array.from(input.options).some((o) => o.selected !== o.defaultSelected);
    }
    return input.value !== input.defaultValue;
  }

  function formBody(form) {
    const body = {};
    const onlyChanged = form.hasAttribute("data-changed-only");
    for (const input of form.querySelectorAll("input[name], select[name], textarea[name]")) {
      if (input.type === "file") continue;
      if (onlyChanged && !changed(input)) continue;
      const value = fieldValue(input);
      if (value === undefined || (Array.isArray(value) && value.length === 0)) {
        if (onlyChanged) body[input.name] = input.value; // an emptied field is sent as empty
        continue;
      }
      body[input.name] = value;
    }
    return body;
  }

  function clearErrors(form) {
    for (const node of form.querySelectorAll(".field-error")) node.remove();
    for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    const status = form.querySelector(".form-status");
    if (status) status.replaceChildren();
  }

  function markField(form, name, message) {
    const input = name ? form.querySelector('[name="' + CSS.escape(name) + '"]') : null;
    if (!input) return false;
    input.setAttribute("aria-invalid", "true");
    const note = el("p", { class: "field-error", id: "err-" + input.id }, message);
    input.setAttribute("aria-describedby", note.id);
    input.closest(".field")?.append(note);
    return true;
  }

  // Shows an API error: the message as it is, and each field it names next to that field.
  function showApiError(form, result) {
    const status = form.querySelector(".form-status");
    const body = result.body || {};
    const box = el("div", { class: "alert" });
    box.append(el("strong", {}, body.error || "the request failed (" + result.status + ")"));
    const details = body.details;
    const list = el("ul");
    if (Array.isArray(details)) {
      for (const item of details.slice(0, 20)) {
        if (item && typeof item === "object") {
          const text = (item.field ? item.field + ": " : "") + (item.message || "");
          list.append(el("li", {}, text));
          if (item.field) markField(form, String(item.field).split(".")[0], item.message || "");
        } else {
          list.append(el("li", {}, String(item)));
        }
      }
    } else if (details && typeof details === "object" && details.field) {
      let message = body.error || "invalid value";
      if (Array.isArray(details.valid_values) && details.valid_values.length) {
        const shown = details.valid_values.slice(0, 12).join(", ");
        const more = details.valid_values.length > 12 ? " …" : "";
        message += " — valid values: " + shown + more;
      }
      markField(form, details.field, message);
    }
    if (list.childElementCount) box.append(list);
    if (status) status.replaceChildren(box);
    const invalid = form.querySelector('[aria-invalid="true"]');
    (invalid || status)?.focus?.();
  }

  const successHandlers = {
    "batch-started": (form, body) => {
      const status = form.querySelector(".form-status");
      status.replaceChildren(
        el("p", { class: "notice" }, "Batch " + body.batch_id + " started: " + body.count + " samples wanted."),
      );
      ensureCard(body.batch_id, true);
    },
    "sample-saved": (form, body) => {
      const id = body.sample && body.sample.id;
      const target = "/dataset/samples/" + encodeURIComponent(id) + "?notice=" + encodeURIComponent("Changes saved.");
      window.location.assign(target);
    },
    pushed: (form, body) => {
      const result = document.getElementById("push-result");
      result.querySelector("[data-result-message]").textContent = body.message;
      result.querySelector("[data-result-repo]").href = safeHref(body.repo_url);
      result.querySelector("[data-result-commit]").href = safeHref(body.commit_url);
      result.hidden = false;
      const token = form.querySelector('[name="token"]');
      if (token) token.value = "";
      result.focus?.();
    },
  };

  async function submitApiForm(event) {
    const form = event.target.closest("form[data-api]");
    if (!form) return;
    event.preventDefault();
    clearErrors(form);
    const body = formBody(form);
    if (form.hasAttribute("data-changed-only") && Object.keys(body).length === 0) {
      form.querySelector(".form-status").replaceChildren(el("p", { class: "note" }, "Nothing changed."));
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    const label = button.textContent;
    button.disabled = true;
    button.textContent = "Working…";
    form.setAttribute("aria-busy", "true");
    const result = await api(form.getAttribute("data-method") || "POST", form.getAttribute("data-api"), body);
    button.disabled = false;
    button.textContent = label;
    form.setAttribute("aria-busy", "false");
    if (result.signIn) return signInAgain();
    if (!result.ok || result.body.success === false) return showApiError(form, result);
    successHandlers[form.getAttribute("data-on-success")]?.(form, result.body);
  }

  // -- presets -----------------------------------------------------------------------------------

  function applyPreset(select) {
    const data = JSON.parse(document.getElementById(select.getAttribute("data-presets")).textContent);
    const preset = data.find((p) => p.id === select.value);
    const form = select.form;
    form.reset();
    select.value = preset ? preset.id : "";
    if (!preset) return;
    for (const [name, value] of Object.entries(preset.values)) {
      const input = form.querySelector('[name="' + CSS.escape(name) + '"]');
      if (input) input.value = String(value);
    }
  }

  // -- live batches over SSE -----------------------------------------------------------------------

  const cardTimers = new Map();
  // Per batch, the number of the last card request sent and of the newest one shown: a
  // slower, older response (rendered while the batch was still running) never replaces what a
  // newer one already showed, yet every response newer than the one shown is applied, so a
  // fast stream of events cannot keep a card from appearing.
  const cardRequests = new Map();
  let liveState = null;

  function setLiveState(state, text) {
    liveState = liveState || document.getElementById("live-state");
    if (!liveState) return;
    liveState.setAttribute("data-state", state);
    liveState.textContent = text;
  }

  function findCard(batchId) {
    return document.querySelector('.batch-card[data-batch-id="' + CSS.escape(batchId) + '"]');
  }

  async function refreshCard(batchId, createIfMissing) {
    const url = "/generate/batches/" + encodeURIComponent(batchId) + "/card";
    const seen = cardRequests.get(batchId) || { sent: 0, shown: 0 };
    const ticket = seen.sent + 1;
    cardRequests.set(batchId, { sent: ticket, shown: seen.shown });
    let response;
    try {
      response = await fetch(url, { headers: FRAGMENT_HEADER, credentials: "same-origin" });
    } catch (error) {
      return;
    }
    if (!response.ok) return;
    const html = (await response.text()).trim(); // rendered and escaped by the server
    const latest = cardRequests.get(batchId);
    if (latest.shown > ticket) return; // a newer response is already on the page
    latest.shown = ticket;
    const template = document.createElement("template");
    template.innerHTML = html;
    const fresh = template.content.firstElementChild;
    if (!fresh) return;
    const current = findCard(batchId);
    if (current) {
      const focused = current.contains(document.activeElement) ? document.activeElement.getAttribute("data-action") : null;
      // Keep what the reader opened (the rejection reasons) open across refreshes.
      if (current.querySelector("details[open]")) fresh.querySelector("details")?.setAttribute("open", "");
      current.replaceWith(fresh);
      if (focused) fresh.querySelector('[data-action="' + focused + '"]')?.focus();
    } else if (createIfMissing) {
      const running = document.getElementById("running-batches");
      if (!running) return;
      running.prepend(fresh);
      const empty = document.getElementById("running-empty");
      if (empty) empty.hidden = true;
    }
    const status = fresh.getAttribute("data-status");
    if (status !== "running") moveToFinished(fresh);
  }

  function moveToFinished(card) {
    const finished = document.getElementById("finished-batches");
    if (!finished || card.parentElement === finished) return;
    finished.prepend(card);
    document.getElementById("finished-empty")?.setAttribute("hidden", "");
    const running = document.getElementById("running-batches");
    const empty = document.getElementById("running-empty");
    if (running && empty && !running.querySelector(".batch-card")) empty.hidden = false;
  }

  function scheduleRefresh(batchId) {
    if (cardTimers.has(batchId)) return;
    cardTimers.set(
      batchId,
      setTimeout(() => {
        cardTimers.delete(batchId);
        refreshCard(batchId, false);
      }, CARD_REFRESH_MS),
    );
  }

  function ensureCard(batchId, createIfMissing) {
    if (!findCard(batchId)) refreshCard(batchId, createIfMissing);
  }

  function setField(card, name, text) {
    const node = card.querySelector('[data-field="' + name + '"]');
    if (node) node.textContent = text;
  }

  function onProgress(data) {
    const card = findCard(data.batch_id);
    if (!card) return ensureCard(data.batch_id, true);
    const bar = card.querySelector('[data-field="progress"]');
    if (bar) {
      bar.max = data.total;
      bar.value = data.samples_generated;
      bar.setAttribute("aria-label", data.samples_generated + " of " + data.total + " samples accepted");
    }
    setField(card, "samples_generated", formatNumber(data.samples_generated));
    setField(card, "total", formatNumber(data.total));
    if (data.samples_rejected !== undefined) setField(card, "samples_rejected", formatNumber(data.samples_rejected));
    if (data.tokens_used !== undefined) setField(card, "tokens_used", formatNumber(data.tokens_used));
    if (data.samples_repaired !== undefined) setField(card, "samples_repaired", formatNumber(data.samples_repaired));
    if (data.repair_tokens_saved !== undefined) setField(card, "repair_tokens_saved", formatNumber(data.repair_tokens_saved));
    if (data.judge_tokens !== undefined) setField(card, "judge_tokens", formatNumber(data.judge_tokens));
    if (data.rate_per_minute !== undefined) setField(card, "rate_per_minute", formatNumber(data.rate_per_minute));
    if (data.eta_seconds !== undefined) setField(card, "eta", formatDuration(data.eta_seconds));
    if (data.provider) setField(card, "provider_model", data.provider + (data.model ? " / " + data.model : ""));
    scheduleRefresh(data.batch_id);
  }

  function onError(data) {
    const card = findCard(data.batch_id);
    if (!card) return;
    const node = card.querySelector('[data-field="last_error"]');
    if (node) {
      node.hidden = false;
      node.textContent = "Last error: " + data.message;
    }
    scheduleRefresh(data.batch_id);
  }

  function onStatus(data) {
    const card = findCard(data.batch_id);
    if (!card) return ensureCard(data.batch_id, data.status === "running");
    card.setAttribute("data-status", data.status);
    const badge = card.querySelector('[data-field="status"]');
    if (badge) badge.replaceChildren(el("span", { class: "badge " + data.status }, data.status));
    onProgress({ batch_id: data.batch_id, samples_generated: data.samples_generated, total: data.total });
    clearTimeout(cardTimers.get(data.batch_id));
    cardTimers.delete(data.batch_id);
    refreshCard(data.batch_id, false);
  }

  // EventSource reconnects by itself after a dropped connection and sends Last-Event-ID, so
  // the server replays exactly what was missed. Only when the server refuses the stream
  // (a restart, an ended session) does it give up; then a new one is opened after a pause.
  function follow(url) {
    let retryDelay = 2000;
    const open = () => {
      setLiveState("connecting", "Connecting to live updates…");
      const source = new EventSource(url, { withCredentials: true });
      source.addEventListener("open", () => {
        retryDelay = 2000;
        setLiveState("open", "Live");
        // A new stream starts at the server's latest event: whatever a running batch did
        // between this page's rendering and now is caught up by re-reading its card.
        for (const node of document.querySelectorAll('.batch-card[data-status="running"]')) {
          refreshCard(node.getAttribute("data-batch-id"), false);
        }
      });
      source.addEventListener("error", (event) => {
        if (event.data) return handle(onError)(event); // the server's own "error" events
        if (source.readyState === EventSource.CLOSED) {
          setLiveState("closed", "Live updates stopped; retrying…");
          setTimeout(async () => {
            const check = await api("GET", "/api/generate/batch/status?batch_id=__probe__");
            if (check.signIn) return signInAgain();
            open();
          }, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 30000);
        } else {
          setLiveState("reconnecting", "Reconnecting…");
        }
      });
      const handle = (handler) => (event) => {
        try {
          handler(JSON.parse(event.data));
        } catch (error) {
          /* a malformed event is skipped; the next card refresh corrects the figures */
        }
      };
      source.addEventListener("progress", handle(onProgress));
      source.addEventListener("sample", handle(onProgress));
      source.addEventListener("status", handle(onStatus));
      window.__dashboardStream = source;
    };
    open();
  }

  async function batchAction(button) {
    const batchId = button.getAttribute("data-batch");
    const action = button.getAttribute("data-action");
    const card = button.closest(".batch-card");
    const errorNode = card?.querySelector('[data-field="action_error"]');
    if (errorNode) errorNode.textContent = "";
    button.disabled = true;
    const result =
      action === "stop"
        ? await api("POST", "/api/generate/batch/stop", { batch_id: batchId })
        : await api("POST", "/api/generate/batch/" + encodeURIComponent(batchId) + "/resume");
    button.disabled = false;
    if (result.signIn) return signInAgain();
    if (!result.ok) {
      if (errorNode) errorNode.textContent = result.body.error || "the request failed";
      return;
    }
    if (action === "resume") {
      const running = document.getElementById("running-batches");
      if (running && card && card.parentElement !== running) running.prepend(card);
      document.getElementById("running-empty")?.setAttribute("hidden", "");
    }
    refreshCard(batchId, false);
  }

  // -- import with a progress bar --------------------------------------------------------------

  function submitImport(event) {
    const form = event.target.closest("form[data-import]");
    if (!form) return;
    event.preventDefault();
    clearErrors(form);
    const input = form.querySelector('input[type="file"]');
    const problems = document.getElementById("import-problems");
    problems.hidden = true;
    if (!input.files.length) {
      markField(form, input.name, "Choose a file to import.");
      input.focus();
      return;
    }
    const progressBox = form.querySelector("[data-progress]");
    const bar = progressBox.querySelector("progress");
    const text = progressBox.querySelector("[data-progress-text]");
    const button = form.querySelector('button[type="submit"]');
    progressBox.hidden = false;
    bar.value = 0;
    text.textContent = "Uploading…";
    button.disabled = true;
    const data = new FormData();
    data.append("file", input.files[0]);
    const request = new XMLHttpRequest();
    request.open("POST", form.getAttribute("data-import"));
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) {
        bar.value = Math.round((100 * e.loaded) / e.total);
        text.textContent = "Uploading… " + bar.value + "%";
      }
    });
    request.upload.addEventListener("load", () => {
      bar.removeAttribute("value"); // indeterminate while the server validates and saves
      text.textContent = "Uploaded; checking every line and saving…";
    });
    request.addEventListener("error", () => {
      button.disabled = false;
      progressBox.hidden = true;
      showApiError(form, { status: 0, body: { error: "could not reach the server" } });
    });
    request.addEventListener("load", () => {
      button.disabled = false;
      progressBox.hidden = true;
      let body = {};
      try {
        body = JSON.parse(request.responseText || "{}");
      } catch (error) {
        body = { error: "the server answered " + request.status };
      }
      if (request.status === 401 && body.code === "unauthorized") return signInAgain();
      if (request.status >= 200 && request.status < 300) {
        const status = form.querySelector(".form-status");
        const note = el("p", { class: "notice" }, body.message + ". The dataset now holds " + formatNumber(body.total_samples) + " samples. ");
        note.append(el("a", { href: "/dataset" }, "Browse the dataset"));
        status.replaceChildren(note);
        form.reset();
        return;
      }
      const details = body.details && Array.isArray(body.details.problems) ? body.details : null;
      showApiError(form, { status: request.status, body: { error: body.error } });
      if (details) {
        const tbody = problems.querySelector("tbody");
        tbody.replaceChildren();
        for (const problem of details.problems) {
          const row = el("tr");
          row.append(el("td", { class: "num" }, problem.line), el("td", { class: "break" }, problem.message));
          tbody.append(row);
        }
        const shown = details.problems.length;
        problems.querySelector("[data-problem-summary]").textContent =
          formatNumber(details.problem_count) + " problem(s) in " + formatNumber(details.rows_read) + " rows read" +
          (details.problem_count > shown ? "; the first " + shown + " are listed" : "") + ". Nothing was saved.";
        problems.hidden = false;
      }
    });
    request.send(data);
  }

  // -- dialogs, delete, export links --------------------------------------------------------------

  async function deleteSample(button) {
    const dialog = button.closest("dialog");
    const status = dialog.querySelector(".form-status");
    button.disabled = true;
    const id = button.getAttribute("data-delete-sample");
    const result = await api("DELETE", "/api/sample/" + encodeURIComponent(id));
    button.disabled = false;
    if (result.signIn) return signInAgain();
    if (!result.ok) {
      status.textContent = result.body.error || "the sample could not be deleted";
      return;
    }
    window.location.assign("/dataset?notice=" + encodeURIComponent("Sample " + id + " deleted."));
  }

  function updateExportLinks(checkbox) {
    const box = checkbox.closest("[data-export-links]");
    for (const link of box.querySelectorAll("a[data-export-format]")) {
      const url = new URL(link.href, window.location.href);
      if (checkbox.checked) url.searchParams.set("include_simulator", "true");
      else url.searchParams.delete("include_simulator");
      link.href = url.pathname + url.search;
    }
  }

  // -- wiring ---------------------------------------------------------------------------------

  document.addEventListener("submit", (event) => {
    if (event.target.matches("form[data-api]")) submitApiForm(event);
    else if (event.target.matches("form[data-import]")) submitImport(event);
  });

  document.addEventListener("click", (event) => {
    const target = event.target.closest("button");
    if (!target) return;
    if (target.matches("[data-action]")) batchAction(target);
    else if (target.matches("[data-open-dialog]")) document.getElementById(target.getAttribute("data-open-dialog"))?.showModal();
    else if (target.matches("[data-close-dialog]")) target.closest("dialog")?.close();
    else if (target.matches("[data-delete-sample]")) deleteSample(target);
  });

  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-presets]")) applyPreset(event.target);
    else if (event.target.matches("[data-include-simulator]")) updateExportLinks(event.target);
  });

  function start() {
    for (const container of document.querySelectorAll("[data-fragment]")) loadFragment(container);
    const live = document.querySelector("[data-batch-live]");
    if (live) follow(live.getAttribute("data-batch-live"));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
