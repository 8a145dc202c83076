// One number line per figure category: every source's interval (low–high) as a bar and its best
// value as a dot, on a shared logarithmic axis, so "thousands" and "closer to 850" sit side by side.

import {s, h, fmtNumber, fmtInterval, truncate} from "./dom.js";

const W = 960, LABEL = 270, RIGHT = 190, ROW = 32, TOP = 14, AXIS = 34;

function finite(v) {
  return v !== null && v !== undefined && Number.isFinite(Number(v));
}

/** log10(1 + v): 0 stays 0, and 7, 850 and 10,000 all fit on one axis. */
function scaleFor(maxValue) {
  const maxT = Math.log10(1 + Math.max(10, maxValue) * 1.25);
  const x = v => LABEL + (Math.log10(1 + Math.max(0, v)) / maxT) * (W - LABEL - RIGHT);
  return {x, maxT, max: Math.pow(10, maxT) - 1};
}

function ticks(max) {
  const out = [0];
  for (let p = 1; p <= max; p *= 10) {
    out.push(p);
    if (2 * p <= max && p >= 10) out.push({minor: 2 * p});
    if (5 * p <= max) out.push({minor: 5 * p});
  }
  return out;
}

/**
 * rows: [{label, sublabel, low, high, best, stance, kind: "source"|"reconciled", title}]
 * Returns an <svg>. An open interval ("more than 200": no high) runs to the axis end with an arrow.
 */
export function numberLine(rows, caption) {
  const values = rows.flatMap(r => [r.low, r.high, r.best]).filter(finite).map(Number);
  const {x, max} = scaleFor(values.length ? Math.max(...values) : 10);
  const H = TOP + rows.length * ROW + AXIS;
  const svg = s("svg", {viewBox: `0 0 ${W} ${H}`, class: "numberline", role: "img", "aria-label": caption});
  svg.appendChild(s("title", null, caption));
  const axisY = TOP + rows.length * ROW + 4;
  svg.appendChild(s("line", {x1: x(0), x2: x(max), y1: axisY, y2: axisY, class: "axis"}));
  for (const t of ticks(max)) {
    const v = typeof t === "object" ? t.minor : t;
    const minor = typeof t === "object";
    svg.appendChild(s("line", {x1: x(v), x2: x(v), y1: TOP - 4, y2: axisY + (minor ? 3 : 6),
      class: minor ? "grid minor" : "grid"}));
    if (!minor) {
      svg.appendChild(s("text", {x: x(v), y: axisY + 20, class: "tick-label", "text-anchor": "middle"},
        v >= 1000 ? `${fmtNumber(v / 1000)}k` : String(v)));
    }
  }
  rows.forEach((r, i) => {
    const y = TOP + i * ROW + ROW / 2;
    const g = s("g", {class: ["fig-row", `fig-${r.kind}`, r.stance && `stance-${r.stance}`],
      "data-source": r.label});
    g.appendChild(s("title", null, r.title || r.label));
    g.appendChild(s("text", {x: LABEL - 10, y: y - 2, class: "fig-label", "text-anchor": "end"}, truncate(r.label, 34)));
    if (r.sublabel) {
      g.appendChild(s("text", {x: LABEL - 10, y: y + 10, class: "fig-sublabel", "text-anchor": "end"},
        truncate(r.sublabel, 40)));
    }
    const low = finite(r.low) ? Number(r.low) : (finite(r.high) ? 0 : null);
    const open = !finite(r.high) && low !== null;
    const high = finite(r.high) ? Number(r.high) : (open ? max : null);
    if (low !== null && high !== null) {
      const x1 = x(low), x2 = Math.max(x(high), x1 + 3);
      g.appendChild(s("rect", {x: x1, y: y - 5, width: x2 - x1, height: 10, rx: 3,
        class: ["interval", open && "open"]}));
      if (open) g.appendChild(s("path", {d: `M${x2 - 1},${y - 8} L${x2 + 8},${y} L${x2 - 1},${y + 8} Z`, class: "open-arrow"}));
    }
    if (finite(r.best)) g.appendChild(s("circle", {cx: x(Number(r.best)), cy: y, r: 5.5, class: "best"}));
    const lo = finite(r.low) ? Number(r.low) : null, hi = finite(r.high) ? Number(r.high) : null;
    const best = finite(r.best) ? Number(r.best) : null;
    const bestSaysMore = best !== null && !(lo === best && (hi === null || hi === best));
    g.appendChild(s("text", {x: W - RIGHT + 16, y: bestSaysMore ? y - 1 : y + 4, class: "fig-value"}, fmtInterval(lo, hi)));
    if (bestSaysMore) {
      g.appendChild(s("text", {x: W - RIGHT + 16, y: y + 11, class: "fig-best"}, `best ${fmtNumber(best)}`));
    }
    svg.appendChild(g);
  });
  return svg;
}

/** The figure summaries of an incident (reconcile.figures): one block per category/subject. */
export function figureBlocks(figures) {
  return figures.map(fig => {
    const sources = fig.sources || [];
    const rows = sources.map(src => ({
      kind: "source",
      label: src.source || "unnamed source",
      sublabel: `“${src.text || ""}”${src.published ? " · " + src.published : ""}`,
      low: src.low, high: src.high, best: src.best, stance: src.stance,
      title: `${src.source}: “${src.text}” (${src.qualifier || "?"}, ${src.stance || "?"}${src.credible === false ? ", not credited" : ""})`,
    }));
    rows.push({kind: "reconciled", label: "reconciled", sublabel: fig.rule ? truncate(fig.rule, 60) : "",
      low: fig.low, high: fig.high, best: fig.best, title: fig.rule || "reconciled"});
    const caption = `${fig.category}${fig.subject ? " (" + fig.subject + ")" : ""}`;
    const svg = numberLine(rows, caption);
    return h("figure", {class: "figure-block", "data-category": fig.category},
      h("figcaption", null, h("strong", null, caption), " ",
        h("span", {class: "muted"}, `${fig.best != null ? "best " + fmtNumber(fig.best) : "no best estimate"} · range ${fmtInterval(fig.low, fig.high)}`,
          fig.acled != null ? ` · ACLED (conservative) ${fmtNumber(fig.acled)}` : "",
          fig.credible === false ? " · not credible" : "")),
      svg,
      fig.backing ? h("p", {class: "muted small"}, "Who backs each number — ",
        Object.entries(fig.backing).filter(([, v]) => (v || []).length)
          .map(([k, v]) => `${k}: ${v.join(", ")}`).join(" · ")) : null);
  });
}
