// Hash routing: #/page/id?filters&page-options. The shared filters live in the hash query, so a
// copied link carries them from page to page.

export const FILTERS = ["date_from", "date_to", "country", "type", "outlet", "actor"];

export function current() {
  const raw = location.hash.replace(/^#\/?/, "");
  const cut = raw.indexOf("?");
  const path = cut >= 0 ? raw.slice(0, cut) : raw;
  const query = cut >= 0 ? raw.slice(cut + 1) : "";
  const parts = path.split("/").filter(Boolean).map(p => {
    try { return decodeURIComponent(p); } catch (_) { return p; }
  });
  return {page: parts[0] || "timeline", id: parts[1] || null, params: new URLSearchParams(query)};
}

/** The shared filters of the current hash, as an object of non-empty values. */
export function filters(params = current().params) {
  const out = {};
  for (const key of FILTERS) {
    const value = (params.get(key) || "").trim();
    if (value) out[key] = value;
  }
  return out;
}

/** A link to a page that keeps the current filters; `extra` adds page options (null removes). */
export function link(page, id = null, extra = {}, keepFilters = true) {
  const params = new URLSearchParams();
  if (keepFilters) for (const [k, v] of Object.entries(filters())) params.set(k, v);
  for (const [k, v] of Object.entries(extra || {})) {
    if (v === null || v === undefined || v === "") params.delete(k); else params.set(k, String(v));
  }
  const query = params.toString();
  return "#/" + encodeURIComponent(page) + (id ? "/" + encodeURIComponent(id) : "") + (query ? "?" + query : "");
}

export function go(page, id = null, extra = {}) {
  location.hash = link(page, id, extra);
}

/** The current page with some parameters replaced (filters included). */
export function withParams(changes) {
  const {page, id, params} = current();
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === "") params.delete(k); else params.set(k, String(v));
  }
  const query = params.toString();
  return "#/" + encodeURIComponent(page) + (id ? "/" + encodeURIComponent(id) : "") + (query ? "?" + query : "");
}

// Which shared filters each API list accepts (it answers 422 to any other parameter). `type` means
// the PLOVER type only for events and incidents (for disputes it is the kind, for figures the
// category), so it is sent only there.
const ACCEPTS = {
  events: ["date_from", "date_to", "country", "type", "outlet", "actor"],
  incidents: ["date_from", "date_to", "country", "type", "outlet", "actor"],
  articles: ["date_from", "date_to", "country", "outlet", "actor"],
  disputes: ["date_from", "date_to", "country", "outlet", "actor"],
};

export function filtersFor(resource, params = current().params) {
  const all = filters(params);
  const out = {};
  for (const key of ACCEPTS[resource] || []) if (all[key]) out[key] = all[key];
  return out;
}
