// Timeline: incidents and events per day (or week/month on long spans) as stacked SVG bars,
// coloured by type; clicking a bar lists what happened then.

import {h, s, notice, fmtNumber, plural} from "./dom.js";
import {filters, filtersFor, withParams, link} from "./route.js";
import {PLOVER_TYPES, typeClass} from "./vocab.js";
import {incidentTable, eventTable} from "./lists.js";
import * as api from "./api.js";
import * as model from "./model.js";

const DAY = 86400000;
// An event whose time spans more than this ("last year", "in recent months") says little about
// when it happened: it is counted, not drawn (the incidents' own rule, reconcile/incidents.py).
const MAX_SPAN_DAYS = 14;

function toMs(date) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date || "");
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : null;
}

function iso(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Buckets of a span: days up to ~4 months, then weeks (from Monday), then months. */
function bucketing(minMs, maxMs) {
  const days = Math.round((maxMs - minMs) / DAY) + 1;
  if (days <= 120) return {unit: "day", key: ms => iso(ms), start: ms => ms, next: ms => ms + DAY};
  if (days <= 1000) {
    const monday = ms => ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY;
    return {unit: "week", key: ms => iso(monday(ms)), start: monday, next: ms => ms + 7 * DAY};
  }
  const first = ms => { const d = new Date(ms); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1); };
  return {unit: "month", key: ms => iso(first(ms)).slice(0, 7), start: first,
    next: ms => { const d = new Date(ms); return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1); }};
}

/** A row's label and baseline (its bars are drawn per bucket). */
function rowFrame(field, y0, height, x0, x1) {
  const g = s("g", {class: `row row-${field}`});
  g.appendChild(s("text", {x: 8, y: y0 + height / 2, class: "row-label", "dominant-baseline": "middle"}, field));
  g.appendChild(s("line", {x1: x0, x2: x1, y1: y0 + height, y2: y0 + height, class: "baseline"}));
  return g;
}

export async function render(root, where, stale) {
  const f = filters(where.params);
  const [incidents, events] = await Promise.all([
    api.list("incidents", filtersFor("incidents", where.params), {pageSize: 1000, max: 5000}),
    api.list("events", {...filtersFor("events", where.params), factual: true}, {pageSize: 1000, max: 5000}),
  ]);
  if (stale()) return;
  const inc = incidents.items.map(model.incident);
  const evs = events.items.map(model.event);
  root.appendChild(h("h1", null, "Timeline"));
  root.appendChild(h("p", {class: "lede"},
    `${fmtNumber(incidents.total)} incidents from ${fmtNumber(events.total)} reported events`,
    incidents.items.length < incidents.total ? ` (showing the first ${fmtNumber(incidents.items.length)})` : "",
    ". Click a bar to see what was reported for that ",
    "day; each incident groups the reports of one event across outlets."));

  const vague = e => {
    const a = toMs(e.date), b = toMs(e.dateTo);
    return a != null && b != null && (b - a) / DAY > MAX_SPAN_DAYS;
  };
  // The span drawn: the filters' dates if given, else the incidents' dates (reconciled, so a stray
  // "in October 2023" does not stretch the axis), else the events'.
  const incDates = inc.map(i => toMs(i.dateFrom || i.dateTo)).filter(v => v != null);
  const evDates = evs.filter(e => !vague(e)).map(e => toMs(e.date)).filter(v => v != null);
  const showAll = where.params.get("range") === "all";
  const basis = showAll ? [...incDates, ...evDates] : (incDates.length ? incDates : evDates);
  if (!basis.length) {
    root.appendChild(notice("Nothing dated matches the filters."));
    return;
  }
  let minMs = Math.min(...basis), maxMs = Math.max(...basis);
  if (f.date_from && toMs(f.date_from) != null) minMs = Math.max(minMs, toMs(f.date_from));
  if (f.date_to && toMs(f.date_to) != null) maxMs = Math.min(maxMs, toMs(f.date_to));
  if (maxMs < minMs) maxMs = minMs;
  const b = bucketing(minMs, maxMs);
  const buckets = [];
  const index = new Map();
  for (let ms = b.start(minMs); ms <= maxMs; ms = b.next(ms)) {
    const key = b.key(ms);
    if (index.has(key)) continue;
    index.set(key, buckets.length);
    buckets.push({key, ms, incidents: {}, events: {}, nInc: 0, nEv: 0});
  }
  const undated = {incidents: 0, events: 0, outside: 0, vague: 0};
  for (const i of inc) {
    const ms = toMs(i.dateFrom || i.dateTo);
    if (ms == null) { undated.incidents++; continue; }
    if (!index.has(b.key(ms))) { undated.outside++; continue; }
    const bucket = buckets[index.get(b.key(ms))];
    bucket.incidents[i.type] = (bucket.incidents[i.type] || 0) + 1;
    bucket.nInc++;
  }
  for (const e of evs) {
    const ms = toMs(e.date);
    if (ms == null) { undated.events++; continue; }
    if (vague(e)) { undated.vague++; continue; }
    if (!index.has(b.key(ms))) { undated.outside++; continue; }
    const bucket = buckets[index.get(b.key(ms))];
    bucket.events[e.type] = (bucket.events[e.type] || 0) + 1;
    bucket.nEv++;
  }

  const selected = where.params.get("day");
  const W = 1000, left = 86, right = 12, rowH = {incidents: 110, events: 70}, gap = 16, top = 8;
  const H = top + rowH.incidents + gap + rowH.events + 34;
  const bw = (W - left - right) / buckets.length;
  const x = i => left + i * bw;
  const maxInc = Math.max(1, ...buckets.map(k => k.nInc));
  const maxEv = Math.max(1, ...buckets.map(k => k.nEv));
  const svg = s("svg", {viewBox: `0 0 ${W} ${H}`, class: "timeline", role: "img",
    "aria-label": `Incidents and events per ${b.unit}`});
  const yInc = top, yEv = top + rowH.incidents + gap;
  svg.appendChild(rowFrame("incidents", yInc, rowH.incidents, x(0), x(buckets.length)));
  svg.appendChild(rowFrame("events", yEv, rowH.events, x(0), x(buckets.length)));
  svg.appendChild(s("text", {x: left - 6, y: yInc + 10, class: "axis-note", "text-anchor": "end"}, String(maxInc)));
  svg.appendChild(s("text", {x: left - 6, y: yEv + 10, class: "axis-note", "text-anchor": "end"}, String(maxEv)));

  const labelEvery = Math.max(1, Math.ceil(buckets.length / 12));
  buckets.forEach((bucket, i) => {
    const g = s("g", {class: ["bucket", bucket.key === selected && "selected", !(bucket.nInc + bucket.nEv) && "empty"],
      tabindex: 0, role: "link", "data-day": bucket.key,
      "aria-label": `${bucket.key}: ${bucket.nInc} incidents, ${bucket.nEv} events`});
    g.appendChild(s("title", null, `${bucket.key}: ${bucket.nInc} incidents, ${bucket.nEv} events`));
    g.appendChild(s("rect", {x: x(i), y: top, width: bw, height: H - top - 24, class: "hit"}));
    const pad = Math.min(2, bw * 0.15);
    for (const [field, y0, height, max] of [["incidents", yInc, rowH.incidents, maxInc], ["events", yEv, rowH.events, maxEv]]) {
      let y = y0 + height;
      for (const type of [...PLOVER_TYPES, undefined]) {
        const n = bucket[field][type];
        if (!n) continue;
        const bh = (n / max) * (height - 4);
        y -= bh;
        g.appendChild(s("rect", {x: x(i) + pad, y, width: Math.max(1, bw - 2 * pad), height: bh,
          class: ["bar", typeClass(type)]}));
      }
    }
    if (i % labelEvery === 0) {
      g.appendChild(s("text", {x: x(i) + bw / 2, y: H - 10, class: "tick-label", "text-anchor": "middle"},
        b.unit === "month" ? bucket.key : bucket.key.slice(5)));
    }
    const open = () => { location.hash = withParams({day: bucket.key === selected ? null : bucket.key}); };
    g.addEventListener("click", open);
    g.addEventListener("keydown", ev => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); } });
    svg.appendChild(g);
  });
  root.appendChild(h("figure", {class: "timeline-figure"}, svg,
    h("figcaption", {class: "muted small"},
      `Bars per ${b.unit} (${buckets[0].key} – ${buckets[buckets.length - 1].key}), coloured by PLOVER type. `,
      undated.incidents || undated.events ? `Undated: ${undated.incidents} incidents, ${undated.events} events. ` : "",
      undated.vague ? `${plural(undated.vague, "event")} dated only vaguely (over ${MAX_SPAN_DAYS} days, e.g. “last year”) not drawn. ` : "",
      undated.outside ? h("span", null, `${plural(undated.outside, "record")} dated outside this span `,
        showAll ? "" : h("a", {href: withParams({range: "all"})}, "(show all dates)"), ". ") : "",
      showAll ? h("a", {href: withParams({range: null})}, "Back to the incidents' span.") : "")));
  root.appendChild(legend(inc, evs));

  if (selected && index.has(selected)) {
    const bucket = buckets[index.get(selected)];
    const inBucket = d => { const ms = toMs(d); return ms != null && b.key(ms) === selected; };
    const selInc = inc.filter(i => inBucket(i.dateFrom || i.dateTo));
    const selEv = evs.filter(e => !vague(e) && inBucket(e.date));
    root.appendChild(h("section", {class: "day-detail", id: "day-detail"},
      h("h2", null, `${b.unit === "day" ? "" : b.unit + " of "}${selected}`, " ",
        h("a", {class: "btn btn-quiet", href: withParams({day: null})}, "close"),
        b.unit === "day" ? h("a", {class: "btn btn-quiet", href: link("timeline", null, {date_from: selected, date_to: selected})},
          "filter to this day") : null),
      h("h3", null, `Incidents (${bucket.nInc})`),
      selInc.length ? incidentTable(selInc) : notice("No incidents."),
      h("h3", null, `Events (${bucket.nEv})`),
      selEv.length ? eventTable(selEv) : notice("No events.")));
  } else {
    root.appendChild(h("section", {class: "day-detail"},
      h("h2", null, "Most reported incidents"),
      inc.length ? incidentTable([...inc].sort((a, c) => c.independent - a.independent || c.reports - a.reports).slice(0, 15))
        : notice("No incidents match the filters.")));
  }
}

function legend(inc, evs) {
  const present = new Set([...inc.map(i => i.type), ...evs.map(e => e.type)]);
  return h("ul", {class: "legend type-legend"},
    PLOVER_TYPES.filter(t => present.has(t)).map(t =>
      h("li", null, h("a", {href: withParams({type: t}), title: `only ${t}`},
        h("span", {class: ["swatch", typeClass(t)]}), t))));
}
