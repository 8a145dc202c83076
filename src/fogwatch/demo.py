"""`fogwatch demo`: the bundled corpus into a fresh database, and a summary a newcomer can read."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from rich.console import Console
from rich.table import Table

from fogwatch.ingest import ingest
from fogwatch.sources import ReadOptions
from fogwatch.store import Database
from fogwatch.store.articles import ArticleFilter, list_articles, search_articles, stats
from fogwatch.store.facts import figures_with_sources, interval_text, source_label


def demo_corpus() -> Path:
    """The folder of demo reports inside the installed package."""
    with as_file(files("fogwatch") / "data" / "demo") as path:
        return Path(path)


def fresh_sqlite(path: Path) -> Database:
    """A new, empty database at `path` (an old demo database and its WAL files are removed)."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return Database(path)


def _print_figures(db: Database, console: Console) -> None:
    """Per article: each figure, its interval, who says it and how (the heart of fogwatch)."""
    rows = figures_with_sources(db)
    console.rule("Figures and who claims them")
    current = None
    for row in rows:
        if row["article_id"] != current:
            current = row["article_id"]
            console.print(f"\n{row['published']} · {row['outlet']} · {row['title']}", style="bold",
                          markup=False, highlight=False)
        stance = row["stance"] or "?"
        cue = f' "{row["cue_text"]}"' if row["cue_text"] else ""
        console.print(f"  {row['category']:<20} {interval_text(row['low'], row['high']):>12}  "
                      f"“{row['text']}” — {source_label(row)}, {stance}{cue}", markup=False, highlight=False)
    console.print()


def run_demo(path: Path, console: Console) -> None:
    db = fresh_sqlite(path)
    console.print(f"Ingesting the demo corpus ({demo_corpus()}) into {path} …", markup=False)
    report = ingest(db, [str(demo_corpus())], ReadOptions())
    summary = report.as_dict()
    console.print(
        f"new {summary['new']} · wire copies {summary['wire_copies']} · "
        f"already stored {summary['already_stored']} · failed {summary['failed']}", highlight=False
    )
    rows, total = list_articles(db, ArticleFilter(limit=100))
    table = Table(title=f"{total} articles")
    for col in ("published", "outlet", "title", "seen at"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(row["published"] or "", row["outlet"] or "", row["title"] or "", str(row["appearances"]))
    console.print(table)
    _print_figures(db, console)
    hits = search_articles(db, '"El Fasher" killed', limit=3)
    console.print(f'Search for "El Fasher" killed: {len(hits)} best matches', markup=False)
    for hit in hits:
        console.print(f"  {hit['outlet']}: {hit['snippet']}", markup=False, highlight=False)
    from fogwatch.cli import print_disputes
    from fogwatch.store.reconciled import list_disputes

    from fogwatch.store.facts import list_events
    from fogwatch.store.reconciled import list_incidents

    events, total_events = list_events(db, type_="ASSAULT", limit=12)
    table = Table(title=f"Violent events and who reports them (12 of {total_events})")
    for col in ("date", "outlet", "trigger", "ACLED", "place", "reported by", "stance"):
        table.add_column(col, overflow="fold")
    for e in events:
        table.add_row(e["date"] or "", e["outlet"] or "", e["trigger"] or "", e["acled_sub_event_type"] or "",
                      e["place"] or "", e["source_name"] or f"{e['outlet']} (own voice)", e["stance"] or "")
    console.print(table)

    rows, total = list_incidents(db, min_reports=2, limit=8)
    table = Table(title=f"Incidents reported more than once ({total})")
    for col in ("id", "date", "type", "ACLED", "place", "reports", "independent", "grade", "fatalities (ACLED)"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["date_from"] or "", r["type"] or "", r["acled_sub_event_type"] or "",
                      r["place_name"] or "", str(r["reports"]), str(r["independent_sources"]), r["grade"] or "",
                      "" if r["fatalities_acled"] is None else str(r["fatalities_acled"]))
    console.print(table)
    found = list_disputes(db)
    console.rule(f"Disputes ({len(found)})")
    print_disputes(found, console)
    numbers = stats(db)
    console.print(" · ".join(f"{k} {v}" for k, v in numbers.items()), highlight=False)
    console.print(f"Try: fogwatch incidents --db {path}   ·   fogwatch disputes --db {path}   ·   "
                  f"fogwatch events --db {path} --type ASSAULT   ·   fogwatch search --db {path} drone", markup=False)
    console.print(f"Dashboard (map, timeline, incidents, disputes side by side): fogwatch serve --db {path}"
                  f"   then open http://127.0.0.1:8000/", markup=False)
    console.print(f"Tables for other tools: fogwatch export --db {path} --format acled-csv -o demo-acled.csv",
                  markup=False)
    db.close()
