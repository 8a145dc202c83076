// Incident: every report of one event, the figures per source on shared number lines, the grade
// with its rule, the independent-source count, and the disputes it holds.

import {h, table, fmtNumber, fmtInterval, fmtDateRange, truncate, notice, plural} from "./dom.js";
import {link} from "./route.js";
import {typeBadge, gradeBadge, typeClass, stanceBadge} from "./vocab.js";
import {figureBlocks} from "./figures.js";
import {disputeCard} from "./disputes.js";
import * as api from "./api.js";
import * as model from "./model.js";
import {sourceLabel} from "./model.js";

function fact(label, ...value) {
  return h("div", {class: "fact"}, h("dt", null, label), h("dd", null, ...value));
}

export async function render(root, where, stale) {
  const body = await api.get("incidents/" + encodeURIComponent(where.id));
  if (stale()) return;
  const inc = model.incident(body.incident || body);
  root.appendChild(h("p", {class: "crumbs"}, h("a", {href: link("incidents")}, "Incidents"), " › ", inc.id));
  root.appendChild(h("h1", null, typeBadge(inc.type), " ", inc.acledSub || inc.acledType || inc.type || "Incident",
    inc.placeName ? ` — ${inc.placeName}` : "", h("span", {class: "muted"}, ` ${fmtDateRange(inc.dateFrom, inc.dateTo)}`)));

  const f = inc.fatalities;
  root.appendChild(h("dl", {class: ["facts", typeClass(inc.type)]},
    fact("Grade", gradeBadge(inc.grade), inc.gradeRule ? h("div", {class: "rule"}, inc.gradeRule) : null),
    fact("Independent sources", h("span", {class: "big independent-count"}, String(inc.independent)),
      h("span", {class: "muted"}, ` of ${plural(inc.reports, "report")} in ${plural(inc.outlets, "outlet")}`)),
    fact("Reported deaths", f.best == null && f.low == null && f.high == null ? "none reported" : h("span", null,
      f.best != null ? h("span", {class: "big"}, fmtNumber(f.best)) : h("span", {class: "big"}, fmtInterval(f.low, f.high)),
      " ", h("span", {class: "muted"}, f.best != null ? `range ${fmtInterval(f.low, f.high)}` : "no best estimate"),
      f.acled != null ? h("div", {class: "muted small"}, `ACLED conservative count: ${fmtNumber(f.acled)}`) : null)),
    fact("Where", inc.placeName || "—", inc.country ? ` (${inc.country})` : "",
      inc.feature ? h("span", {class: "muted"}, ` · ${inc.feature}`) : null,
      inc.lat != null ? h("div", {class: "muted small"}, `${inc.lat.toFixed(2)}, ${inc.lon.toFixed(2)} · `,
        h("a", {href: link("map")}, "map")) : null),
    fact("ACLED", [inc.acledType, inc.acledSub].filter(Boolean).join(" › ") || "—")));

  // One row per article: what it reports of this incident (each event, with who says so).
  const articles = new Map();
  for (const r of inc.reportsDetail) {
    const id = r.article_id || r.article;
    if (!articles.has(id)) articles.set(id, {id, published: r.published, outlet: r.outlet, title: r.title, events: []});
    articles.get(id).events.push(r);
  }
  root.appendChild(h("h2", null, `Reports (${articles.size} articles, ${inc.reportsDetail.length} events)`));
  root.appendChild(articles.size ? table([
    {label: "Published", cell: a => a.published || "—", class: "nowrap"},
    {label: "Outlet", cell: a => h("span", {class: "outlet"}, a.outlet || "—")},
    {label: "Article", cell: a => h("a", {href: link("article", a.id), class: "article-link"}, a.title || a.id)},
    {label: "What it reports", cell: a => h("ul", {class: "report-events"}, a.events.map(r => h("li", null,
      r.type ? typeBadge(r.type) : null, " ",
      h("a", {href: link("article", a.id, {hl: r.event_id}), class: "trigger-link"}, h("strong", null, r.trigger || "?")),
      " ", h("span", {class: "quote"}, `“${truncate(r.text, 160)}”`),
      r.claim && r.claim.source ? h("span", {class: "muted small"}, " — ",
        h("span", {class: "source-name"}, sourceLabel(r.claim.source, a.outlet)), " ", stanceBadge(r.claim.stance)) : null)))},
  ], [...articles.values()], {class: "reports"}) : notice("No reports listed."));

  root.appendChild(h("h2", null, "Figures, source by source"));
  root.appendChild(h("p", {class: "muted small"},
    "Each bar is one source's interval (low–high); the dot is its best value; an arrow means no upper bound. ",
    "The axis is logarithmic, so a vague “hundreds” and an exact “11” can be compared. ",
    "The last row is the reconciled figure and the rule that produced it."));
  const blocks = figureBlocks(inc.figures);
  root.appendChild(blocks.length ? h("div", {class: "figures"}, blocks) : notice("No figures reported."));

  root.appendChild(h("h2", null, `Disputes (${inc.disputes.length})`));
  if (inc.disputes.length) {
    const section = h("div", {class: "disputes"});
    root.appendChild(section);
    for (const d of inc.disputes) section.appendChild(await disputeCard(d, {compact: true}));
  } else {
    root.appendChild(notice("No disputes recorded for this incident."));
  }
}
