// The filter bar shared by every page. Its values live in the hash query (route.js), so links and
// the browser's back button carry them.

import {h, clear} from "./dom.js";
import {FILTERS, current, filters, withParams} from "./route.js";
import {PLOVER_TYPES} from "./vocab.js";
import * as api from "./api.js";

const LABELS = {date_from: "From", date_to: "To", country: "Country", type: "Type", outlet: "Outlet", actor: "Actor"};

let built = false;
const inputs = {};

function control(key) {
  const id = `f-${key}`;
  let input;
  if (key === "date_from" || key === "date_to") {
    input = h("input", {type: "date", id, name: key});
  } else if (key === "type") {
    input = h("select", {id, name: key}, h("option", {value: ""}, "any"),
      PLOVER_TYPES.map(t => h("option", {value: t}, t)));
  } else if (key === "country") {
    input = h("input", {type: "text", id, name: key, list: "dl-country", placeholder: "ISO3, e.g. SDN", size: 8,
      maxlength: 3, pattern: "[A-Za-z]{3}", title: "ISO 3166-1 alpha-3 code"});
  } else {
    input = h("input", {type: "text", id, name: key, list: `dl-${key}`, placeholder: key === "actor" ? "name" : "name",
      size: 14});
  }
  inputs[key] = input;
  return h("label", {class: "filter", for: id}, h("span", null, LABELS[key]), input);
}

function apply(event) {
  event.preventDefault();
  const changes = {};
  for (const key of FILTERS) {
    let value = inputs[key].value.trim();
    if (key === "country") value = value.toUpperCase();
    changes[key] = value;
  }
  location.hash = withParams(changes);
}

function reset() {
  const changes = {};
  for (const key of FILTERS) changes[key] = null;
  location.hash = withParams(changes);
}

async function fillSuggestions(form) {
  // The outlets, countries and types present in the store (/api/stats), as suggestions; the inputs
  // stay free text.
  let stats;
  try {
    stats = await api.get("stats");
  } catch (_) {
    return;  // suggestions are a convenience
  }
  const values = list => (Array.isArray(list) ? list : []).map(x => (x && typeof x === "object" ? x.value : x))
    .filter(v => typeof v === "string" && v);
  for (const [key, list] of [["country", stats.countries], ["outlet", stats.outlets]]) {
    const options = values(list);
    if (options.length) form.appendChild(h("datalist", {id: `dl-${key}`}, options.map(v => h("option", {value: v}))));
  }
  const present = new Set([...values(stats.event_types), ...values(stats.incident_types)]);
  if (present.size) {
    for (const option of inputs.type.options) {
      if (option.value && !present.has(option.value)) option.classList.add("absent");
    }
  }
}

export function buildFilterBar(form) {
  if (built) return;
  built = true;
  clear(form);
  form.appendChild(h("div", {class: "filter-row"},
    FILTERS.map(control),
    h("button", {type: "submit", class: "btn"}, "Apply"),
    h("button", {type: "button", class: "btn btn-quiet", onclick: reset}, "Clear"),
    h("span", {class: "active-filters", id: "active-filters"})));
  form.addEventListener("submit", apply);
  for (const key of ["type"]) inputs[key].addEventListener("change", apply);
  for (const key of ["date_from", "date_to"]) inputs[key].addEventListener("change", apply);
  fillSuggestions(form);
}

export function syncFilterBar() {
  const active = filters(current().params);
  for (const key of FILTERS) {
    if (inputs[key] && document.activeElement !== inputs[key]) inputs[key].value = active[key] || "";
  }
  const summary = document.getElementById("active-filters");
  if (summary) {
    const n = Object.keys(active).length;
    summary.textContent = n ? `${n} filter${n > 1 ? "s" : ""} active` : "";
  }
}
