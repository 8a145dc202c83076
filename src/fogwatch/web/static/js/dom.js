// Building DOM nodes safely. Article text, titles, outlets and source names are untrusted: they only
// ever reach the page as text nodes (textContent), never as markup. No innerHTML anywhere, no inline
// event handlers, no style attributes (the server's CSP forbids them; classes carry the styling).

const SVG_NS = "http://www.w3.org/2000/svg";

function setProps(el, props, svg) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "style" || key === "innerHTML" || key === "outerHTML" || key === "srcdoc") {
      throw new Error(`refusing to set ${key}`);
    }
    if (key.startsWith("on")) {
      if (typeof value !== "function") throw new Error(`event handler ${key} must be a function`);
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      const cls = Array.isArray(value) ? value.filter(Boolean).join(" ") : String(value);
      if (svg) el.setAttribute("class", cls); else el.className = cls;
    } else if (key === "text") {
      el.textContent = String(value);
    } else if (key === "dataset") {
      for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) el.dataset[k] = String(v);
    } else if (key === "href") {
      el.setAttribute("href", safeHref(value));
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
}

function appendAll(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) appendAll(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** An HTML element: h("a", {href: "#/x", class: "link"}, "text", otherNode). Strings become text. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  setProps(el, props, false);
  appendAll(el, children);
  return el;
}

/** An SVG element, same calling convention as h(). */
export function s(tag, props, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setProps(el, props, true);
  appendAll(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Links may be in-app (#...), same-origin paths, or http(s) URLs; anything else (javascript:,
 * data:, vbscript:) becomes a dead link. */
export function safeHref(value) {
  const href = String(value ?? "").trim();
  if (href.startsWith("#") || (href.startsWith("/") && !href.startsWith("//"))) return href;
  try {
    const url = new URL(href);
    if (url.protocol === "http:" || url.protocol === "https:") return url.href;
  } catch (_) { /* not a URL */ }
  return "#";
}

/** An external article link: opens elsewhere, sends no referrer, gives the page no handle on ours. */
export function externalLink(url, label) {
  const href = safeHref(url);
  if (href === "#") return h("span", {class: "muted"}, label ?? String(url ?? ""));
  return h("a", {href, target: "_blank", rel: "noopener noreferrer nofollow", class: "external"}, label ?? href);
}

export function fmtNumber(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return "?";
  return Number(n).toLocaleString("en-US");
}

/** An interval as people write it: "27", "100–999", "≥101", "≤50". */
export function fmtInterval(low, high) {
  if (low != null && high != null) return low === high ? fmtNumber(low) : `${fmtNumber(low)}–${fmtNumber(high)}`;
  if (low != null) return `≥${fmtNumber(low)}`;
  if (high != null) return `≤${fmtNumber(high)}`;
  return "?";
}

/** "1 outlet", "3 outlets". */
export function plural(n, word, many = word + "s") {
  return `${fmtNumber(n)} ${Number(n) === 1 ? word : many}`;
}

export function truncate(text, n) {
  const t = String(text ?? "");
  return t.length > n ? t.slice(0, n - 1) + "…" : t;
}

export function fmtDateRange(from, to) {
  if (!from && !to) return "undated";
  if (!to || from === to) return from || `until ${to}`;
  if (!from) return `until ${to}`;
  return `${from} – ${to}`;
}

/** A small table: columns [{label, cell(row) -> node|string, class}], rows. */
export function table(columns, rows, props = {}) {
  return h("table", {class: ["data", props.class]},
    h("thead", null, h("tr", null, columns.map(c => h("th", {class: c.class, scope: "col"}, c.label)))),
    h("tbody", null, rows.map(row => h("tr", {class: props.rowClass ? props.rowClass(row) : null},
      columns.map(c => h("td", {class: c.class}, c.cell(row)))))));
}

export function notice(text, kind = "info") {
  return h("p", {class: ["notice", `notice-${kind}`]}, text);
}
