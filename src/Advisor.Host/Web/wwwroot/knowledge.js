"use strict";
// The Knowledge page: what is served, the last reload's report and a Reload button.
(function () {
  const { el, getJson, postJson, clear, toLogin } = window.Advisor;
  const summary = document.getElementById("summary");
  const last = document.getElementById("last");
  const failed = document.getElementById("failed");
  const articles = document.querySelector("#articles tbody");
  const sections = document.querySelector("#sections tbody");
  const filter = document.getElementById("filter");
  const status = document.getElementById("reload-status");
  const reload = document.getElementById("reload");
  let allSections = [];

  function facts(list, pairs) {
    clear(list);
    for (const [k, v] of pairs) list.append(el("dt", { text: k }), el("dd", { text: v }));
  }

  function names(title, items) {
    return items && items.length ? el("p", {}, el("strong", { text: title + ": " }), items.join(", ")) : null;
  }

  function showReport(box, r) {
    clear(box);
    box.append(el("pre", { text: r.summary }));
    const diff = [
      names("Articles added", r.articlesAdded), names("Articles changed", r.articlesChanged), names("Articles removed", r.articlesRemoved),
      names("Sections added", r.sectionsAdded), names("Sections changed", r.sectionsChanged), names("Sections removed", r.sectionsRemoved),
      names("Roles added", r.rolesAdded), names("Roles removed", r.rolesRemoved)
    ].filter(Boolean);
    for (const d of diff) box.append(d);
    if (r.eval) {
      box.append(el("p", {}, el("strong", { text: "Eval score: " }),
        (r.eval.score * 100).toFixed(1) + " % (" + r.eval.right + " of " + r.eval.total + ", floor " + (r.eval.floor * 100).toFixed(0) + " %) — " + (r.eval.passed ? "passed" : "below the floor")));
    }
  }

  function showErrors(errors, skipped) {
    clear(failed);
    const all = (errors || []).map(e => [e.file, e.reason]).concat((skipped || []).map(e => [e.file, "not followed: " + e.reason]));
    if (!all.length) { failed.append(el("p", { text: "None: every file loaded." })); return; }
    const list = el("ul");
    for (const [file, reason] of all) list.append(el("li", {}, el("code", { text: file }), " — ", reason));
    failed.append(list);
  }

  function showSections() {
    const q = filter.value.trim().toLowerCase();
    clear(sections);
    for (const s of allSections) {
      if (q && !(s.id + " " + s.label).toLowerCase().includes(q)) continue;
      sections.append(el("tr", {},
        el("td", { class: "id" }, el("a", { href: "/section?id=" + encodeURIComponent(s.id) }, s.id)),
        el("td", { text: s.label }),
        el("td", { text: s.aspect || "–" }),
        el("td", { text: s.units + (s.isList ? " items" : " sentences") })));
    }
  }

  async function load() {
    const k = await getJson("/api/admin/knowledge");
    facts(summary, [["Version", k.version], ["Articles", String(k.articles.length)], ["Sections", String(k.sections.length)],
      ["Files not loaded", String(k.errors.length + k.skipped.length)], ["Load time", k.loadMs + " ms"]]);
    if (k.lastReload) showReport(last, k.lastReload);
    showErrors(k.errors, k.skipped);
    clear(articles);
    for (const a of k.articles) {
      articles.append(el("tr", {}, el("td", { class: "id", text: a.file }), el("td", { text: a.title }),
        el("td", { text: a.roles.join(", ") || "–" }), el("td", { text: String(a.sections) })));
    }
    allSections = k.sections;
    showSections();
  }

  reload.addEventListener("click", async () => {
    reload.disabled = true;
    status.textContent = "Reloading…";
    try {
      const response = await postJson("/api/admin/reload", {});
      if (response.status === 401) { toLogin(); return; }
      const r = await response.json();
      // The page shows what is served and the report first; the status, read out by screen readers, says so last.
      let stale = "";
      try { await load(); } catch (e) { stale = " The page could not be refreshed (" + e.message + "); reload it to see what is served."; }
      showReport(last, r);
      status.textContent = (r.succeeded ? (r.changed ? "Reloaded: new version " + r.version + "." : "Reloaded: no changes.") : "Reload failed; the last good knowledge keeps serving.") + stale;
    } catch (e) {
      status.textContent = "The reload could not be started: " + e.message;
    } finally {
      reload.disabled = false;
    }
  });
  filter.addEventListener("input", showSections);
  load().catch(e => { status.textContent = "Could not read the knowledge: " + e.message; });
})();
