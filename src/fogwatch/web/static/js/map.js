// Map: Natural Earth country shapes (no tiles, nothing fetched from elsewhere) and one mark per
// incident (or per reported event), drawn with the precision its place has: a circle marker for a
// town, a translucent circle of about the area's size for a region, and nothing for a country —
// those are listed beside the map instead.

import {h, notice, fmtNumber, fmtInterval, fmtDateRange, plural} from "./dom.js";
import {filtersFor, link, withParams} from "./route.js";
import {PLOVER_TYPES, typeClass, precision, deathRadius, typeBadge, gradeBadge} from "./vocab.js";
import * as api from "./api.js";
import * as model from "./model.js";

let countries = null;  // the base map, fetched once

async function baseMap() {
  if (!countries) {
    countries = fetch("/static/data/countries.geojson").then(r => {
      if (!r.ok) throw new Error(`base map: ${r.status}`);
      return r.json();
    });
    countries.catch(() => { countries = null; });
  }
  return countries;
}

function tooltipNode(item, layer) {
  const deaths = deathsOf(item, layer);
  return h("div", {class: "map-tip"},
    h("div", null, typeBadge(item.type), " ", h("strong", null, item.placeName || item.country || "?"),
      item.feature ? h("span", {class: "muted"}, ` (${item.feature})`) : null),
    h("div", null, layer === "incidents" ? fmtDateRange(item.dateFrom, item.dateTo) : (item.date || "undated")),
    layer === "incidents"
      ? h("div", null, `${plural(item.reports, "report")} · ${item.independent} independent · `, gradeBadge(item.grade))
      : h("div", {class: "quote"}, `“${item.text || item.trigger || ""}”`, h("br"),
        h("span", {class: "muted"}, item.outlet || "")),
    h("div", null, deathLine(item, layer, deaths)),
    h("div", {class: "muted small"}, "click to open"));
}

function deathLine(item, layer, deaths) {
  if (!deaths) return "No death toll reported";
  if (layer !== "incidents") return `Reported deaths: ${fmtNumber(deaths)}`;
  const f = item.fatalities;
  if (f.best != null) return `Reported deaths: ${fmtNumber(f.best)} (range ${fmtInterval(f.low, f.high)})`;
  return `Reported deaths: ${fmtInterval(f.low, f.high)}, no best estimate` +
    (f.acled != null ? ` (ACLED conservative ${fmtNumber(f.acled)})` : "");
}

export async function render(root, where, stale) {
  const layerName = where.params.get("layer") === "events" ? "events" : "incidents";
  const [geo, rows, events] = await Promise.all([
    baseMap(),
    api.list(layerName, {...filtersFor(layerName, where.params), ...(layerName === "events" ? {factual: true} : {})},
      {pageSize: 1000, max: 5000}),
    layerName === "incidents" ? api.list("events", {...filtersFor("events", where.params)}, {pageSize: 1000, max: 5000})
      : null,
  ]);
  if (stale()) return;
  const items = rows.items.map(layerName === "incidents" ? model.incident : model.event);
  if (events) placeFeatures(items, events.items.map(model.event));

  root.appendChild(h("div", {class: "map-head"},
    h("h1", null, "Map"),
    h("nav", {class: "seg", "aria-label": "Layer"},
      h("a", {href: withParams({layer: null}), class: ["btn", layerName === "incidents" && "active"]}, "Incidents"),
      h("a", {href: withParams({layer: "events"}), class: ["btn", layerName === "events" && "active"]}, "Reported events"))));

  const mapEl = h("div", {id: "map", class: "map", role: "region", "aria-label": "Map"});
  const side = h("aside", {class: "map-side"});
  root.appendChild(h("div", {class: "map-layout"}, mapEl, side));

  if (typeof window.L === "undefined") {
    mapEl.appendChild(notice("The map library did not load.", "error"));
    return;
  }
  const L = window.L;
  const map = L.map(mapEl, {worldCopyJump: false, zoomSnap: 0.25, minZoom: 1, maxZoom: 11,
    attributionControl: true, preferCanvas: false});
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Natural Earth");
  L.geoJSON(geo, {className: "country", interactive: false}).addTo(map);
  const names = L.layerGroup().addTo(map);
  for (const feature of geo.features || []) {
    const at = labelPoint(feature.geometry);
    if (at && feature.properties && feature.properties.name) {
      L.tooltip({permanent: true, direction: "center", className: "country-label", interactive: false})
        .setLatLng(at).setContent(h("span", null, feature.properties.name)).addTo(names);
    }
  }
  const zoomClass = () => mapEl.classList.toggle("zoomed-out", map.getZoom() < 3.5);
  map.on("zoomend", zoomClass);

  const located = [], countryLevel = [], unlocated = [];
  const bounds = [];
  const drawn = L.featureGroup().addTo(map);
  // Biggest first, so small marks stay on top and clickable.
  const sorted = [...items].sort((a, b) => deathsOf(b, layerName) - deathsOf(a, layerName));
  // Death tolls written beside their marks, while there are few enough to read.
  const labelled = sorted.filter(i => deathsOf(i, layerName) > 0 && i.lat != null && i.lon != null &&
    !["country", "none"].includes(precision(i.feature, i.lat, i.lon, i.country).kind)).length <= 40;
  for (const item of sorted) {
    const p = precision(item.feature, item.lat, item.lon, item.country);
    if (p.kind === "country") { countryLevel.push(item); continue; }
    if (p.kind === "none") { unlocated.push(item); continue; }
    const deaths = deathsOf(item, layerName);
    const cls = ["mark", typeClass(item.type), deaths > 0 ? "has-deaths" : "no-deaths"];
    let mark;
    if (p.kind === "area") {
      cls.push("area");
      mark = L.circle([item.lat, item.lon], {radius: p.radiusKm * 1000, className: cls.join(" ")});
    } else {
      cls.push("point");
      if (p.uncertain) cls.push("uncertain");
      mark = L.circleMarker([item.lat, item.lon], {radius: deathRadius(deaths), className: cls.join(" ")});
    }
    mark.bindTooltip(tooltipNode(item, layerName), {direction: "top", sticky: false, opacity: 1});
    const target = layerName === "incidents" ? link("incident", item.id)
      : (item.incident ? link("incident", item.incident) : link("article", item.articleId, {hl: item.id}));
    mark.on("click", () => { location.hash = target; });
    mark.addTo(drawn);
    if (labelled && deaths > 0) {
      L.tooltip({permanent: true, direction: "right", className: "death-label", interactive: false,
        offset: [p.kind === "area" ? 4 : deathRadius(deaths), 0]})
        .setLatLng([item.lat, item.lon]).setContent(h("span", null, fmtNumber(deaths))).addTo(drawn);
    }
    located.push(item);
    bounds.push([item.lat, item.lon]);
  }
  if (bounds.length) {
    map.fitBounds(L.latLngBounds(bounds).pad(0.35), {maxZoom: 7});
  } else {
    map.setView([15, 20], 2);
  }
  zoomClass();
  mapEl.dataset.marks = String(located.length);

  side.appendChild(h("p", {class: "small"},
    `${fmtNumber(located.length)} ${layerName} on the map`,
    rows.items.length < rows.total ? ` (first ${fmtNumber(rows.items.length)} of ${fmtNumber(rows.total)})` : "", "."));
  side.appendChild(h("h2", null, "Legend"));
  side.appendChild(h("ul", {class: "legend map-legend"},
    h("li", null, h("span", {class: "sym sym-point"}), "town or point (size: reported deaths)"),
    h("li", null, h("span", {class: "sym sym-area"}), "region or province: where, not how many"),
    h("li", null, h("span", {class: "sym sym-nodeath"}), "no death toll reported"),
    h("li", null, h("span", {class: "sym sym-uncertain"}), "precision not recorded")));
  const present = new Set(items.map(i => i.type));
  side.appendChild(h("ul", {class: "legend type-legend"}, PLOVER_TYPES.filter(t => present.has(t)).map(t =>
    h("li", null, h("a", {href: withParams({type: t})}, h("span", {class: ["swatch", typeClass(t)]}), t)))));

  side.appendChild(h("h2", null, "Country-level only"));
  side.appendChild(h("p", {class: "muted small"},
    "Reports that name only a country get no marker: a dot at its centre would claim a place nobody reported."));
  side.appendChild(countryLevel.length ? sideList(countryLevel, layerName, "country-level")
    : h("p", {class: "muted small"}, "none"));
  if (unlocated.length) {
    side.appendChild(h("h2", null, "No place"));
    side.appendChild(sideList(unlocated, layerName, "unlocated"));
  }
  return () => map.remove();
}

/** Where to write a country's name: the middle of the bounding box of its largest polygon. */
function labelPoint(geometry) {
  if (!geometry) return null;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates]
    : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  let best = null, bestArea = 0;
  for (const polygon of polygons) {
    const ring = polygon[0] || [];
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const [x, y] of ring) {
      minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
    const area = (maxX - minX) * (maxY - minY);
    if (area > bestArea) { bestArea = area; best = [(minY + maxY) / 2, (minX + maxX) / 2]; }
  }
  return bestArea > 4 ? best : null;  // tiny islands stay unlabelled
}

/** Incidents carry their place's name and coordinates but not its kind (town, province, country);
 * their events do. Take the feature from an event of the incident at the same place. */
function placeFeatures(incidents, events) {
  const byIncident = new Map();
  for (const e of events) {
    if (!e.incident || !e.feature) continue;
    if (!byIncident.has(e.incident)) byIncident.set(e.incident, []);
    byIncident.get(e.incident).push(e);
  }
  for (const inc of incidents) {
    if (inc.feature) continue;
    const candidates = byIncident.get(inc.id) || [];
    const same = candidates.find(e => e.placeName && e.placeName === inc.placeName)
      || candidates.find(e => e.lat != null && Math.abs(e.lat - inc.lat) < 1e-3 && Math.abs(e.lon - inc.lon) < 1e-3);
    if (same) inc.feature = same.feature;
  }
}

function deathsOf(item, layerName) {
  // An incident's best estimate, else ACLED's conservative count, else the low end.
  const f = item.fatalities;
  const v = layerName === "incidents" ? (f.best ?? f.acled ?? f.low) : item.deaths;
  return v || 0;
}

function sideList(items, layerName, cls) {
  // Grouped by country, most first; each group folds.
  const groups = new Map();
  for (const item of items) {
    const key = item.country || "no country named";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  const sorted = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  return h("div", {class: ["side-groups", cls]}, sorted.map(([country, group], i) => {
    // Tolls are not summed: reports of one event repeat, and sources disagree.
    const withToll = group.filter(item => deathsOf(item, layerName) > 0).length;
    return h("details", {class: "side-group", open: i === 0 && group.length <= 12},
      h("summary", null, h("strong", null, country), ` · ${group.length} ${layerName}`,
        withToll ? h("span", {class: "muted"}, ` · ${withToll} with a death toll`) : null),
      sideItems(group, layerName));
  }));
}

function sideItems(items, layerName) {
  return h("ul", {class: "side-list"}, items.slice(0, 300).map(item => {
    const deaths = deathsOf(item, layerName);
    const href = layerName === "incidents" ? link("incident", item.id)
      : (item.incident ? link("incident", item.incident) : link("article", item.articleId, {hl: item.id}));
    return h("li", {class: "country-level-item"},
      h("span", {class: ["swatch", typeClass(item.type)]}),
      h("a", {href}, layerName === "incidents" ? fmtDateRange(item.dateFrom, item.dateTo) : (item.date || "undated"),
        " · ", item.type || "?", " · ", item.placeName || item.country || "—"),
      deaths ? h("span", {class: "muted"}, ` · ${fmtNumber(deaths)} dead`) : null,
      layerName === "incidents" ? h("span", {class: "muted"}, ` · ${plural(item.reports, "report")}`) : null);
  }));
}
