// Article: its text with every extracted span highlighted by kind (from the stored record's
// character offsets), a legend that toggles kinds, and the record's facts beside it.

import {h, notice, fmtInterval, fmtDateRange, externalLink, truncate, table, plural} from "./dom.js";
import {link} from "./route.js";
import {SPAN_KINDS, typeBadge, stanceBadge} from "./vocab.js";
import {recordSpans, highlighted} from "./highlight.js";
import * as api from "./api.js";
import * as model from "./model.js";

function legend(textEl, counts) {
  return h("ul", {class: "legend span-legend", "aria-label": "Highlight legend"},
    SPAN_KINDS.map(({kind, label}) => {
      const box = h("input", {type: "checkbox", checked: true, "data-kind": kind,
        onchange: ev => textEl.classList.toggle(`hide-${kind}`, !ev.target.checked)});
      return h("li", null, h("label", null, box, h("span", {class: ["hl", `k-${kind}`, "legend-sample"]}, label),
        h("span", {class: "muted small"}, ` ${counts[kind] || 0}`)));
    }));
}

function byId(list) {
  return new Map((list || []).map(x => [x.id, x]));
}

function factsPanel(rec, art) {
  const places = byId(rec.places), times = byId(rec.times), figures = byId(rec.figures), claims = byId(rec.claims),
    actors = byId(rec.actors);
  const claimSource = c => !c ? `${art.outlet || "outlet"} (own voice)`
    : c.source ? (c.source.kind === "outlet" ? `${art.outlet || "outlet"} (own voice)` : (c.source.name || c.source.text || c.source.kind))
      : `${art.outlet || "outlet"} (own voice)`;
  const focus = id => h("a", {href: link("article", art.id, {hl: id}), class: "focus-link"}, id);
  const panel = h("div", {class: "facts-panel"});
  panel.appendChild(h("h2", null, `Events (${(rec.events || []).length})`));
  panel.appendChild((rec.events || []).length ? table([
    {label: "", cell: e => focus(e.id)},
    {label: "Type", cell: e => h("span", null, typeBadge(e.type), e.negated ? " negated" : "", e.hypothetical ? " hypothetical" : "",
      e.historical ? " historical" : "")},
    {label: "Trigger", cell: e => h("strong", null, e.trigger || "")},
    {label: "ACLED", cell: e => e.acled ? [e.acled.event_type, e.acled.sub_event_type].filter(Boolean).join(" › ") : "—", class: "small"},
    {label: "Who → whom", cell: e => [(e.actors || []).map(a => (actors.get(a) || {}).name || a).join(", ") || "?", " → ",
      (e.targets || []).map(a => (actors.get(a) || {}).name || a).join(", ") || "?"].join(""), class: "small"},
    {label: "Where / when", cell: e => {
      const p = places.get(e.place), t = times.get(e.time);
      return [p ? `${p.name || p.text}${p.feature ? " (" + p.feature + ")" : ""}` : "—", " · ", t ? fmtDateRange(t.from, t.to) : "—"].join("");
    }, class: "small"},
    {label: "Says who", cell: e => {
      const c = claims.get(e.claim);
      return h("span", null, h("span", {class: "source-name"}, claimSource(c)), " ", c ? stanceBadge(c.stance) : "");
    }},
  ], rec.events) : notice("No events."));
  panel.appendChild(h("h2", null, `Figures (${(rec.figures || []).length})`));
  panel.appendChild((rec.figures || []).length ? table([
    {label: "", cell: f => focus(f.id)},
    {label: "Category", cell: f => f.category + (f.subject ? ` (${f.subject})` : "")},
    {label: "Interval", cell: f => fmtInterval(f.low, f.high) + (f.best != null ? ` · best ${f.best}` : ""), class: "nowrap"},
    {label: "Text", cell: f => h("span", {class: "quote"}, `“${f.text}”`)},
    {label: "Says who", cell: f => {
      const c = claims.get(f.claim);
      return h("span", null, h("span", {class: "source-name"}, claimSource(c)), " ", c ? stanceBadge(c.stance) : "");
    }},
  ], rec.figures) : notice("No figures."));
  panel.appendChild(h("h2", null, `Claims (${(rec.claims || []).length})`));
  panel.appendChild((rec.claims || []).length ? table([
    {label: "", cell: c => focus(c.id)},
    {label: "Source", cell: c => h("span", null, h("span", {class: "source-name"}, claimSource(c)),
      c.source && c.source.sector ? h("span", {class: "muted small"}, ` ${c.source.sector}`) : null)},
    {label: "Cue", cell: c => c.cue ? `“${c.cue.text}”` : "—"},
    {label: "Stance", cell: c => h("span", null, stanceBadge(c.stance), c.responds_to ? ` answers ${c.responds_to}` : "")},
    {label: "Content", cell: c => h("span", {class: "quote"}, truncate(Array.from(art.text).slice(c.start, c.end).join(""), 160))},
  ], rec.claims) : notice("No claims."));
  return panel;
}

export async function render(root, where, stale) {
  const body = await api.article(where.id);
  if (stale()) return;
  const art = model.article(body);
  const rec = art.record || {};
  root.appendChild(h("p", {class: "crumbs"}, h("a", {href: link("articles")}, "Articles"), " › ", art.id));
  root.appendChild(h("h1", {class: "article-title"}, art.title || "(untitled)"));
  root.appendChild(h("p", {class: "article-meta"},
    h("span", {class: "outlet"}, art.outlet || "unknown outlet"), " · ", art.published || "undated",
    art.language ? ` · ${art.language}` : "",
    art.url ? h("span", null, " · ", externalLink(art.url, "original")) : null));

  const spans = recordSpans(rec, art.text);
  const counts = {};
  for (const sp of spans) counts[sp.kind] = (counts[sp.kind] || 0) + 1;
  const hl = where.params.get("hl");
  const textEl = h("div", {class: "article-text", id: "article-text"},
    highlighted(art.text, spans, {extraClass: sp => (hl && sp.id === hl ? "focus" : null)}));
  root.appendChild(h("div", {class: "article-layout"},
    h("div", {class: "article-main"}, legend(textEl, counts), textEl),
    h("aside", {class: "article-side"}, await related(art))));
  root.appendChild(factsPanel(rec, art));
  if (!spans.length) root.insertBefore(notice("No record is stored for this article yet."), root.children[2]);
  if (hl) {
    const first = textEl.querySelector(".focus");
    if (first) first.scrollIntoView({block: "center"});
  }
}

async function related(art) {
  // The article names its incidents and disputes by id; fetch each (a handful) for a readable link.
  const box = h("div", {class: "related"});
  const fetchAll = (path, ids) => Promise.all(ids.slice(0, 40).map(id =>
    api.get(`${path}/${encodeURIComponent(id)}`).catch(() => ({id}))));
  const ids = list => (list || []).map(x => (typeof x === "string" ? x : x && x.id)).filter(Boolean);
  const [incidents, disputes] = await Promise.all([fetchAll("incidents", ids(art.incidents)),
    fetchAll("disputes", ids(art.disputes))]);
  box.appendChild(h("h2", null, `Incidents (${incidents.length})`));
  box.appendChild(incidents.length ? h("ul", null, incidents.map(i => {
    const inc = model.incident(i);
    return h("li", null, h("a", {href: link("incident", inc.id), class: "incident-link"},
      `${inc.type || "?"} · ${inc.placeName || inc.country || "?"} · ${fmtDateRange(inc.dateFrom, inc.dateTo)}`),
      inc.reports ? h("span", {class: "muted small"}, ` · ${plural(inc.reports, "report")}`) : null);
  })) : h("p", {class: "muted small"}, "none"));
  box.appendChild(h("h2", null, `Disputes (${disputes.length})`));
  box.appendChild(disputes.length ? h("ul", null, disputes.map(d => h("li", null,
    h("a", {href: link("dispute", d.id), class: "dispute-link"}, truncate(d.about || d.id, 80)),
    d.kind ? h("span", {class: "muted small"}, ` ${d.kind === "assert_deny" ? "asserted / denied" : d.kind}`) : null)))
    : h("p", {class: "muted small"}, "none"));
  if ((art.appearances || []).length > 1) {
    box.appendChild(h("h2", null, "Also published by"));
    box.appendChild(h("ul", null, art.appearances.map(a => h("li", null, h("span", {class: "outlet"}, a.outlet || "?"),
      a.published ? ` · ${a.published}` : "", a.url ? h("span", null, " · ", externalLink(a.url, "link")) : null))));
  }
  return box;
}
