"use strict";
(function () {
  const { el, getJson, safeUrl, clear } = window.Advisor;
  const box = document.getElementById("section");
  const id = new URLSearchParams(window.location.search).get("id");

  async function show() {
    if (!id) { clear(box); box.append(el("h1", { text: "No section" }), el("p", { text: "The address names no section." })); return; }
    try {
      const s = await getJson("/api/section?id=" + encodeURIComponent(id));
      clear(box);
      document.title = s.label + " · Advisor";
      box.append(el("h1", { text: s.label }));
      box.append(s.isList ? el("ul", {}, ...s.units.map(u => el("li", { text: u }))) : el("p", { text: s.units.join(" ") }));
      const source = safeUrl(s.sourceUrl);
      box.append(el("p", { class: "meta" }, "From ", el("code", { text: s.file }), source ? " · " : "", source ? el("a", { href: source, rel: "noopener noreferrer" }, "original article") : null));
      box.append(el("p", { class: "meta" }, "Section id ", el("code", { text: s.id }), " · knowledge version ", el("code", { text: s.knowledgeVersion })));
    } catch (e) {
      clear(box);
      box.append(el("h1", { text: "Section not found" }), el("p", { text: "This section is not in the knowledge served now (it may have changed in a reload)." }));
    }
  }

  show();
})();
