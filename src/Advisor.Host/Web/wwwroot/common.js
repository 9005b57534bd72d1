// Shared helpers of Advisor's pages. Everything from the server or the user is put on the page as text
// (textContent, attributes set one by one): never as HTML.
"use strict";

window.Advisor = (function () {
  /** Makes an element: el("a", { href: "/x", class: "ref" }, "text", child, …). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Sends the admin to the login page when the server says the login has ended. */
  function toLogin() {
    window.location.assign("/login?return=" + encodeURIComponent(window.location.pathname));
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.status === 401) { toLogin(); throw new Error("not logged in"); }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || ("HTTP " + response.status));
    return body;
  }

  async function postJson(url, value, accept) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: accept || "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(value || {})
    });
  }

  /** An http(s) address, or null: nothing else is ever put in an href. */
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function percent(value) { return value === null || value === undefined ? "–" : (value * 100).toFixed(1) + " %"; }

  return { el, getJson, postJson, safeUrl, clear, percent, toLogin };
})();
