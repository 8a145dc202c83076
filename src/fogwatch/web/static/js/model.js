// One place that turns API rows into the shapes the pages draw, so that a renamed API field is
// fixed here and nowhere else.

function pick(o, ...keys) {
  if (!o) return undefined;
  for (const key of keys) {
    const path = key.split(".");
    let v = o;
    for (const p of path) v = v == null ? undefined : v[p];
    if (v !== undefined && v !== null && v !== "") return v;
  }
  return undefined;
}

function num(v) {
  if (v === null || v === undefined || v === "") return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function incident(r) {
  return {
    id: r.id,
    type: pick(r, "type"),
    acledType: pick(r, "acled_event_type", "acled.event_type"),
    acledSub: pick(r, "acled_sub_event_type", "acled.sub_event_type"),
    dateFrom: pick(r, "date_from", "date"),
    dateTo: pick(r, "date_to"),
    placeName: pick(r, "place_name", "place.name"),
    admin1: pick(r, "place_admin1", "admin1", "place.admin1"),
    country: pick(r, "country", "place_country", "place.country"),
    lat: num(pick(r, "lat", "place_lat", "place.lat")),
    lon: num(pick(r, "lon", "place_lon", "place.lon")),
    feature: pick(r, "place_feature", "feature", "place.feature"),
    reports: num(pick(r, "reports")) ?? 0,
    outlets: num(pick(r, "outlets")) ?? 0,
    independent: num(pick(r, "independent_sources")) ?? 0,
    grade: pick(r, "grade"),
    gradeRule: pick(r, "grade_rule"),
    fatalities: {
      low: num(pick(r, "fatalities_low")), best: num(pick(r, "fatalities_best")),
      high: num(pick(r, "fatalities_high")), acled: num(pick(r, "fatalities_acled")),
    },
    figures: r.figures || [],
    reportsDetail: pick(r, "reports_detail") || (Array.isArray(r.reports) ? r.reports : []) || [],
    disputes: r.disputes || [],
    raw: r,
  };
}

export function event(r) {
  const figures = Array.isArray(r.figures) ? r.figures : [];
  const killed = figures.filter(f => f && typeof f === "object" && f.category === "killed")
    .map(f => num(f.best ?? f.low)).filter(v => v != null);
  const place = r.place && typeof r.place === "object" ? r.place : {};
  const claim = r.claim && typeof r.claim === "object" ? r.claim : {};
  const art = r.article && typeof r.article === "object" ? r.article : {};
  return {
    articleId: pick(r, "article_id") ?? art.id ?? (typeof r.article === "string" ? r.article : undefined),
    id: pick(r, "id", "event_id"),
    trigger: pick(r, "trigger"),
    text: pick(r, "text"),
    type: pick(r, "type"),
    mode: pick(r, "mode"),
    acledType: pick(r, "acled.event_type", "acled_event_type"),
    acledSub: pick(r, "acled.sub_event_type", "acled_sub_event_type"),
    placeName: pick(place, "name") ?? pick(r, "place_name"),
    country: pick(place, "country") ?? pick(r, "place_country", "country"),
    lat: num(pick(place, "lat") ?? pick(r, "place_lat", "lat")),
    lon: num(pick(place, "lon") ?? pick(r, "place_lon", "lon")),
    feature: pick(place, "feature") ?? pick(r, "place_feature", "feature"),
    date: pick(r, "date", "date_from") ?? art.published,
    dateTo: pick(r, "date_to"),
    sourceName: pick(claim, "source.name", "source.text") ?? pick(r, "source_name"),
    sourceKind: pick(claim, "source.kind") ?? pick(r, "source_kind"),
    stance: pick(claim, "stance") ?? pick(r, "stance"),
    outlet: art.outlet ?? pick(r, "outlet"),
    title: art.title ?? pick(r, "title"),
    actors: (r.actors || []).filter(a => a && typeof a === "object"),
    targets: (r.targets || []).filter(a => a && typeof a === "object"),
    figures,
    deaths: killed.length ? Math.max(...killed) : null,
    incident: pick(r, "incident", "incident_id"),
    negated: !!r.negated, hypothetical: !!r.hypothetical, historical: !!r.historical,
    raw: r,
  };
}

export function article(r) {
  const record = pick(r, "record") || {};
  const rec = typeof record === "string" ? JSON.parse(record) : record;
  return {
    id: pick(r, "id", "article.id", "record.article.id"),
    title: pick(r, "title", "record.article.title"),
    outlet: pick(r, "outlet", "record.article.outlet"),
    published: pick(r, "published", "record.article.published"),
    url: pick(r, "url", "record.article.url"),
    language: pick(r, "language"),
    text: pick(r, "text") ?? "",
    record: rec,
    appearances: r.appearances || [],
    incidents: r.incidents || [],
    disputes: r.disputes || [],
    raw: r,
  };
}

/** A figure's source label, whatever shape it comes in. */
export function sourceLabel(source, outlet) {
  if (!source) return outlet ? `${outlet} (own voice)` : "the outlet (own voice)";
  if (typeof source === "string") return source;
  if (source.kind === "outlet") return `${outlet || "the outlet"} (own voice)`;
  const name = source.name || source.text || "unnamed source";
  return source.kind && source.kind !== "named" ? `${name} (${source.kind})` : name;
}
