"""The embeddable widget: its page writes the snippet for the filters chosen (FR and NL), its labels come from the
API in either language with CORS, and its script needs neither eval nor innerHTML nor cookies."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

from directory.config import REPO_ROOT

WIDGET_JS = REPO_ROOT / "static" / "js" / "widget.js"


@pytest.mark.parametrize(
    ("lang", "title"), [("fr", "Un champ de recherche pour votre site"), ("nl", "Een zoekvak voor uw website")]
)
def test_the_page_writes_the_snippet_of_the_filters_chosen(client: FlaskClient, lang: str, title: str) -> None:
    answer = client.get(f"/{lang}/widget?bassin=nord&commune=21015&sector=pharmacy&widget_lang=nl")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and title in page
    code = re.search(r'<code id="widget-snippet">(.*?)</code>', page, re.S)
    assert code is not None
    snippet = html.unescape(code.group(1))
    assert (
        '<div data-qfq-widget data-lang="nl" data-bassin="nord" data-commune="21015" data-sector="pharmacy">' in snippet
    )
    assert re.search(r'<script src="http://localhost/static/js/widget\.js" defer></script>', snippet)
    assert page.count('<div data-qfq-widget data-lang="nl" data-bassin="nord"') == 1  # the live example
    assert '<option value="nord" selected>' in page


def test_unknown_filters_are_left_out_of_the_snippet(client: FlaskClient) -> None:
    page = client.get('/fr/widget?bassin="><script>alert(1)</script>&sector=nothing&widget_lang=xx').get_data(
        as_text=True
    )
    assert "<script>alert" not in page and "data-bassin=" not in page and "data-sector=" not in page
    assert 'data-qfq-widget data-lang="fr"></div>' in page


def test_the_page_keeps_a_strict_content_security_policy(client: FlaskClient) -> None:
    policy = client.get("/nl/widget").headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src is not None and "unsafe" not in script_src.group(1)
    assert "connect-src 'self'" in policy and "default-src 'self'" in policy


@pytest.mark.parametrize(("lang", "submit"), [("fr", "Rechercher"), ("nl", "Zoeken")])
def test_the_labels_come_from_the_api_in_either_language(client: FlaskClient, lang: str, submit: str) -> None:
    answer = client.get(f"/api/v1/widget?lang={lang}", headers={"Origin": "https://bassin.example"})
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.json["labels"]["submit"] == submit and answer.json["lang"] == lang
    assert answer.json["search_url"].endswith(f"/{lang}/search")
    assert "{n}" in answer.json["labels"]["many"] and "Set-Cookie" not in answer.headers
    refused = client.get("/api/v1/widget?lang=de", headers={"Accept-Language": "nl"})
    assert refused.status_code == 400 and refused.json["error"]["field"] == "lang"
    assert refused.json["error"]["message"] == "Ongeldige waarde voor de parameter lang."


def test_the_script_needs_no_eval_no_html_parsing_and_no_cookies() -> None:
    source = WIDGET_JS.read_text(encoding="utf-8").split("*/", 1)[1]  # the code, after its header comment
    for forbidden in ("eval(", "new Function", "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert forbidden not in source
    assert source.count('credentials: "omit"') == 1 and "getJSON(" in source
    assert not re.search(r"https?://", source)  # no host in the code: the API is where the script comes from


def test_the_footer_links_to_the_widget_page(client: FlaskClient) -> None:
    assert 'href="/fr/widget"' in client.get("/fr/api").get_data(as_text=True)
