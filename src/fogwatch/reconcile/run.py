"""Running reconciliation over the database, incrementally: the articles just stored join the
near-duplicate index (MinHash signatures kept in `article_groups`) and the stored incidents; only
the incidents they touch are summarised, graded and written again, with their disputes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, text

from fogwatch.reconcile.disputes import disjoint, disputes_in_record
from fogwatch.reconcile.duplicates import (
    ArticleIndex, from_signature, repeated_figures_in, sketch, sketch_bytes,
)
from fogwatch.reconcile.figures import subject_group, summarise_figures
from fogwatch.reconcile.grades import grade_incident, independent_sources
from fogwatch.reconcile.incidents import (
    WINDOW_DAYS, EventRef, Incident, event_refs, group_incidents, incident_from_dict, incident_to_dict,
)
from fogwatch.sources.meta import parse_date
from fogwatch.store.database import Database, now, select_in
from fogwatch.store.reconciled import delete_disputes_of, write_disputes


def _records(conn: Connection, article_ids: list[str] | None) -> list[dict[str, Any]]:
    if article_ids is None:
        rows = conn.execute(text("SELECT r.record FROM records r JOIN articles a ON a.id = r.article_id"
                                 " ORDER BY a.published, a.seq")).all()
    else:
        rows = []
        for article_id in article_ids:
            rows += conn.execute(text("SELECT record FROM records WHERE article_id = :a"), {"a": article_id}).all()
    return [json.loads(r[0]) for r in rows]


def _texts(conn: Connection, article_ids: list[str]) -> dict[str, str]:
    out = {}
    for article_id in article_ids:
        row = conn.execute(text("SELECT text FROM articles WHERE id = :a"), {"a": article_id}).first()
        if row:
            out[article_id] = row[0]
    return out


# A wire copy appears within days of its original, or weeks when an outlet dates it wrongly (a
# copy in FA-KES is dated ten days after its original): a new article is compared with the stored
# articles published within this many days of it (and with undated ones), not the whole store.
COPY_WINDOW_DAYS = 31


def _ranges(days: Iterable[tuple[date, date]], pad: int) -> list[tuple[date, date]]:
    """Day ranges, each widened by `pad` days, merged where they touch."""
    out: list[tuple[date, date]] = []
    for lo, hi in sorted((lo - timedelta(days=pad), hi + timedelta(days=pad)) for lo, hi in days):
        if out and lo <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _index(conn: Connection, records: list[dict[str, Any]], texts: dict[str, str], full: bool
           ) -> tuple[ArticleIndex, dict[str, bytes], dict[str, str]]:
    """The near-duplicate index: the stored signatures a new article could copy, then the new
    articles (whose signatures are returned to be stored). Also the stored group of each stored
    article read: it stays what it was when that article was reconciled."""
    index = ArticleIndex()
    stored_groups: dict[str, str] = {}
    if not full:
        published = [parse_date(r["article"].get("published")) for r in records]
        if any(d is None for d in published):
            wheres = [("", {})]  # an undated article may copy anything
        else:
            wheres = [(" WHERE a.published IS NULL OR (a.published >= :lo AND a.published < :hi)",
                       {"lo": lo.isoformat(), "hi": (hi + timedelta(days=1)).isoformat()})
                      for lo, hi in _ranges(((d, d) for d in published), COPY_WINDOW_DAYS)]
        rows: dict[str, tuple[str, bytes | None]] = {}
        for where, params in wheres:
            for article_id, group_id, sig in conn.execute(text(
                    "SELECT g.article_id, g.group_id, g.signature FROM article_groups g"
                    f" JOIN articles a ON a.id = g.article_id{where}"), params):
                rows[article_id] = (group_id, sig)
        for article_id, (group_id, sig) in sorted(rows.items(), key=lambda kv: (kv[1][0], kv[0])):
            if article_id not in texts and sig is not None:
                index.add_sketch(article_id, from_signature(bytes(sig)))
                stored_groups[article_id] = group_id
    new: dict[str, bytes] = {}
    for article_id, body in texts.items():
        item = sketch(body)  # once: it is both indexed and stored
        index.add_sketch(article_id, item)
        new[article_id] = sketch_bytes(item)
    return index, new, stored_groups


def _groups(conn: Connection, index: ArticleIndex, stored: dict[str, str], article_ids: Iterable[str]
            ) -> dict[str, str]:
    """article id → duplicate group for the new articles and every stored article the run reads:
    a stored article keeps its stored group, a new one takes the group of the stored copy it joins."""
    groups = {}
    for article_id, root in index.group_map().items():
        groups[article_id] = stored.get(article_id) or stored.get(root) or root
    missing = sorted(set(article_ids) - groups.keys())
    groups.update(select_in(conn, "SELECT article_id, group_id FROM article_groups WHERE article_id IN ({values})",
                            missing))
    return groups


def _stored_incidents(conn: Connection, events: list[EventRef]) -> list[Incident]:
    """The stored incidents the new events could join: those whose dates come within the grouping
    window of an event's (an undated event joins none). Reading only these keeps reconciling a
    batch proportional to the batch, not to the store."""
    spans = [(e.date_from, e.date_to or e.date_from) for e in events if e.date_from is not None]
    found: dict[str, tuple[str, str]] = {}
    for lo, hi in _ranges(spans, WINDOW_DAYS + 1):
        for incident_id, date_from, summary in conn.execute(text(
                "SELECT id, date_from, summary FROM incidents WHERE date_from IS NOT NULL"
                " AND date_from < :hi AND COALESCE(date_to, date_from) >= :lo"),
                {"lo": lo.isoformat(), "hi": (hi + timedelta(days=1)).isoformat()}):
            if summary:
                found[incident_id] = (date_from, summary)
    ordered = sorted(found.items(), key=lambda kv: (kv[1][0], kv[0]))  # the order grouping expects
    return [incident_from_dict(json.loads(summary)["incident"]) for _, (_, summary) in ordered]


def _figure_spans(conn: Connection, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for article_id, figure_id in pairs:
        row = conn.execute(text("SELECT start_char, end_char, text FROM figures WHERE article_id = :a AND id = :f"),
                           {"a": article_id, "f": figure_id}).first()
        if row:
            out[(article_id, figure_id)] = {"start": row[0], "end": row[1], "text": row[2]}
    return out


def _voice(ref: EventRef, figure) -> tuple:
    claim = figure.claim
    if claim is None or claim.source.kind in (None, "outlet"):
        return ("outlet", ref.outlet)
    return (claim.source.kind, (claim.source.name or "").lower(), claim.source.country)


def cross_article_figure_disputes(incident: Incident, groups: dict[str, str], repeated: set) -> list[dict[str, Any]]:
    """Figures of one incident from different articles and voices that cannot both be true. A
    later report with a larger count is a toll that rose, not a dispute."""
    items = [(ref, fig) for ref in incident.events for fig in ref.figures
             if not fig.denied and (ref.article_id, fig.id) not in repeated]
    out = []
    for (ra, fa), (rb, fb) in combinations(items, 2):
        if groups.get(ra.article_id, ra.article_id) == groups.get(rb.article_id, rb.article_id):
            continue  # same article or a wire copy of it
        if fa.category != fb.category or subject_group(fa.subject) != subject_group(fb.subject):
            continue
        if fa.qualifier == "vague" or fb.qualifier == "vague":
            continue  # "dozens" in one outlet's headline is no count to hold another's 12 against
        if _voice(ra, fa) == _voice(rb, fb):
            continue
        a, b = {"low": fa.low, "high": fa.high}, {"low": fb.low, "high": fb.high}
        if not disjoint(a, b, tolerance=CROSS_ARTICLE_TOLERANCE) or _different_scale(fa, fb):
            continue
        (early, ef), (late, lf) = sorted([(ra, fa), (rb, fb)], key=lambda p: (p[0].published or p[0].date_from or 0))
        if early.published != late.published and lf.low is not None and ef.high is not None and lf.low > ef.high:
            continue  # the toll rose
        out.append({"kind": "figure", "category": fa.category, "about": fa.subject or fb.subject,
                    "incident": incident.id, "pairs": [(ra, fa), (rb, fb)]})
    return out


# Across articles, counts of one incident drift as they are revised and rounded: two exact counts
# conflict only when they differ by more than half the smaller (12 against 14 is a revision, 12
# against 30 a dispute). Within one article the tighter rounding tolerance applies.
CROSS_ARTICLE_TOLERANCE = 0.5

# Counts this far apart measure different things (a war's toll against one strike's), not one
# incident seen two ways: 1,400 against "dozens" stays a dispute, 230,000 against 26 does not.
SCALE_FACTOR = 20


def _different_scale(a, b) -> bool:
    lows = [x.low if x.low is not None else x.best for x in (a, b)]
    highs = [x.high if x.high is not None else x.best for x in (a, b)]
    if None in lows or None in highs:
        return False
    return max(lows) > SCALE_FACTOR * max(1, min(highs))


def _dispute_sides(dispute: dict[str, Any], spans: dict) -> dict[str, Any]:
    sides = []
    for ref, fig in dispute.pop("pairs"):
        span = spans.get((ref.article_id, fig.id), {})
        claim = fig.claim
        source = claim.source if claim else None
        sides.append({"article": ref.article_id, "claim": claim.id if claim else None,
                      "start": span.get("start"), "end": span.get("end"), "text": span.get("text") or fig.text,
                      "source": {"name": getattr(source, "name", None), "text": None,
                                 "country": getattr(source, "country", None), "sector": getattr(source, "sector", None),
                                 "kind": getattr(source, "kind", None) or "outlet"},
                      "stance": claim.stance if claim else "assert",
                      "figure": {"id": fig.id, "low": fig.low, "high": fig.high, "best": fig.best}})
    dispute["sides"] = sides
    return dispute


def _incident_row(incident: Incident, groups: dict[str, str], repeated: set, at: str) -> dict[str, Any]:
    summaries = summarise_figures(incident, groups, repeated)
    grade = grade_incident(incident, groups, repeated)
    killed = next((s for s in summaries if s.category == "killed" and s.credible), None)
    place = incident.place
    acled = incident.acled[0] if incident.acled else (None, None)
    summary = {
        "incident": incident_to_dict(incident),
        "figures": [{"category": s.category, "subject": s.subject, "low": s.low, "best": s.best, "high": s.high,
                     "acled": s.acled, "backing": s.backing, "rule": s.rule, "credible": s.credible,
                     "sources": [{"source": f.source, "kind": f.kind, "low": f.low, "high": f.high, "best": f.best,
                                  "qualifier": f.qualifier, "text": f.text, "stance": f.stance,
                                  "credible": f.credible,
                                  "published": f.published.isoformat() if f.published else None}
                                 for f in s.sources]} for s in summaries],
    }
    return {
        "id": incident.id, "type": incident.type, "aet": acled[0], "ast": acled[1],
        "df": incident.date_from.isoformat() if incident.date_from else None,
        "dt": incident.date_to.isoformat() if incident.date_to else None,
        "pn": getattr(place, "name", None), "pc": getattr(place, "country", None),
        "lat": getattr(place, "lat", None), "lon": getattr(place, "lon", None),
        "reports": len(incident.reports), "outlets": len(set(incident.outlets)),
        "indep": len(independent_sources(incident, groups)), "grade": grade.grade, "rule": grade.rule,
        "fa": killed.acled if killed else None, "fl": killed.low if killed else None,
        "fb": killed.best if killed else None, "fh": killed.high if killed else None,
        "summary": json.dumps(summary, ensure_ascii=False, default=str), "at": at,
    }


def _pending(conn: Connection) -> list[str]:
    """Articles with a record but never reconciled (no near-duplicate signature stored): those just
    stored, and those a killed run stored before it could reconcile them."""
    return [r[0] for r in conn.execute(text(
        "SELECT r.article_id FROM records r JOIN articles a ON a.id = r.article_id"
        " LEFT JOIN article_groups g ON g.article_id = r.article_id"
        " WHERE g.article_id IS NULL ORDER BY a.seq"))]


def reconcile_pending(db: Database) -> dict[str, int]:
    """Reconcile every article not yet reconciled (what ingest calls when it has stored a run)."""
    with db.exclusive("reconcile") as conn:
        todo = _pending(conn)
        return _reconcile(conn, todo) if todo else {"articles": 0, "incidents": 0, "disputes": 0}


def reconcile(db: Database, article_ids: list[str] | None = None) -> dict[str, int]:
    """Reconcile the given articles (all when None) with what is stored. Reading what is stored,
    grouping and writing happen in one transaction under one lock: two reconciliations at once
    (a full one and an ingest's incremental one) run in turn, the second seeing the first's work."""
    with db.exclusive("reconcile") as conn:
        return _reconcile(conn, article_ids)


def _reconcile(conn: Connection, article_ids: list[str] | None) -> dict[str, int]:
    full = article_ids is None
    records = _records(conn, article_ids)
    ids = [r["article"]["id"] for r in records]
    texts = _texts(conn, ids)
    index, signatures, stored_groups = _index(conn, records, texts, full)
    repeated = repeated_figures_in((r, texts.get(r["article"]["id"], "")) for r in records)
    events = [e for r in records for e in event_refs(r)]
    existing = [] if full else _stored_incidents(conn, events)
    groups = _groups(conn, index, stored_groups, (a for i in existing for a in i.article_ids))
    known = {i.id: len(i.reports) for i in existing}
    incidents = group_incidents(events, existing, groups=groups)
    changed = [i for i in incidents if known.get(i.id) != len(i.reports)]
    figure_disputes = [d for i in changed for d in cross_article_figure_disputes(i, groups, repeated)]
    spans = _figure_spans(conn, {(ref.article_id, fig.id) for d in figure_disputes for ref, fig in d["pairs"]})
    disputes = [d for r in records for d in disputes_in_record(r)]
    disputes += [_dispute_sides(d, spans) for d in figure_disputes]
    at = now()
    rows = [_incident_row(i, groups, repeated, at) for i in changed]
    if full:
        for table in ("incident_reports", "incidents", "dispute_sides", "disputes", "article_groups"):
            conn.execute(text(f"DELETE FROM {table}"))
    else:
        delete_disputes_of(conn, ids)
        for incident in changed:
            conn.execute(text("DELETE FROM disputes WHERE incident_id = :i AND id NOT IN "
                              "(SELECT dispute_id FROM dispute_sides)"), {"i": incident.id})
    for article_id, sig in signatures.items():
        conn.execute(text("DELETE FROM article_groups WHERE article_id = :a"), {"a": article_id})
        conn.execute(text("INSERT INTO article_groups (article_id, group_id, signature) VALUES (:a, :g, :s)"),
                     {"a": article_id, "g": groups.get(article_id, article_id), "s": sig})
    if not full:  # a full run emptied the tables above
        ids_changed = [{"i": row["id"]} for row in rows]
        if ids_changed:
            conn.execute(text("DELETE FROM incident_reports WHERE incident_id = :i"), ids_changed)
            conn.execute(text("DELETE FROM incidents WHERE id = :i"), ids_changed)
    if rows:
        conn.execute(text(
            "INSERT INTO incidents (id, type, acled_event_type, acled_sub_event_type, date_from, date_to,"
            " place_name, country, lat, lon, reports, outlets, independent_sources, grade, grade_rule,"
            " fatalities_acled, fatalities_low, fatalities_best, fatalities_high, summary, updated_at)"
            " VALUES (:id, :type, :aet, :ast, :df, :dt, :pn, :pc, :lat, :lon, :reports, :outlets, :indep,"
            " :grade, :rule, :fa, :fl, :fb, :fh, :summary, :at)"), rows)
    reports = [{"i": incident.id, "a": a, "e": e} for incident in changed for a, e in dict.fromkeys(incident.reports)]
    if reports:
        conn.execute(text("INSERT INTO incident_reports (incident_id, article_id, event_id) VALUES (:i, :a, :e)"),
                     reports)
    written = write_disputes(conn, disputes, at)
    return {"articles": len(records), "incidents": len(changed), "disputes": written}
