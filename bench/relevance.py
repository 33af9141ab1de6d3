"""Relevance of the search on a judged query set (bench/relevance_queries.csv), FR and NL.

    .venv/bin/python bench/relevance.py [--show-failures]

The dataset is fixed: the `make run` data (OpenStreetMap points and hospital sites of ../shared/data) plus clearly
synthetic fiches (bench/synthetic.py) for the sectors that data lacks, in a temporary database and index. Each
query is sent to the real API (/api/v1/services, first page of 10); relevance is decided by the query's judgement
(sectors or coordination functions, place, language, public, name) against the fields of each fiche, never by
the search itself.

Printed: precision@5 (relevant among the first min(5, R) results, R = relevant fiches in the dataset, over the
queries with R > 0), nDCG@10 (binary gains, same queries), the zero-result rate where relevant fiches exist, and
the junk rate: the share of shown results (true matches, not the labelled alternatives) that are not relevant.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search import bench_app
from directory.extensions import db

QUERIES = Path(__file__).resolve().parent / "relevance_queries.csv"
PAGE = 10


@dataclass
class Judged:
    """One query and what makes a fiche relevant to it."""

    query: str
    lang: str
    sectors: set[str]
    place: tuple[str, set[str]] | None
    language: str
    public: str
    name: str
    functions: set[str]

    def relevant(self, doc: dict) -> bool:
        if not (self.sectors & set(doc.get("sector") or []) or self.functions & set(doc.get("function") or [])):
            return False
        if self.place:
            field, codes = self.place
            if str(doc.get(field) or "") not in codes:
                return False
        if self.language and self.language not in (doc.get("language") or []):
            return False
        publics = doc.get("public") or []
        if self.public and publics and self.public not in publics and "everyone" not in publics:
            return False
        name = f"{doc.get('name_fr') or ''} {doc.get('name_nl') or ''}".lower()
        return not self.name or self.name.lower() in name


def load_queries(path: Path = QUERIES) -> list[Judged]:
    judged = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not row["query"] or row["query"].startswith("#"):
                continue
            place = None
            if row["place"]:
                field, codes = row["place"].split(":", 1)
                place = (field, set(codes.split("|")))
            judged.append(
                Judged(
                    row["query"],
                    row["lang"],
                    {s for s in row["sectors"].split("|") if s},
                    place,
                    row["language"],
                    row["public"],
                    row["name"],
                    {f for f in (row.get("functions") or "").split("|") if f},
                )
            )
    return judged


def build_dataset(app) -> tuple[int, int]:
    """The `make run` data plus the synthetic fiches, indexed; returns (real, synthetic) fiche counts."""
    from bench.synthetic import add_synthetic, add_synthetic_functions
    from directory.geo.loader import load_geography
    from directory.importing.defaults import import_default_dataset
    from directory.operations.vocabulary import load_vocabularies
    from directory.search.sync import reindex

    with app.app_context():
        db.drop_all()
        db.create_all()
        data = Path(app.config["SHARED_DATA_DIR"])
        load_geography(data)
        load_vocabularies()
        db.session.commit()
        import_default_dataset(data)
        from directory.models import Service

        real = db.session.query(Service).count()
        synthetic = add_synthetic() + add_synthetic_functions()
        db.session.commit()
        reindex()
    return real, synthetic


def all_documents(app) -> list[dict]:
    from directory.search import get_client, index_name

    with app.app_context():
        answer = get_client().request("GET", f"/indexes/{index_name()}/documents", params={"limit": 100_000})
    return answer["results"]


def ndcg(gains: list[int], ideal_count: int, k: int = PAGE) -> float:
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    ideal = sum(1 / math.log2(i + 2) for i in range(min(ideal_count, k)))
    return dcg / ideal if ideal else 0.0


def evaluate(app, judged: list[Judged], show_failures: bool = False) -> dict:
    documents = all_documents(app)
    client = app.test_client()
    p5, ndcgs, zero, shown, junk, alternatives, with_relevant = [], [], 0, 0, 0, 0, 0
    for item in judged:
        response = client.get("/api/v1/services", query_string={"q": item.query, "lang": item.lang, "per_page": PAGE})
        answer = response.get_json()
        hits = answer["hits"]
        alternatives += sum(len(group["hits"]) for group in answer.get("alternatives", []))
        gains = [int(item.relevant(hit)) for hit in hits]
        total_relevant = sum(item.relevant(doc) for doc in documents)
        shown += len(hits)
        junk += gains.count(0)
        if total_relevant:
            with_relevant += 1
            k = min(5, total_relevant)
            p5.append(sum(gains[:k]) / k)
            ndcgs.append(ndcg(gains, total_relevant))
            zero += not hits
        if show_failures and (gains.count(0) or (total_relevant and sum(gains[:5]) < min(5, total_relevant))):
            understood = {k: v for k, v in answer["understood"].items() if v and k != "terms"}
            print(f"  [{item.lang}] {item.query!r}: R={total_relevant} hits={len(hits)} gains={gains} {understood}")
            for hit in hits:
                if not item.relevant(hit):
                    print(f"      not relevant: {hit.get('name_fr')} ({', '.join(hit.get('sector') or [])})")
    return {
        "queries": len(judged),
        "with_relevant": with_relevant,
        "p5": sum(p5) / len(p5),
        "ndcg10": sum(ndcgs) / len(ndcgs),
        "zero_rate": zero / with_relevant,
        "junk_rate": junk / shown if shown else 0.0,
        "shown": shown,
        "alternatives": alternatives,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show-failures", action="store_true", help="list queries with junk or missed results")
    args = parser.parse_args()
    judged = load_queries()
    with tempfile.TemporaryDirectory() as tmp, bench_app(tmp, GEOCODER="none", TESTING=True) as app:
        real, synthetic = build_dataset(app)
        result = evaluate(app, judged, args.show_failures)
    langs = {lang: sum(1 for j in judged if j.lang == lang) for lang in ("fr", "nl")}
    print(
        f"\ndataset: {real} fiches from the `make run` data + {synthetic} synthetic fiches "
        "(sectors it lacks, coordination functions)"
    )
    print(
        f"queries: {result['queries']} (fr {langs['fr']}, nl {langs['nl']}), "
        f"{result['with_relevant']} with relevant fiches in the dataset"
    )
    print(f"precision@5   {result['p5']:.3f}   (target ≥ 0.85)")
    print(f"nDCG@10       {result['ndcg10']:.3f}")
    print(f"zero-result   {result['zero_rate']:.1%}  where relevant fiches exist (target ≤ 2 %)")
    print(f"junk rate     {result['junk_rate']:.1%}  of {result['shown']} shown results (target ≤ 5 %)")
    print(f"alternatives  {result['alternatives']} labelled alternative results shown apart")


if __name__ == "__main__":
    main()
