// The record's vocabularies (DESIGN.md §3) and how the dashboard shows them.

import {h} from "./dom.js";

export const PLOVER_TYPES = [
  "ASSAULT", "COERCE", "THREATEN", "MOBILIZE", "SANCTION", "PROTEST", "ACCUSE", "REJECT",
  "REQUEST", "RETREAT", "CONCEDE", "AID", "COOPERATE", "SUPPORT", "CONSULT", "AGREE",
];

/** CSS class carrying a type's colour (style.css defines --c for each). */
export function typeClass(type) {
  return PLOVER_TYPES.includes(type) ? `ty-${type}` : "ty-other";
}

export function typeBadge(type) {
  return h("span", {class: ["badge", "type-badge", typeClass(type)]}, type || "?");
}

export function stanceBadge(stance) {
  const known = ["assert", "allege", "deny", "hedge"].includes(stance) ? stance : "unknown";
  return h("span", {class: ["badge", "stance", `stance-${known}`]}, stance || "?");
}

export function gradeBadge(grade) {
  const g = String(grade || "ungraded").replace(/[^a-z_-]/gi, "");
  return h("span", {class: ["badge", "grade", `grade-${g}`]}, grade || "ungraded");
}

// Place precision. A point feature gets a circle marker; an administrative area or region gets a
// translucent circle of roughly its size; a country gets no marker at all (a dot at a country's
// centre would claim a precision nobody reported).
const POINT_FEATURES = new Set(["city", "town", "village", "camp", "crossing", "facility", "site", "point",
  "neighbourhood", "neighborhood", "locality", "settlement", "airport", "base", "hospital", "market"]);
// Rough extents of the gazetteer's area features (curated.yaml: a region's rough centre).
const AREA_RADIUS_KM = {district: 45, admin2: 45, enclave: 30, valley: 60, mountain: 60, river: 80, border: 100,
  admin: 110, admin1: 110, territory: 150, region: 220, sea: 300};
const NO_MARKER = new Set(["country", "continent"]);

export function precision(feature, lat, lon, country = null) {
  const f = String(feature || "").toLowerCase();
  if (NO_MARKER.has(f)) return {kind: "country"};
  if (lat === null || lat === undefined || lon === null || lon === undefined) return {kind: country ? "country" : "none"};
  if (f in AREA_RADIUS_KM) return {kind: "area", radiusKm: AREA_RADIUS_KM[f]};
  if (POINT_FEATURES.has(f)) return {kind: "point"};
  return {kind: "point", uncertain: true};  // located, precision not recorded
}

/** Marker radius in pixels: area proportional to reported deaths, capped. */
export function deathRadius(deaths) {
  if (!deaths || deaths <= 0) return 5;
  return Math.min(40, 5 + 2.2 * Math.sqrt(deaths));
}

export const SPAN_KINDS = [
  {kind: "actor", label: "actors"},
  {kind: "place", label: "places"},
  {kind: "time", label: "times"},
  {kind: "figure", label: "figures"},
  {kind: "claim", label: "claim content"},
  {kind: "source", label: "claim source"},
  {kind: "cue", label: "claim cue"},
  {kind: "trigger", label: "event trigger"},
];
