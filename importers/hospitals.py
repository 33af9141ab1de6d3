"""Hospital sites from Eurostat GISCO "healthcare services" (SPF Santé publique list, 2020), CSV."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from importers.base import Importer, RowError, ServiceRecord

LICENCE = "Eurostat GISCO / SPF Santé publique – FOD Volksgezondheid (2020)"
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "et", "d", "l", "van", "der", "den", "het", "en"}
KEEP_UPPER = {"CHU", "UZ", "CHIREC", "HUDERF", "ULB", "VUB", "UCL", "AZ", "CHR", "ST.", "STE.", "IRIS", "SARE"}


def readable(text: str) -> str:
    """ "CLINIQUE STE. ANNE - ST. REMI" → "Clinique Ste. Anne - St. Remi" (source names are upper case)."""
    words = re.split(r"(\s+|-|/|'|\()", text.strip())
    out = []
    for i, word in enumerate(words):
        upper = word.upper()
        if upper.strip("()") in KEEP_UPPER - {"ST.", "STE."}:
            out.append(upper)
        elif i and word.lower() in SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:].lower())
    return "".join(out)


def split_languages(name: str) -> tuple[str, str]:
    """Bilingual source names "KLINIEK ST.-JAN - CLINIQUE ST. JEAN" → (FR part, NL part) when recognisable."""
    parts = [p.strip() for p in re.split(r"\s+-\s+", name) if p.strip()]
    if len(parts) == 2:
        nl_first = re.search(r"(kliniek|ziekenhui|zorg)", parts[0], re.I)
        return (parts[1], parts[0]) if nl_first else (parts[0], parts[1])
    return name, name


# The SPF Santé publique list of care institutions behind the Eurostat file: reference date 1 February 2020
# (published 16 April 2020). Rows without their own date carry it: these facts are from 2020, not from the import.
REFERENCE_DATE = "2020-02-01"


def iso_date(text: str) -> str:
    """The file's dd/mm/yy (or dd/mm/yyyy) dates as ISO: "01/02/20" → "2020-02-01"; "" when unreadable."""
    found = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$", text.strip())
    if not found:
        return ""
    day, month, year = found.groups()
    return f"{int(year) + 2000 if len(year) == 2 else int(year):04d}-{int(month):02d}-{int(day):02d}"


class HospitalsImporter(Importer):
    """The hospitals CSV: one row per site, with address, beds, emergency service and phone."""

    name = "hospitals"
    description = "Eurostat GISCO healthcare services CSV (hospital sites)"
    licence = LICENCE
    suffixes = (".csv",)

    def parse(self, path: Path) -> Iterator[ServiceRecord | RowError]:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            for number, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    lat, lon = float(row["lat"]), float(row["lon"])
                except (KeyError, ValueError):
                    yield RowError(number, "lat", "Invalid coordinates.")
                    continue
                if not row.get("hospital_name"):
                    yield RowError(number, "hospital_name", "The row has no name.")
                    continue
                org_fr, org_nl = (readable(p) for p in split_languages(row["hospital_name"]))
                site = readable(row.get("site_name") or "")
                street = readable(row.get("street") or "")
                number_match = re.match(r"^(.*?)[\s,]+(\d+[A-Za-z]?)$", street)
                house = row.get("house_number") or (number_match.group(2) if number_match else "")
                street = number_match.group(1) if number_match and not row.get("house_number") else street
                emergency = row.get("emergency") == "yes"
                yield ServiceRecord(
                    source_id=str(row.get("id") or f"{lat:.5f},{lon:.5f}"),
                    line=number,
                    name_fr=f"{org_fr} – {site}" if site else org_fr,
                    name_nl=f"{org_nl} – {site}" if site else org_nl,
                    organization_fr=org_fr,
                    organization_nl=org_nl,
                    description_fr="Hôpital avec service d'urgences." if emergency else "Hôpital.",
                    description_nl="Ziekenhuis met spoedgevallendienst." if emergency else "Ziekenhuis.",
                    sectors=["hospital"],
                    phones=[row["tel"]] if row.get("tel") else [],
                    website=(row.get("url") or "").split(";")[0].strip(),
                    opening_hours="24/7" if emergency else "",
                    street_fr=street,
                    street_nl=street,
                    house_number=house,
                    postcode=row.get("postcode") or "",
                    lat=lat,
                    lon=lon,
                    licence=LICENCE,
                    source_date=iso_date(row.get("ref_date") or "") or REFERENCE_DATE,
                )
