"use strict";
// The Ask page: one conversation per browser tab (a random session id in sessionStorage), answers streamed as
// Server-Sent Events when a model writes them, every string shown as text.
(function () {
  const { el, getJson, postJson, clear } = window.Advisor;
  const log = document.getElementById("log");
  const form = document.getElementById("ask");
  const box = document.getElementById("question");
  const send = document.getElementById("send");
  const SESSION_KEY = "advisor.session";

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, b => b.toString(16).padStart(2, "0")).join("");
  }

  function session() {
    let id = sessionStorage.getItem(SESSION_KEY);
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      id = randomId();
      sessionStorage.setItem(SESSION_KEY, id);
    }
    return id;
  }

  /** The answer's text: paragraphs and "- " bullets, with "[n]" markers as links to the cited section. */
  function renderText(text, citations) {
    const parts = [];
    let list = null;
    for (const line of String(text).split("\n")) {
      const bullet = /^\s*[-•]\s+/.test(line);
      if (!line.trim()) { list = null; continue; }
      const node = el(bullet ? "li" : "p");
      appendWithRefs(node, bullet ? line.replace(/^\s*[-•]\s+/, "") : line, citations);
      if (bullet) {
        if (!list) { list = el("ul"); parts.push(list); }
        list.append(node);
      } else {
        list = null;
        parts.push(node);
      }
    }
    return parts;
  }

  function appendWithRefs(node, line, citations) {
    const pattern = /\[(\d{1,2})\]/g;
    let last = 0, m;
    while ((m = pattern.exec(line)) !== null) {
      const c = citations.find(x => x.n === Number(m[1]));
      if (!c) continue;
      node.append(document.createTextNode(line.slice(last, m.index)));
      node.append(el("a", { class: "ref", href: "/section?id=" + encodeURIComponent(c.sectionId), title: c.label }, "[" + c.n + "]"));
      last = m.index + m[0].length;
    }
    node.append(document.createTextNode(line.slice(last)));
  }

  function citationList(citations) {
    if (!citations.length) return null;
    const list = el("ol", { class: "citations", "aria-label": "Sources" });
    for (const c of citations) {
      const panelId = "sec-" + randomId();
      const toggle = el("button", { type: "button", "aria-expanded": "false", "aria-controls": panelId }, "[" + c.n + "] " + c.label);
      const panel = el("div", { id: panelId, class: "section-text", hidden: true });
      toggle.addEventListener("click", async () => {
        const open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", String(!open));
        panel.hidden = open;
        if (!open && !panel.dataset.loaded) {
          panel.textContent = "Loading…";
          try {
            const s = await getJson("/api/section?id=" + encodeURIComponent(c.sectionId));
            clear(panel);
            panel.append(s.isList ? el("ul", {}, ...s.units.map(u => el("li", { text: u }))) : el("p", { text: s.units.join(" ") }));
            panel.append(el("a", { href: "/section?id=" + encodeURIComponent(c.sectionId) }, "Open the section"));
            panel.dataset.loaded = "1";
          } catch (e) {
            panel.textContent = "This section is no longer in the knowledge.";
          }
        }
      });
      list.append(el("li", {}, toggle, c.quote ? el("q", { text: c.quote }) : null, panel));
    }
    return list;
  }

  function followUps(items) {
    if (!items.length) return null;
    const row = el("div", { class: "followups", role: "group", "aria-label": "Ask next" });
    for (const f of items) {
      const b = el("button", { type: "button", title: f.question }, f.label);
      b.addEventListener("click", () => ask(f.question));
      row.append(b);
    }
    return row;
  }

  function feedback(turnId) {
    const row = el("div", { class: "feedback", role: "group", "aria-label": "Was this answer helpful?" });
    const status = el("span", { role: "status", class: "meta" });
    const up = el("button", { type: "button", "aria-label": "Helpful", "aria-pressed": "false" }, "👍");
    const down = el("button", { type: "button", "aria-label": "Not helpful", "aria-pressed": "false" }, "👎");
    const rate = async (rating, text) => {
      const response = await postJson("/api/feedback", { turnId, rating, text: text || null, session: session() }).catch(() => null);
      status.textContent = response && response.ok ? (text ? "Thanks, noted." : "Thanks for the feedback.") : "Feedback could not be kept.";
      up.setAttribute("aria-pressed", String(rating === "up"));
      down.setAttribute("aria-pressed", String(rating === "down"));
    };
    up.addEventListener("click", () => { const f = row.querySelector("form"); if (f) f.remove(); rate("up"); });
    down.addEventListener("click", () => {
      rate("down");
      if (row.querySelector("form")) return;
      const inputId = "missing-" + randomId();
      const input = el("input", { id: inputId, type: "text", maxlength: "1000" });
      const more = el("form", {},
        el("label", { for: inputId }, "What was missing?"),
        input,
        el("button", { type: "submit" }, "Send"));
      more.addEventListener("submit", e => { e.preventDefault(); rate("down", input.value.trim()); more.remove(); down.focus(); });
      row.append(more);
      input.focus();
    });
    row.append(up, down, status);
    return row;
  }

  function showAnswer(item, a) {
    clear(item);
    item.className = "answer";
    for (const part of renderText(a.text, a.citations)) item.append(part);
    if (a.note) item.append(el("p", { class: "meta", text: a.note }));
    const cites = citationList(a.citations);
    if (cites) item.append(cites);
    const next = followUps(a.followUps || []);
    if (next) item.append(next);
    if (a.wantsFeedback && a.turnId) item.append(feedback(a.turnId));
  }

  function showNotice(item, text) {
    clear(item);
    item.className = "notice";
    item.textContent = text;
  }

  /** Reads a text/event-stream body: calls onEvent(name, data) per event. */
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) name = line.slice(6).trim();
          else if (line.startsWith("data:")) data += line.slice(5).trim();
        }
        if (data) onEvent(name, JSON.parse(data));
      }
    }
  }

  let busy = false;

  async function ask(question) {
    question = String(question || "").trim();
    if (!question || busy) return;
    busy = true;
    send.disabled = true;
    log.append(el("li", { class: "question", text: question }));
    const item = el("li", { class: "answer", "aria-busy": "true" }, el("p", { class: "meta", text: "Thinking…" }));
    log.append(item);
    item.scrollIntoView({ block: "nearest" });
    try {
      const response = await postJson("/api/ask", { question, session: session(), id: randomId() }, "text/event-stream");
      const type = response.headers.get("Content-Type") || "";
      if (type.startsWith("text/event-stream")) {
        let streamed = "";
        let got = false;
        await readEvents(response, (name, data) => {
          if (name === "delta") {
            streamed += data.text;
            clear(item);
            item.append(el("p", { text: streamed }));
          } else if (name === "answer") { showAnswer(item, data); got = true; }
          else if (name === "notice") { showNotice(item, data.text); got = true; }
        });
        if (!got) showNotice(item, "No answer came back. Please ask again.");
      } else {
        const body = await response.json().catch(() => ({}));
        if (body.text && body.citations) showAnswer(item, body);
        else showNotice(item, body.text || body.error || ("The server answered " + response.status + "."));
      }
    } catch (e) {
      showNotice(item, "Advisor could not be reached. Is the server running?");
    } finally {
      item.removeAttribute("aria-busy");
      busy = false;
      send.disabled = false;
      item.scrollIntoView({ block: "nearest" });
    }
  }

  form.addEventListener("submit", e => {
    e.preventDefault();
    const q = box.value;
    box.value = "";
    ask(q).then(() => box.focus());
  });
  box.addEventListener("keydown", e => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("new").addEventListener("click", () => {
    sessionStorage.removeItem(SESSION_KEY);
    clear(log);
    box.focus();
  });
  box.focus();
})();
