// Text with highlighted spans, built from character offsets. Spans may nest and overlap (a claim's
// content holds actors and figures); the text is cut at every span boundary and each piece gets
// one class per kind that covers it. Every piece is a text node: the article's text is never markup.

import {h} from "./dom.js";

/** JavaScript strings index UTF-16 code units; the record's offsets count code points (Python).
 * Returns a function mapping a code-point offset to a UTF-16 index for this text. */
export function offsetMapper(text) {
  let astral = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) { astral = true; break; }
  }
  if (!astral) return n => n;
  const map = [];
  let unit = 0;
  for (const ch of text) { map.push(unit); unit += ch.length; }
  map.push(unit);
  return n => (n <= 0 ? 0 : n >= map.length ? text.length : map[n]);
}

/** Spans of a record, by kind: [{start, end, kind, label, id}] in code-point offsets. */
export function recordSpans(record, text) {
  const out = [];
  const add = (start, end, kind, label, id) => {
    if (Number.isInteger(start) && Number.isInteger(end) && end > start) out.push({start, end, kind, label, id});
  };
  for (const a of record.actors || []) {
    add(a.start, a.end, "actor", `actor: ${a.name || a.text}${a.country ? " · " + a.country : ""}${a.sector ? " · " + a.sector : ""}`, a.id);
  }
  for (const p of record.places || []) {
    add(p.start, p.end, "place", `place: ${p.name || p.text}${p.country ? " · " + p.country : ""}${p.feature ? " · " + p.feature : ""}`, p.id);
  }
  for (const t of record.times || []) {
    add(t.start, t.end, "time", `time: ${t.from || "?"}${t.to && t.to !== t.from ? " – " + t.to : ""}${t.granularity ? " (" + t.granularity + ")" : ""}`, t.id);
  }
  for (const f of record.figures || []) {
    const range = f.low === f.high || f.high == null ? (f.high == null && f.low != null ? `≥${f.low}` : `${f.low}`) : `${f.low ?? "?"}–${f.high}`;
    add(f.start, f.end, "figure", `figure: ${f.category} ${range} (best ${f.best ?? "?"}, ${f.qualifier || "?"})`, f.id);
  }
  for (const c of record.claims || []) {
    const who = c.source ? (c.source.name || c.source.text || c.source.kind) : "outlet";
    add(c.start, c.end, "claim", `claim ${c.id}: ${c.stance || "?"} — according to ${who}`, c.id);
    if (c.source) add(c.source.start, c.source.end, "source", `claim source: ${who} (${c.source.kind || "?"}${c.source.sector ? ", " + c.source.sector : ""})`, c.id);
    if (c.cue) add(c.cue.start, c.cue.end, "cue", `claim cue: “${c.cue.text}” → ${c.stance || "?"}`, c.id);
  }
  const chars = text ? Array.from(text) : [];
  for (const e of record.events || []) {
    let start = e.start, end = e.end;
    if (e.trigger && Number.isInteger(e.start) && Number.isInteger(e.end) && chars.length) {
      const inside = chars.slice(e.start, e.end).join("").toLowerCase();
      const at = inside.indexOf(String(e.trigger).toLowerCase());
      if (at >= 0) {
        start = e.start + Array.from(inside.slice(0, at)).length;
        end = start + Array.from(String(e.trigger)).length;
      }
    }
    const acled = e.acled ? ` · ${e.acled.event_type || ""}${e.acled.sub_event_type ? " › " + e.acled.sub_event_type : ""}` : "";
    add(start, end, "trigger", `event ${e.id}: ${e.type}${acled}${e.negated ? " (negated)" : ""}${e.hypothetical ? " (hypothetical)" : ""}`, e.id);
  }
  return out;
}

/**
 * Nodes for text[from, to) with the given spans highlighted (offsets in code points).
 * `extraClass(span)` may add classes (e.g. to mark the side of a dispute).
 */
export function highlighted(text, spans, {from = 0, to = null, extraClass = null} = {}) {
  const toUnit = offsetMapper(text);
  const total = Array.from(text).length;
  const lo = Math.max(0, from), hi = Math.min(total, to == null ? total : to);
  const cuts = new Set([lo, hi]);
  const inside = spans.filter(sp => sp.end > lo && sp.start < hi);
  for (const sp of inside) {
    if (sp.start > lo && sp.start < hi) cuts.add(sp.start);
    if (sp.end > lo && sp.end < hi) cuts.add(sp.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const piece = text.slice(toUnit(a), toUnit(b));
    const covering = inside.filter(sp => sp.start <= a && sp.end >= b);
    if (!covering.length) { nodes.push(document.createTextNode(piece)); continue; }
    const kinds = [...new Set(covering.map(sp => sp.kind))];
    const classes = ["hl", ...kinds.map(k => `k-${k}`)];
    for (const sp of covering) if (extraClass) { const c = extraClass(sp); if (c) classes.push(c); }
    nodes.push(h("span", {class: [...new Set(classes)], title: covering.map(sp => sp.label).join("\n"),
      dataset: {kinds: kinds.join(" "), ids: [...new Set(covering.map(sp => sp.id).filter(Boolean))].join(" ")}}, piece));
  }
  return nodes;
}
