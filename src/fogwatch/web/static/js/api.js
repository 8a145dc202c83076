// The JSON API (same origin): GET /api/<things>?filters → {total, limit, offset, items}.

export class ApiError extends Error {
  constructor(status, path, detail) {
    super(`${path}: ${status}${detail ? " — " + detail : ""}`);
    this.status = status;
  }
}

const cache = new Map();  // path+query → Promise of JSON, for the life of one page view

export function resetCache() {
  cache.clear();
}

function url(path, params) {
  const u = new URL("/api/" + path.replace(/^\/+/, ""), location.origin);
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== "") u.searchParams.set(k, String(v));
  }
  return u;
}

export function get(path, params) {
  const u = url(path, params);
  const key = u.pathname + u.search;
  if (!cache.has(key)) {
    const promise = fetch(u, {headers: {Accept: "application/json"}, credentials: "same-origin"}).then(async r => {
      if (!r.ok) {
        let detail = "";
        try { const body = await r.json(); detail = typeof body.detail === "string" ? body.detail : ""; } catch (_) { /* not JSON */ }
        throw new ApiError(r.status, path, detail);
      }
      return r.json();
    });
    cache.set(key, promise);
    promise.catch(() => cache.delete(key));
  }
  return cache.get(key);
}

/** A list endpoint, paged until `max` items or the end; returns {items, total}. */
export async function list(path, params = {}, {pageSize = 500, max = 5000} = {}) {
  const items = [];
  let total = null;
  let offset = 0;
  while (items.length < max) {
    const body = await get(path, {...params, limit: Math.min(pageSize, max - items.length), offset});
    const page = Array.isArray(body) ? body : (body.items || []);
    total = Array.isArray(body) ? page.length : (body.total ?? page.length);
    items.push(...page);
    offset += page.length;
    if (!page.length || Array.isArray(body) || offset >= total) break;
  }
  return {items, total: total ?? items.length};
}

/** One article with its text and record (cached, so a disputes page fetches each article once). */
export function article(id) {
  return get("articles/" + encodeURIComponent(id));
}
