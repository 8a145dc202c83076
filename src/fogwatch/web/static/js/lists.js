// Tables: events, incidents, articles, each filtered by the shared filters and paged.

import {h, table, fmtNumber, fmtInterval, fmtDateRange, truncate, notice} from "./dom.js";
import {link, filtersFor, withParams} from "./route.js";
import {typeBadge, stanceBadge, gradeBadge} from "./vocab.js";
import * as api from "./api.js";
import * as model from "./model.js";

const PAGE = 100;

export function placeLabel(name, country, feature) {
  const bits = [];
  if (name) bits.push(name);
  if (country && country !== name) bits.push(country);
  const label = bits.join(", ") || "—";
  return feature ? h("span", null, label, " ", h("span", {class: "muted small"}, `(${feature})`)) : label;
}

export function incidentTable(incidents) {
  return table([
    {label: "Date", cell: i => fmtDateRange(i.dateFrom, i.dateTo), class: "nowrap"},
    {label: "Type", cell: i => typeBadge(i.type)},
    {label: "ACLED", cell: i => i.acledSub || i.acledType || "—", class: "small"},
    {label: "Place", cell: i => placeLabel(i.placeName, i.country, i.feature)},
    {label: "Reports", cell: i => String(i.reports), class: "num"},
    {label: "Independent", cell: i => String(i.independent), class: "num"},
    {label: "Grade", cell: i => gradeBadge(i.grade)},
    {label: "Deaths (low–high)", class: "num", cell: i => {
      const f = i.fatalities;
      if (f.best == null && f.low == null && f.high == null) return "—";
      if (f.best == null) return h("span", {class: "muted", title: "no best estimate"}, fmtInterval(f.low, f.high));
      return h("span", null, fmtNumber(f.best), " ", h("span", {class: "muted small"}, `(${fmtInterval(f.low, f.high)})`));
    }},
    {label: "", cell: i => h("a", {href: link("incident", i.id), class: "go incident-link"}, "open →")},
  ], incidents, {class: "incidents"});
}

export function eventTable(events) {
  return table([
    {label: "Date", cell: e => e.date || "undated", class: "nowrap"},
    {label: "Type", cell: e => typeBadge(e.type)},
    {label: "Trigger", cell: e => h("strong", null, e.trigger || "")},
    {label: "What the report says", cell: e => h("span", {class: "quote event-text"}, truncate(e.text, 220))},
    {label: "ACLED", cell: e => e.acledSub || e.acledType || "—", class: "small"},
    {label: "Place", cell: e => placeLabel(e.placeName, e.country, e.feature)},
    {label: "Reported by", cell: e => h("span", {class: "source-name"},
      e.sourceName || (e.sourceKind === "outlet" || !e.sourceKind ? `${e.outlet || "outlet"} (own voice)` : e.sourceKind))},
    {label: "Stance", cell: e => e.stance ? stanceBadge(e.stance) : "—"},
    {label: "Article", cell: e => h("span", null,
      h("a", {href: link("article", e.articleId, {hl: e.id}), class: "article-link"}, truncate(e.title || e.articleId, 70)),
      h("br"), h("span", {class: "muted small outlet"}, e.outlet || ""))},
    {label: "", cell: e => e.incident
      ? h("a", {href: link("incident", e.incident), class: "go incident-link"}, "incident →") : ""},
  ], events, {class: "events", rowClass: e => (e.negated || e.hypothetical) ? "dim" : null});
}

function pager(total, offset, count) {
  const nav = h("nav", {class: "pager"});
  nav.appendChild(h("span", {class: "muted"}, total ? `${offset + 1}–${offset + count} of ${fmtNumber(total)}` : "none"));
  if (offset > 0) nav.appendChild(h("a", {href: withParams({offset: Math.max(0, offset - PAGE) || null}), class: "btn"}, "← previous"));
  if (offset + count < total) nav.appendChild(h("a", {href: withParams({offset: offset + PAGE}), class: "btn"}, "next →"));
  return nav;
}

function offsetOf(where) {
  const n = parseInt(where.params.get("offset") || "0", 10);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

export async function renderEvents(root, where) {
  const offset = offsetOf(where);
  const body = await api.get("events", {...filtersFor("events", where.params), limit: PAGE, offset});
  const items = (body.items || []).map(model.event);
  root.appendChild(h("h1", null, "Events"));
  root.appendChild(h("p", {class: "lede"}, "Each row is one event as one article reports it, with who reports it and how. ",
    "The same event in several reports is an ", h("a", {href: link("incidents")}, "incident"), "."));
  root.appendChild(pager(body.total ?? items.length, offset, items.length));
  root.appendChild(items.length ? eventTable(items) : notice("No events match the filters."));
}

export async function renderIncidents(root, where) {
  const offset = offsetOf(where);
  const body = await api.get("incidents", {...filtersFor("incidents", where.params), limit: PAGE, offset});
  const items = (body.items || []).map(model.incident);
  root.appendChild(h("h1", null, "Incidents"));
  root.appendChild(h("p", {class: "lede"}, "Reports of one event grouped across outlets. ",
    "Deaths are the reconciled best estimate and the range the sources span; the grade says how well the incident is sourced."));
  root.appendChild(pager(body.total ?? items.length, offset, items.length));
  root.appendChild(items.length ? incidentTable(items) : notice("No incidents match the filters."));
}

export async function renderArticles(root, where) {
  const offset = offsetOf(where);
  const body = await api.get("articles", {...filtersFor("articles", where.params), limit: PAGE, offset});
  const items = (body.items || []).map(model.article);
  root.appendChild(h("h1", null, "Articles"));
  root.appendChild(pager(body.total ?? items.length, offset, items.length));
  root.appendChild(items.length ? table([
    {label: "Published", cell: a => a.published || "—", class: "nowrap"},
    {label: "Outlet", cell: a => h("span", {class: "outlet"}, a.outlet || "—")},
    {label: "Title", cell: a => h("a", {href: link("article", a.id), class: "article-link"}, a.title || a.id)},
    {label: "Also at", cell: a => h("span", {class: "small"}, (a.raw.outlets || []).filter(o => o !== a.outlet).join(", ") || "—")},
    {label: "Events · claims · figures", class: "num", cell: a => {
      const c = a.raw.counts || {};
      return `${c.events ?? "?"} · ${c.claims ?? "?"} · ${c.figures ?? "?"}`;
    }},
  ], items, {class: "articles"}) : notice("No articles match the filters."));
}
