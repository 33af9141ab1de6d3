"""Services come in by themselves, in a real browser: "this is my organisation" to an updated fiche, and "add a
service" with duplicate hints while typing. The claim test counts the steps and seconds a service needs."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from directory.extensions import db
from directory.models import Service
from directory.models.candidates import Candidate
from directory.models.moderation import ChangeRequest
from directory.search.sync import wait_until_indexed
from tests.account_helpers import Team, links, mails_to, make_team
from tests.browser.conftest import screenshot
from tests.browser.test_accessibility_browser import axe_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def team(app: Flask) -> Team:
    """The team's fiches; the organisation of the second one (no editor yet) has its own website domain."""
    with app.app_context():
        team = make_team()
        db.session.get(Service, team.other).organization.website = "https://www.sud.example.org"
        db.session.commit()
        wait_until_indexed()
    return team


class Steps:
    """What the person does (each link opened, click, field filled, form sent) and how long the browser and the
    server take for it; checks and screenshots run `paused()` and are not counted."""

    def __init__(self) -> None:
        self.actions: list[str] = []
        self.started = time.perf_counter()
        self.excluded = 0.0

    def __call__(self, *actions: str) -> None:
        self.actions.extend(actions)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.excluded += time.perf_counter() - start

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started - self.excluded


def _mailed_link(app: Flask, email: str, base: str) -> str:
    with app.app_context():
        return base + links(mails_to(email)[-1])[0]


def test_from_this_is_my_organisation_to_an_updated_fiche(
    page, browser, app: Flask, live_server: str, team: Team
) -> None:
    page.goto(f"{live_server}/fr/services/{team.other}")
    steps = Steps()
    page.get_by_role("link", name="Ceci est mon organisation — mettre à jour cette fiche").click()
    steps("click “Ceci est mon organisation”")
    page.wait_for_url(re.compile(r"/claim$"))
    with steps.paused():
        assert axe_violations(page) == []
        screenshot(page, "claim-form-fr")
    page.get_by_label("Votre nom").fill("Anna Peeters")
    page.get_by_label("Votre fonction dans l'organisation").fill("Coordinatrice")
    page.get_by_label("Votre adresse e-mail professionnelle").fill("anna@sud.example.org")
    steps("type the name", "type the role", "type the e-mail")
    page.get_by_role("button", name="Envoyer ma demande").click()
    steps("send")
    page.wait_for_url(re.compile(r"/claim$"))
    assert "Demande reçue" in page.locator("h1").inner_text()
    page.goto(_mailed_link(app, "anna@sud.example.org", live_server))
    steps("open the link in the e-mail")
    with steps.paused():
        screenshot(page, "claim-confirm-fr")
    page.get_by_role("button", name="Confirmer et ouvrir la fiche").click()
    steps("click “Confirmer et ouvrir la fiche”")
    page.wait_for_url(re.compile(rf"/fr/edit/services/{team.other}$"))
    page.get_by_label("Grille hebdomadaire").check()  # the hours were unknown
    page.get_by_label("Mercredi").fill("09:00-12:00")
    steps("choose the weekly grid", "type Wednesday's hours")
    page.get_by_role("button", name="Envoyer pour relecture").click()
    steps("send the change")
    page.wait_for_url(re.compile(rf"/fr/edit/services/{team.other}$"))
    service_seconds, service_steps = steps.seconds, len(steps.actions)
    assert "après relecture" in page.locator(".notice").first.inner_text()
    screenshot(page, "claim-edit-sent-fr")

    # A moderator publishes the change (their own session, signed in by the e-mailed link).
    moderator = browser.new_context(locale="fr-BE").new_page()
    moderator.goto(f"{live_server}/fr/account/sign-in")
    moderator.get_by_label("Adresse e-mail").fill("moderator@example.org")
    moderator.get_by_role("button", name=re.compile("lien")).click()
    moderator.goto(_mailed_link(app, "moderator@example.org", live_server))
    moderator.get_by_role("button", name="Se connecter").click()
    moderator.wait_for_url(re.compile(r"/fr/edit/"))
    with app.app_context():
        request_id = db.session.scalars(select(ChangeRequest.id)).one()
    moderator.goto(f"{live_server}/fr/moderation/changes/{request_id}")
    moderator.get_by_role("button", name="Approuver et publier").click()
    moderator.wait_for_url(re.compile(r"/fr/moderation/$"))
    moderator.context.close()
    with app.app_context():
        wait_until_indexed()

    page.goto(f"{live_server}/fr/services/{team.other}")
    assert "09:00" in page.locator("section[aria-labelledby=hours]").inner_text()
    total_seconds = steps.seconds
    screenshot(page, "claim-fiche-updated-fr")
    print(  # the figures the issue asks for (run with -s to read them)
        f"\nclaim → change sent: {service_steps} steps, {service_seconds:.1f} s "
        f"({'; '.join(steps.actions)}); published after the moderator's review: {total_seconds:.1f} s"
    )
    assert service_steps == 10


def test_add_a_service_with_hints_while_typing(page, app: Flask, live_server: str, team: Team) -> None:
    page.goto(f"{live_server}/nl/services/new")
    assert page.locator("#similar").is_hidden()
    page.locator("#name_fr").fill("Maison medicale du Nord")
    page.locator("#similar a").first.wait_for()
    hint = page.locator("#similar")
    assert "Maison médicale du Nord" in hint.inner_text() and "Dit is mijn organisatie" in hint.inner_text()
    screenshot(page, "propose-duplicate-hint-nl")

    page.locator("#name_fr").fill("Bibliothèque d'outils solidaire")
    page.locator("#name_nl").fill("Solidaire gereedschapsbibliotheek")
    page.locator("#similar").wait_for(state="hidden")
    page.locator("#street_fr").fill("Rue Josaphat")
    page.locator("#house_number").fill("12")
    page.locator("#postcode").fill("1030")
    page.locator("#phones").fill("02 555 12 34")
    page.get_by_label("Woensdag").fill("14:00-18:00")
    page.get_by_label("Voedselhulp").check()
    page.locator("#proposer_name").fill("Sam")
    page.locator("#proposer_email").fill("sam@example.org")
    assert axe_violations(page) == []
    screenshot(page, "propose-form-nl")
    page.get_by_role("button", name="Ter nazicht versturen").click()
    page.wait_for_url(re.compile(r"/nl/services/new$"))
    assert page.locator("h1").inner_text() == "Voorstel ontvangen"
    screenshot(page, "propose-sent-nl")
    with app.app_context():
        assert "Bedankt om" in mails_to("sam@example.org")[0].body
    assert page.foreign_requests == []


def test_a_service_waiting_for_review_is_named_while_typing(page, app: Flask, live_server: str) -> None:
    with app.app_context():
        private = {"phones": ["02 555 98 76"], "email": "contact@outils.example"}
        lead = Candidate(source="t", source_id="lead", name_nl="Gereedschapsbib Josaphat", commune_nis="21015")
        db.session.add(lead)
        lead.record = private
        db.session.commit()
    page.goto(f"{live_server}/nl/services/new")
    page.locator("#name_nl").fill("Gereedschapsbib Josaphat")
    page.locator("#similar li").first.wait_for()
    hint = page.locator("#similar").inner_text()
    assert "Een gelijkaardige dienst is al bekend en wacht op nazicht:" in hint
    assert "Gereedschapsbib Josaphat — Schaarbeek" in hint and "555" not in hint and "contact@" not in hint
    assert axe_violations(page) == []
    screenshot(page, "propose-known-candidate-nl")


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_campaign_link_and_the_page_for_services_pass_axe(
    page, app: Flask, live_server: str, team: Team, lang: str
) -> None:
    from directory.models.accounts import User
    from directory.operations import campaigns

    with app.app_context(), app.test_request_context(base_url=live_server):
        db.session.get(Service, team.own).email = "nord@example.org"
        campaign = campaigns.send("Printemps", campaigns.Selection(), db.session.get(User, team.moderator))
        db.session.commit()
        link = f"/{lang}/check/{campaigns.token(campaign.items[0])}"
    page.goto(live_server + link)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Tout est toujours correct" if lang == "fr" else "Alles is nog juist").click()
    assert page.locator("[role=status]").count() == 1
    screenshot(page, f"campaign-check-{lang}")
    page.goto(f"{live_server}/{lang}/for-services")
    assert axe_violations(page) == []
    assert page.foreign_requests == []
