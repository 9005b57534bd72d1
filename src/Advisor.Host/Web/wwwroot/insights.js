"use strict";
// The Insights page: questions per day, answer / refusal / 👎 rates and median latency, drawn as inline SVG from
// /api/admin/insights, each chart with its figures as a table too; and the gap report.
(function () {
  const { el, getJson, clear, percent } = window.Advisor;
  const SVG = "http://www.w3.org/2000/svg";
  const W = 320, H = 160, L = 34, R = 8, T = 10, B = 24;
  const charts = document.getElementById("charts");
  const totals = document.getElementById("totals");
  const gaps = document.getElementById("gaps");
  const status = document.getElementById("status");
  const days = document.getElementById("days");

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A chart of one or more series over the days: bars for one count series, lines for rates. */
  function chart(title, perDay, series, options) {
    const max = options.max || Math.max(1, ...perDay.flatMap(d => series.map(s => d[s.key] || 0)));
    const n = perDay.length;
    const x = i => L + (n <= 1 ? (W - L - R) / 2 : i * (W - L - R) / (n - 1));
    const y = v => T + (H - T - B) * (1 - v / max);
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title });
    root.append(svg("title", {}, title));
    root.append(svg("line", { class: "axis", x1: L, y1: H - B, x2: W - R, y2: H - B }));
    root.append(svg("line", { class: "axis", x1: L, y1: T, x2: L, y2: H - B }));
    root.append(svg("text", { x: L - 4, y: T + 4, "text-anchor": "end" }, options.format(max)));
    root.append(svg("text", { x: L - 4, y: H - B, "text-anchor": "end" }, options.format(0)));
    if (n > 0) {
      root.append(svg("text", { x: L, y: H - 6 }, perDay[0].day.slice(5)));
      root.append(svg("text", { x: W - R, y: H - 6, "text-anchor": "end" }, perDay[n - 1].day.slice(5)));
    }
    if (options.bars) {
      const key = series[0].key;
      const w = Math.max(1, (W - L - R) / Math.max(n, 1) - 1);
      perDay.forEach((d, i) => {
        const v = d[key] || 0;
        const left = L + i * (W - L - R) / Math.max(n, 1);
        const bar = svg("rect", { class: "bar", x: left.toFixed(1), y: y(v).toFixed(1), width: w.toFixed(1), height: (H - B - y(v)).toFixed(1) });
        bar.append(svg("title", {}, d.day + ": " + options.format(v)));
        root.append(bar);
      });
    } else {
      series.forEach((s, k) => {
        let path = "";
        let pen = false;
        perDay.forEach((d, i) => {
          const v = d[s.key];
          if (v === null || v === undefined) { pen = false; return; }
          path += (pen ? "L" : "M") + x(i).toFixed(1) + " " + y(v).toFixed(1) + " ";
          pen = true;
        });
        if (path) root.append(svg("path", { class: "s" + k, d: path }));
      });
    }
    const legend = series.length > 1 ? el("ul", { class: "legend" }, ...series.map((s, k) => el("li", { class: "k" + k, text: "— " + s.label }))) : null;
    const table = el("table", {}, el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Day" }), ...series.map(s => el("th", { scope: "col", text: s.label })))),
      el("tbody", {}, ...perDay.map(d => el("tr", {}, el("th", { scope: "row", text: d.day }), ...series.map(s => el("td", { text: options.format(d[s.key]) }))))));
    return el("figure", {}, el("figcaption", { text: title }), root, legend,
      el("details", {}, el("summary", { text: "Figures" }), el("div", { class: "scroll" }, table)));
  }

  function showGaps(list) {
    clear(gaps);
    if (!list.length) { gaps.append(el("p", { text: "No gaps in this period." })); return; }
    for (const g of list) {
      const box = el("article", { class: "gap" },
        el("h3", {}, el("span", { class: "badge", text: g.kind }), g.subject),
        el("p", { class: "meta", text: g.count + " question" + (g.count === 1 ? "" : "s") + (g.disliked ? ", " + g.disliked + " 👎" : "") }));
      if (g.examples.length) box.append(el("ul", {}, ...g.examples.map(q => el("li", { text: q }))));
      if (g.missing.length) box.append(el("p", {}, el("strong", { text: "Missing, users said: " }), g.missing.join(" · ")));
      if (g.closestSection) box.append(el("p", { class: "meta", text: "Closest section: " + g.closestSection }));
      gaps.append(box);
    }
  }

  async function load() {
    status.textContent = "Loading…";
    try {
      const r = await getJson("/api/admin/insights?days=" + encodeURIComponent(days.value));
      const t = r.total;
      clear(totals);
      for (const [k, v] of [["Questions", String(t.questions)], ["Answered", percent(t.answerRate)], ["Refused (not covered)", percent(t.refusalRate)],
        ["👎 of answers", percent(t.dislikeRate)], ["Median latency", t.medianLatencyMs === null ? "–" : t.medianLatencyMs + " ms"]]) {
        totals.append(el("dt", { text: k }), el("dd", { text: v }));
      }
      clear(charts);
      const count = v => v === null || v === undefined ? "–" : String(Math.round(v));
      const ms = v => v === null || v === undefined ? "–" : (v >= 100 ? Math.round(v) : Number(v).toFixed(1)) + " ms";
      charts.append(chart("Questions per day", r.perDay, [{ key: "questions", label: "Questions" }], { bars: true, format: count }));
      charts.append(chart("Rates per day", r.perDay, [
        { key: "answerRate", label: "Answered" }, { key: "refusalRate", label: "Refused" }, { key: "dislikeRate", label: "👎" }], { max: 1, format: percent }));
      charts.append(chart("Median latency per day", r.perDay, [{ key: "medianLatencyMs", label: "Median latency" }], { bars: true, format: ms }));
      showGaps(r.gaps);
      status.textContent = r.truncated ? "Only the newest " + r.entries + " questions of the period are counted." : "";
    } catch (e) {
      status.textContent = "Could not read the figures: " + e.message;
    }
  }

  document.getElementById("period").addEventListener("submit", e => { e.preventDefault(); load(); });
  // A link can name the period (the weekly digest links ?days=7#gaps): one of the choices, else the default stays.
  const asked = new URLSearchParams(location.search).get("days");
  if (asked && Array.from(days.options).some(o => o.value === asked)) days.value = asked;
  load().then(() => { if (location.hash === "#gaps") gaps.scrollIntoView(); });
})();
