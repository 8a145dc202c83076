// Disputes: two or more sides side by side, each with the source sentence in its context (the
// article's text around the side's span), and the claim's source, cue and content highlighted.

import {h, notice, fmtInterval, fmtNumber, truncate} from "./dom.js";
import {link, filtersFor} from "./route.js";
import {stanceBadge} from "./vocab.js";
import {highlighted} from "./highlight.js";
import * as api from "./api.js";
import * as model from "./model.js";

const CONTEXT = 160;   // characters of context each side of the claim
const REACH = 320;     // how far a claim's source or cue may lie and still be shown with it

function wordStart(chars, i) {
  let j = Math.max(0, i);
  const stop = Math.max(0, j - 25);
  while (j > stop && !/\s/.test(chars[j - 1])) j--;
  return j;
}

function wordEnd(chars, i) {
  let j = Math.min(chars.length, i);
  const stop = Math.min(chars.length, j + 25);
  while (j < stop && !/\s/.test(chars[j])) j++;
  return j;
}

async function sideContext(side) {
  if (!Number.isInteger(side.start) || !Number.isInteger(side.end)) return null;
  let art;
  try {
    art = model.article(await api.article(side.article));
  } catch (_) {
    return null;
  }
  const text = art.text || "";
  const chars = Array.from(text);
  const claim = (art.record.claims || []).find(c => c.id === side.claim) || null;
  const spans = [{start: side.start, end: side.end, kind: "claim", label: "what is claimed", id: side.claim}];
  let lo = side.start, hi = side.end;
  const near = (a, b) => Number.isInteger(a) && Number.isInteger(b) && b > a &&
    a >= side.start - REACH && b <= side.end + REACH;
  if (claim && claim.source && near(claim.source.start, claim.source.end)) {
    spans.push({start: claim.source.start, end: claim.source.end, kind: "source", label: "who says it", id: side.claim});
    lo = Math.min(lo, claim.source.start); hi = Math.max(hi, claim.source.end);
  }
  if (claim && claim.cue && near(claim.cue.start, claim.cue.end)) {
    spans.push({start: claim.cue.start, end: claim.cue.end, kind: "cue", label: `cue → ${side.stance || claim.stance}`, id: side.claim});
    lo = Math.min(lo, claim.cue.start); hi = Math.max(hi, claim.cue.end);
  }
  if (side.figure) {
    const fig = (art.record.figures || []).find(f => side.figure.id && f.id === side.figure.id) ||
      (art.record.figures || []).find(f => f.claim === side.claim && f.start >= side.start - REACH && f.end <= side.end + REACH &&
      (f.best === side.figure.best || f.low === side.figure.low));
    if (fig) spans.push({start: fig.start, end: fig.end, kind: "figure", label: "the figure", id: fig.id});
  }
  const from = wordStart(chars, lo - CONTEXT);
  const to = wordEnd(chars, hi + CONTEXT);
  return {
    article: art,
    nodes: [from > 0 ? "… " : "", ...highlighted(text, spans, {from, to}), to < chars.length ? " …" : ""],
  };
}

function sourceLine(side) {
  const src = side.source || {};
  const name = src.kind === "outlet" ? `${side.outlet || "the outlet"} (own voice)` : (src.name || src.text || "unnamed source");
  const extra = [src.kind && src.kind !== "named" ? src.kind : null, src.country, src.sector].filter(Boolean).join(" · ");
  return h("div", {class: "side-source"},
    h("span", {class: "source-name"}, name),
    extra ? h("span", {class: "muted small"}, ` ${extra}`) : null,
    src.text && src.text !== name ? h("div", {class: "muted small"}, `written as “${src.text}”`) : null);
}

async function sideCard(side) {
  const context = await sideContext(side);
  return h("article", {class: ["side", `stance-${side.stance || "unknown"}`]},
    h("header", null, stanceBadge(side.stance), " ", sourceLine(side)),
    side.figure ? h("p", {class: "side-figure"}, h("span", {class: "big"}, fmtInterval(side.figure.low, side.figure.high)),
      side.figure.best != null && side.figure.best !== side.figure.low ? h("span", {class: "muted"}, ` best ${fmtNumber(side.figure.best)}`) : null)
      : null,
    h("blockquote", {class: "context"}, context ? context.nodes : h("span", {class: "k-claim hl"}, side.text || "")),
    h("footer", {class: "small"},
      h("span", {class: "outlet"}, side.outlet || (context && context.article.outlet) || ""),
      side.published ? ` · ${side.published}` : "", " · ",
      h("a", {href: link("article", side.article, {hl: side.claim}), class: "article-link"},
        truncate(side.title || (context && context.article.title) || "article", 90))));
}

function incidentLabel(d) {
  const i = d.incident_detail;
  if (!i) return d.incident;
  return [i.type, i.place_name || i.country, i.date_from].filter(Boolean).join(" · ") || d.incident;
}

/** One dispute with its sides side by side. */
export async function disputeCard(d, {compact = false} = {}) {
  const sides = d.sides || [];
  const cards = await Promise.all(sides.map(sideCard));
  const kind = d.kind === "figure" ? "figures that cannot both be true" : d.kind === "assert_deny" ? "asserted and denied" : d.kind;
  return h("section", {class: ["dispute", `dispute-${d.kind}`], "data-dispute": d.id},
    h("h3", null,
      compact ? h("a", {href: link("dispute", d.id)}, d.about || d.id) : (d.about || d.id), " ",
      h("span", {class: "muted small"}, `${kind}${d.category ? " · " + d.category : ""}`)),
    d.incident && !compact ? h("p", {class: "small"}, "About the incident ",
      h("a", {href: link("incident", d.incident), class: "incident-link"}, incidentLabel(d))) : null,
    h("div", {class: ["sides", `n${Math.min(cards.length, 4)}`]}, cards));
}

export async function render(root, where, stale) {
  if (where.page === "dispute" && where.id) {
    const d = await api.get("disputes/" + encodeURIComponent(where.id));
    if (stale()) return;
    const dispute = d.dispute || d;
    root.appendChild(h("p", {class: "crumbs"}, h("a", {href: link("disputes")}, "Disputes"), " › ", dispute.id));
    root.appendChild(h("h1", null, "Dispute"));
    root.appendChild(await disputeCard(dispute));
    return;
  }
  const kind = ["figure", "assert_deny"].includes(where.params.get("kind")) ? where.params.get("kind") : null;
  const body = await api.list("disputes", {...filtersFor("disputes", where.params), type: kind},
    {pageSize: 200, max: 400});
  if (stale()) return;
  const items = body.items;
  root.appendChild(h("h1", null, "Disputes"));
  root.appendChild(h("p", {class: "lede"}, `${body.total} disputes: figures from different sources that cannot both be true, `,
    "and claims one source asserts and another denies. Each side is shown in its own words, in context."));
  root.appendChild(h("nav", {class: "seg"},
    [null, "figure", "assert_deny"].map(k => h("a", {class: ["btn", kind === k && "active"],
      href: link("disputes", null, {kind: k})}, k ? (k === "figure" ? "figure disputes" : "assert / deny") : "all"))));
  if (!items.length) {
    root.appendChild(notice("No disputes match the filters."));
    return;
  }
  const shown = items;
  const list = h("div", {class: "disputes"});
  root.appendChild(list);
  for (const d of shown) {
    if (stale()) return;
    list.appendChild(await disputeCard(d, {compact: true}));
  }
}
