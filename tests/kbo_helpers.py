"""A small KBO/BCE open-data extract in the real layout (Cookbook KBO Open data R018.00), for tests.

Entity numbers, names and addresses are made up for the tests (0200.000.00x / 2.100.000.00x are not looked up).
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from importers.kbo import HEADERS

CODES = [
    ["Nace2008", "86210", "FR", "Activités des médecins généralistes"],
    ["Nace2008", "86210", "NL", "Algemene medische praktijken"],
    ["Nace2025", "88990", "FR", "Autre action sociale sans hébergement n.c.a."],
    ["Nace2025", "88990", "NL", "Overige maatschappelijke dienstverlening zonder huisvesting, n.e.g."],
    ["Nace2008", "47110", "FR", "Commerce de détail"],
    ["Nace2008", "47110", "NL", "Detailhandel"],
    ["JuridicalForm", "017", "FR", "Association sans but lucratif"],
    ["JuridicalForm", "017", "NL", "Vereniging zonder winstoogmerk"],
    ["Language", "1", "FR", "français"],
    ["Language", "2", "FR", "néerlandais"],
]


def enterprise(number: str, start: str) -> list[str]:
    """A row of enterprise.csv: an active (AC) non-profit association (legal form 017), in normal situation (000)."""
    return [number, "AC", "000", "2", "017", "", start]


def address(
    entity: str, kind: str, zipcode: str, town: tuple[str, str], street: tuple[str, str], number: str, box: str = ""
) -> list[str]:
    """A row of address.csv in Belgium (no country, no extra address information, no end date); `town` and `street`
    are (Dutch, French)."""
    return [entity, kind, "", "", zipcode, town[0], town[1], street[0], street[1], number, box, "", ""]


def full_extract() -> dict[str, list[list[str]]]:
    """Five enterprises: two in Brussels in health and social work, one in Ghent, one shop, one unknown code."""
    return {
        "meta": [
            ["SnapshotDate", "07-11-2026"],
            ["ExtractTimestamp", "08-11-2026 07:07:49"],
            ["ExtractType", "full"],
            ["ExtractNumber", "160"],
            ["Version", "1.0.0"],
        ],
        "code": CODES,
        "enterprise": [
            enterprise("0200.000.001", "01-01-1990"),
            enterprise("0200.000.002", "01-01-2001"),
            enterprise("0200.000.003", "01-01-2002"),
            enterprise("0200.000.004", "01-01-2003"),
            enterprise("0200.000.005", "01-01-2004"),
        ],
        "establishment": [["2.100.000.001", "01-01-1991", "0200.000.001"]],
        "denomination": [
            ["0200.000.001", "1", "001", "Association de test du Nord"],
            ["0200.000.001", "2", "001", "Testvereniging van het Noorden"],
            ["2.100.000.001", "1", "003", "Cabinet médical de test"],
            ["2.100.000.001", "2", "003", "Testpraktijk"],
            ["0200.000.002", "0", "001", "Steunpunt Test"],
            ["0200.000.003", "2", "001", "Gents testcentrum"],
            ["0200.000.004", "1", "001", "Magasin de test"],
            ["0200.000.005", "1", "001", "Code inconnu de test"],
        ],
        "address": [
            address("0200.000.001", "REGO", "1000", ("Brussel", "Bruxelles"), ("Teststraat", "Rue de Test"), "1"),
            address(
                "2.100.000.001", "BAET", "1030", ("Schaarbeek", "Schaerbeek"), ("Proefstraat", "Rue d'Essai"), "12", "3"
            ),
            address("0200.000.002", "REGO", "1070", ("Anderlecht", "Anderlecht"), ("Proeflaan", "Avenue d'Essai"), "5"),
            address("0200.000.003", "REGO", "9000", ("Gent", "Gand"), ("Testlaan", "Testlaan"), "9"),
            address("0200.000.004", "REGO", "1050", ("Elsene", "Ixelles"), ("Winkelstraat", "Rue du Magasin"), "2"),
            address(
                "0200.000.005", "REGO", "1060", ("Sint-Gillis", "Saint-Gilles"), ("Codestraat", "Rue du Code"), "4"
            ),
        ],
        "contact": [
            ["2.100.000.001", "EST", "TEL", "02 240 30 80"],
            ["0200.000.001", "ENT", "EMAIL", "info@example.org"],
            ["0200.000.002", "ENT", "WEB", "www.example.org"],
        ],
        "activity": [
            ["0200.000.001", "003", "2008", "86210", "MAIN"],
            ["2.100.000.001", "003", "2008", "86210", "MAIN"],
            ["0200.000.002", "003", "2025", "88990", "MAIN"],
            ["0200.000.003", "003", "2008", "86210", "MAIN"],
            ["0200.000.004", "003", "2008", "47110", "MAIN"],
            ["0200.000.005", "003", "2008", "86999", "MAIN"],
        ],
    }


def write_extract(path: Path, files: dict[str, list[list[str]]], headers: dict[str, list[str]] | None = None) -> Path:
    """A ZIP with one CSV per entry of `files`, named like the real ones ("address.csv", "address_insert.csv")."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            kind = name.removesuffix("_insert").removesuffix("_delete")
            header = (headers or {}).get(name) or HEADERS[kind]
            if name.endswith("_delete"):
                header = [
                    {"enterprise": "EnterpriseNumber", "establishment": "EstablishmentNumber"}.get(kind, "EntityNumber")
                ]
            out = io.StringIO()
            writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
            archive.writestr(f"{name}.csv", out.getvalue())
    return path
