// The single-page app: tabs, hash routing, one page module per view.

import {h, clear, notice} from "./dom.js";
import {current, link} from "./route.js";
import {buildFilterBar, syncFilterBar} from "./filters.js";
import * as api from "./api.js";
import * as timeline from "./timeline.js";
import * as mapPage from "./map.js";
import * as lists from "./lists.js";
import * as incidentPage from "./incident.js";
import * as disputesPage from "./disputes.js";
import * as articlePage from "./article.js";

const PAGES = {
  timeline: {title: "Timeline", render: timeline.render, tab: "timeline"},
  map: {title: "Map", render: mapPage.render, tab: "map"},
  events: {title: "Events", render: lists.renderEvents, tab: "events"},
  incidents: {title: "Incidents", render: lists.renderIncidents, tab: "incidents"},
  incident: {title: "Incident", render: incidentPage.render, tab: "incidents"},
  disputes: {title: "Disputes", render: disputesPage.render, tab: "disputes"},
  dispute: {title: "Dispute", render: disputesPage.render, tab: "disputes"},
  articles: {title: "Articles", render: lists.renderArticles, tab: "articles"},
  article: {title: "Article", render: articlePage.render, tab: "articles"},
};
const TABS = ["timeline", "map", "events", "incidents", "disputes", "articles"];

let renderSeq = 0;
let cleanup = null;

function setStatus(text) {
  document.getElementById("status").textContent = text || "";
}

function drawTabs(active) {
  const nav = clear(document.getElementById("tabs"));
  for (const tab of TABS) {
    nav.appendChild(h("a", {href: link(tab), class: ["tab", tab === active && "active"],
      "aria-current": tab === active ? "page" : null}, PAGES[tab].title));
  }
}

async function route() {
  const seq = ++renderSeq;
  const where = current();
  delete document.body.dataset.ready;
  const page = PAGES[where.page] || null;
  syncFilterBar();
  drawTabs(page ? page.tab : null);
  if (cleanup) { try { cleanup(); } catch (_) { /* ignore */ } cleanup = null; }
  api.resetCache();
  const main = clear(document.getElementById("main"));
  const container = h("div", {class: ["page", `page-${where.page}`]});
  main.appendChild(container);
  if (!page) {
    container.appendChild(notice(`No page called “${where.page}”.`, "error"));
    return;
  }
  document.title = `${page.title} · fogwatch`;
  setStatus("loading…");
  document.body.classList.add("loading");
  try {
    const result = await page.render(container, where, () => seq !== renderSeq);
    if (seq !== renderSeq) {
      if (typeof result === "function") result();
      return;
    }
    if (typeof result === "function") cleanup = result;
    setStatus("");
  } catch (err) {
    if (seq !== renderSeq) return;
    setStatus("");
    container.appendChild(notice(err && err.status === 404 ? "Not found." : `Could not load: ${err && err.message}`,
      "error"));
  } finally {
    if (seq === renderSeq) {
      document.body.classList.remove("loading");
      document.body.dataset.ready = where.page;  // tests wait for this
    }
  }
}

function start() {
  buildFilterBar(document.getElementById("filters"));
  window.addEventListener("hashchange", route);
  if (!location.hash || location.hash === "#" || location.hash === "#/") {
    history.replaceState(null, "", "#/timeline");
  }
  route();
}

start();
