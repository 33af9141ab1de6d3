"""Authorisation of every non-public route, CSRF, session cookies, Content-Security-Policy, rate limits, audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from directory.extensions import db
from directory.models import Candidate, CandidateStatus, Service
from directory.models.accounts import AuditLog
from directory.models.campaigns import Campaign
from directory.models.moderation import ChangeRequest, ProblemReport
from directory.models.selfserve import Claim, ServiceProposal
from directory.operations import revisions
from tests.account_helpers import (
    Team,
    csrf_token,
    edit_form_data,
    links,
    mails_to,
    make_team,
    make_user,
    reload,
    sign_in,
)


class Route(NamedTuple):
    """A protected route: `path` and `data` may name {own}, {other} (fiches) and the ids {draft}, {report}, {user},
    {claim}, {proposal}, {campaign}, {candidate}."""

    endpoint: str
    method: str
    path: str
    data: dict[str, str] | None = None


# An editor of another organisation gets 404 on a fiche's pages, exactly as for a missing fiche.
PER_FICHE = [
    Route("edit.service", "GET", "/fr/edit/services/{other}"),
    Route("edit.service", "POST", "/fr/edit/services/{other}"),
    Route("edit.verify", "POST", "/fr/edit/services/{other}/verify"),
    Route("edit.availability", "POST", "/fr/edit/services/{other}/availability"),
    Route("edit.history", "GET", "/fr/edit/services/{other}/history"),
    Route("edit.change", "GET", "/fr/edit/changes/{draft}"),
    Route("functions_edit.show", "GET", "/fr/edit/services/{other}/functions/"),
    Route("functions_edit.declare", "POST", "/fr/edit/services/{other}/functions/"),
]
# Moderators and admins only: 403 for an editor.
MODERATOR = [
    Route("moderation.queue", "GET", "/fr/moderation/"),
    Route("helpdesk.desk", "GET", "/fr/helpdesk/"),  # and the helpdesk role (tests/test_helpdesk.py)
    Route("helpdesk.send", "POST", "/fr/helpdesk/send"),
    Route("moderation.change", "GET", "/fr/moderation/changes/{draft}"),
    Route("moderation.approve", "POST", "/fr/moderation/changes/{draft}/approve"),
    Route("moderation.reject", "POST", "/fr/moderation/changes/{draft}/reject"),
    Route("moderation.edit_change", "GET", "/fr/moderation/changes/{draft}/edit"),
    Route("moderation.edit_change", "POST", "/fr/moderation/changes/{draft}/edit"),
    Route("moderation.report", "GET", "/fr/moderation/reports/{report}"),
    Route("moderation.report", "POST", "/fr/moderation/reports/{report}"),
    Route("moderation.restore", "POST", "/fr/moderation/services/{other}/revisions/0/restore"),
    Route("moderation.stale", "GET", "/fr/moderation/stale"),
    Route("unmet.unmet_searches", "GET", "/fr/moderation/unmet-searches"),
    Route("selfserve_review.claim_list", "GET", "/fr/moderation/claims"),
    Route("selfserve_review.claim", "GET", "/fr/moderation/claims/{claim}"),
    Route("selfserve_review.claim", "POST", "/fr/moderation/claims/{claim}", {"action": "grant"}),
    Route("selfserve_review.proposal_list", "GET", "/fr/moderation/proposals"),
    Route("selfserve_review.proposal", "GET", "/fr/moderation/proposals/{proposal}"),
    Route("selfserve_review.proposal", "POST", "/fr/moderation/proposals/{proposal}", {"action": "publish"}),
    Route("selfserve_review.completeness_view", "GET", "/fr/moderation/completeness"),
    Route("selfserve_review.translations", "GET", "/fr/moderation/translations"),
    Route("campaigns.index", "GET", "/fr/moderation/campaigns"),
    Route("campaigns.index", "POST", "/fr/moderation/campaigns", {"name": "x", "action": "preview"}),
    Route("campaigns.detail", "GET", "/fr/moderation/campaigns/{campaign}"),
    Route("candidates.queue", "GET", "/fr/coordination/candidates/"),
    Route("candidates.map_view", "GET", "/fr/coordination/candidates/map?bassin=nord"),
    Route("candidates.candidate", "GET", "/fr/coordination/candidates/{candidate}"),
    Route("candidates.publish", "POST", "/fr/coordination/candidates/{candidate}/publish"),
    Route("candidates.merge", "POST", "/fr/coordination/candidates/{candidate}/merge", {"service_id": "{other}"}),
    Route("candidates.dismiss", "POST", "/fr/coordination/candidates/{candidate}/dismiss"),
    Route("candidates.dismiss_many", "POST", "/fr/coordination/candidates/dismiss", {"ids": "{candidate}"}),
    Route("coverage.page", "GET", "/fr/coordination/coverage/"),
]
# Admins only: 403 for an editor and for a moderator.
ADMIN = [
    Route("moderation.trusted", "GET", "/fr/moderation/trusted"),
    Route("moderation.trusted", "POST", "/fr/moderation/trusted", {"organization_id": "{other}", "trusted": "1"}),
    Route("auth.users", "GET", "/fr/account/users"),
    Route("auth.set_role", "POST", "/fr/account/users/{user}/role"),
    Route("auth.audit_log", "GET", "/fr/account/audit"),
]
# Any signed-in user.
SIGNED_IN = [
    Route("edit.dashboard", "GET", "/fr/edit/"),
    Route("auth.account", "GET", "/fr/account/"),
    Route("auth.account", "POST", "/fr/account/"),
]
PROTECTED = PER_FICHE + MODERATOR + ADMIN + SIGNED_IN
# Open to anonymous visitors on purpose (each is tested where it lives).
PUBLIC_BLUEPRINTS = {"public", "api", "errors", "maps", "easy", "printing", "health", "coordination"}
# The open-data API, its page and the downloads (tests/test_api_contract.py, tests/test_exports.py).
PUBLIC_BLUEPRINTS |= {"api_data", "api_hsds", "api_docs", "api_export"}
# The bassin dashboard: public figures; its coordinator-only parts are tested in tests/test_dashboard.py.
PUBLIC_BLUEPRINTS |= {"dashboard"}
# The referral sheet's short links (tests/test_printing.py) and the embeddable widget (tests/test_widget.py).
PUBLIC_BLUEPRINTS |= {"short", "widget", "api_widget"}
PUBLIC_ENDPOINTS = {
    "root",
    "static",
    "auth.sign_in",
    "auth.confirm",  # the e-mailed link itself is the credential (test_auth)
    "auth.sign_out",
    "auth.outbox",  # 404 unless DEBUG or TESTING (test_auth)
    "edit.verify_link",  # signed one-click "still correct" link (test_freshness)
    "reports.report",  # anyone reports a problem (test_moderation)
    "selfserve.for_services",  # how a service gets access (test_claims)
    "selfserve.claim",  # anyone says "this is my organisation"; rate limit, honeypot (test_claims)
    "selfserve.claim_confirm",  # the e-mailed single-use link is the credential (test_claims)
    "propose.form",  # anyone proposes a new service; rate limit, honeypot (test_propose)
    "propose.similar",  # duplicate hints while typing: public fiches only, rate-limited (test_propose)
    "campaigns.check",  # the signed link of a verification campaign is the credential (test_campaigns)
}


class Scene(NamedTuple):
    team: Team
    ids: dict[str, int]


@pytest.fixture
def scene(app: Flask) -> Scene:
    """The team, a draft by a colleague on the other organisation's fiche, and a report on that fiche."""
    with app.app_context():
        team = make_team()
        other = db.session.get(Service, team.other)
        colleague = make_user("colleague@example.org", organizations=(other.organization,))
        draft = ChangeRequest(service_id=team.other, author_id=colleague.id, changes={"name_nl": "Zuid"}, base={})
        report = ProblemReport(service_id=team.other, category="hours", message="Closed on Mondays")
        claim = Claim(service_id=team.other, organization_id=other.organization_id, name="Eve", email="eve@example.org")
        proposal = ServiceProposal(values={"name_fr": "Nouveau"}, proposer_email="eve@example.org")
        campaign = Campaign(name="Printemps")
        candidate = Candidate(source="t", source_id="lead", name_fr="Lead", status=CandidateStatus.PENDING)
        db.session.add_all([draft, report, claim, proposal, campaign, candidate])
        revisions.ensure_baseline(other)
        db.session.commit()
        ids = {"own": team.own, "other": team.other, "draft": draft.id, "report": report.id, "user": team.editor}
        ids |= {"claim": claim.id, "proposal": proposal.id, "campaign": campaign.id, "candidate": candidate.id}
    return Scene(team, ids)


def _call(client: FlaskClient, route: Route, ids: dict[str, int], **overrides: int) -> TestResponse:
    values = {**ids, **overrides}
    data = {key: value.format(**values) for key, value in (route.data or {}).items()}
    return client.open(route.path.format(**values), method=route.method, data=data)


def _id(route: Route) -> str:
    return f"{route.method} {route.endpoint}"


def _refused_as_missing(client: FlaskClient, route: Route, ids: dict[str, int]) -> None:
    """Another organisation's fiche or draft answers exactly like a missing one (same status, same page)."""
    missing_ids = {**ids, "other": 999_999, "draft": 999_999}
    other, missing = _call(client, route, ids), _call(client, route, missing_ids)
    other_path, missing_path = (route.path.removeprefix("/fr").format(**v).encode() for v in (ids, missing_ids))
    assert other.status_code == missing.status_code == 404
    assert other.data.replace(other_path, missing_path) == missing.data


@pytest.mark.parametrize("route", PROTECTED, ids=_id)
def test_each_route_refuses_who_may_not_use_it(client: FlaskClient, scene: Scene, route: Route) -> None:
    """Anonymous → sign-in; an editor of another organisation → 404 on a fiche, 403 on moderation and admin
    routes; a moderator → 403 on admin routes."""
    anonymous = _call(client, route, scene.ids)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/fr/account/sign-in?next=")
    if route in SIGNED_IN:
        return
    sign_in(client, scene.team.editor)
    if route in PER_FICHE:
        _refused_as_missing(client, route, scene.ids)
    else:
        assert _call(client, route, scene.ids).status_code == 403
    if route in ADMIN:
        sign_in(client, scene.team.moderator)
        assert _call(client, route, scene.ids).status_code == 403


@pytest.mark.parametrize("route", PROTECTED, ids=_id)
def test_each_route_serves_who_may_use_it(app: Flask, client: FlaskClient, scene: Scene, route: Route) -> None:
    """The control for the test above: the editor on their own fiche, a moderator, an admin get through."""
    ids = scene.ids
    if route in PER_FICHE or route in SIGNED_IN:
        with app.app_context():
            own_draft = ChangeRequest(service_id=scene.team.own, author_id=scene.team.editor, changes={}, base={})
            db.session.add(own_draft)
            db.session.commit()
            ids = {**ids, "other": scene.team.own, "draft": own_draft.id}
        sign_in(client, scene.team.editor)
    else:
        sign_in(client, scene.team.admin if route in ADMIN else scene.team.moderator)
    response = _call(client, route, ids)
    assert response.status_code in (200, 302, 400)
    assert "/account/sign-in" not in response.headers.get("Location", "")


def test_refused_requests_leave_no_trace(app: Flask, client: FlaskClient, scene: Scene) -> None:
    sign_in(client, scene.team.editor)
    with app.app_context():
        data = edit_form_data(db.session.get(ChangeRequest, scene.ids["draft"]).service, name_fr="Piraté")
    assert client.post(f"/fr/edit/services/{scene.team.other}", data=data).status_code == 404
    assert client.post(f"/fr/moderation/changes/{scene.ids['draft']}/approve").status_code == 403
    with app.app_context():
        draft = db.session.get(ChangeRequest, scene.ids["draft"])
        assert reload(draft.service).name_fr == "Centre de santé du Sud"
        assert db.session.scalar(select(func.count()).select_from(ChangeRequest)) == 1
        assert draft.status == "pending"


def test_an_editors_dashboard_lists_only_their_organisations_fiches(client: FlaskClient, scene: Scene) -> None:
    sign_in(client, scene.team.editor)
    page = client.get("/fr/edit/").data
    assert f"/fr/edit/services/{scene.team.own}".encode() in page
    assert f"/fr/edit/services/{scene.team.other}".encode() not in page


def test_every_non_public_route_has_an_authorisation_test(app: Flask) -> None:
    """A new route must be added to a table above (or, if really public, to PUBLIC_ENDPOINTS)."""
    tested = {(r.endpoint, r.method) for r in PROTECTED}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint.partition(".")[0] in PUBLIC_BLUEPRINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if (rule.endpoint, method) not in tested:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert missing == []


# --- CSRF -------------------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(make_app: Callable[..., Flask]) -> FlaskClient:
    """A client of the same application and database with CSRF protection on (the test config turns it off)."""
    return make_app(WTF_CSRF_ENABLED=True).test_client()


def test_a_post_without_csrf_token_is_refused(app: Flask, csrf_client: FlaskClient) -> None:
    with app.app_context():
        team = make_team()
        db.session.commit()
    sign_in(csrf_client, team.editor)
    refused = csrf_client.post(f"/fr/edit/services/{team.own}/availability", data={"availability": "full"})
    page = csrf_client.get("/fr/edit/")
    accepted = csrf_client.post(
        f"/fr/edit/services/{team.own}/availability", data={"availability": "full", "csrf_token": csrf_token(page.data)}
    )
    assert (refused.status_code, accepted.status_code) == (400, 302)
    with app.app_context():
        assert db.session.get(Service, team.own).availability == "full"


@pytest.mark.parametrize(
    "path, data",
    [
        ("/fr/account/sign-in", {"email": "ana@example.org"}),
        ("/fr/services/{own}/report", {"category": "hours", "message": "Fermé le lundi"}),
        ("/fr/services/{own}/claim", {"name": "Eve", "role": "x", "email": "eve@example.org"}),
        ("/fr/account/sign-out", {}),
    ],
)
def test_public_forms_need_a_csrf_token_too(app: Flask, csrf_client: FlaskClient, path: str, data: dict) -> None:
    with app.app_context():
        team = make_team()
        db.session.commit()
    response = csrf_client.post(path.format(own=team.own), data=data)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProblemReport)) == 0
        assert db.session.scalar(select(func.count()).select_from(Claim)) == 0


# --- Session cookie, headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base_url", "headers", "proxies", "secure"),
    [
        ("https://localhost", {}, 0, True),
        ("http://localhost", {}, 0, False),  # `make run` over plain http://127.0.0.1: signing in must work
        ("http://localhost", {"X-Forwarded-Proto": "https"}, 1, True),  # behind a TLS proxy that says so
        ("http://localhost", {"X-Forwarded-Proto": "https"}, 0, False),  # a header nobody vouches for
    ],
)
def test_session_cookie_is_httponly_samesite_and_secure_over_https(
    make_app: Callable[..., Flask], base_url: str, headers: dict[str, str], proxies: int, secure: bool
) -> None:
    production = make_app(TESTING=False, PROXY_COUNT=proxies)
    with production.app_context():
        make_user("ana@example.org")
        db.session.commit()
    client = production.test_client()
    client.post("/fr/account/sign-in", data={"email": "ana@example.org"}, base_url=base_url, headers=headers)
    with production.app_context():
        link = links(mails_to("ana@example.org")[-1])[0]
    client.post(link, base_url=base_url, headers=headers)
    cookie = client.get_cookie("session", domain="localhost")
    assert cookie is not None
    assert (cookie.secure, cookie.http_only, cookie.same_site) == (secure, True, "Lax")
    assert client.get("/fr/edit/", base_url=base_url, headers=headers).status_code == 200  # signed in


@pytest.mark.parametrize("path", ["/fr/", "/nl/search", "/fr/services/{own}", "/fr/account/sign-in", "/fr/edit/"])
def test_content_security_policy_forbids_third_party_hosts(
    app: Flask, client: FlaskClient, path: str, scene: Scene
) -> None:
    sign_in(client, scene.team.editor)
    response = client.get(path.format(own=scene.team.own), follow_redirects=True)
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    allowed = {"'self'", "data:", "blob:", "'unsafe-inline'"}
    sources = {source for value in policy.values() for source in value.split() if not source.startswith("'nonce-")}
    assert policy["default-src"] == "'self'" and "frame-ancestors" in policy
    assert sources <= allowed
    assert "'unsafe-inline'" not in policy["script-src"]


# --- Rate limits ------------------------------------------------------------------------------------------------


def test_sign_in_requests_are_rate_limited_per_address(app: Flask, client: FlaskClient) -> None:
    limit = app.config["RATE_LIMIT_SIGN_IN"][0]
    codes = [
        client.post("/fr/account/sign-in", data={"email": f"user{i}@example.org"}).status_code for i in range(limit + 1)
    ]
    assert codes == [200] * limit + [429]


def test_sign_in_requests_from_many_addresses_cannot_lock_the_owner_out(app: Flask, client: FlaskClient) -> None:
    """Per account the link is mailed once per window and nobody is refused: the owner's link still works."""
    with app.app_context():
        make_user("ana@example.org")
        db.session.commit()
    limit = app.config["RATE_LIMIT_SIGN_IN"][0]
    codes = [
        client.post(
            "/nl/account/sign-in", data={"email": "ana@example.org"}, environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}
        ).status_code
        for i in range(limit + 2)
    ]
    owner = app.test_client()
    assert codes == [200] * (limit + 2)
    assert owner.post("/nl/account/sign-in", data={"email": "ana@example.org"}).status_code == 200
    with app.app_context():
        sent = mails_to("ana@example.org")
        assert len(sent) == 1  # one link per window, not one per request
        link = links(sent[0])[0]
    assert owner.post(link).status_code == 302
    assert owner.get("/nl/edit/").status_code == 200


# --- Audit log --------------------------------------------------------------------------------------------------


def test_a_publication_writes_an_audit_entry_shown_to_admins(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        team = make_team()
        db.session.commit()
    sign_in(client, team.moderator)
    with app.app_context():
        data = edit_form_data(db.session.get(Service, team.own), name_nl="Noord")
    assert client.post(f"/fr/edit/services/{team.own}", data=data).status_code == 302
    with app.app_context():
        entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "publish")).one()
        assert (entry.actor, entry.target_type, entry.target_id) == ("moderator@example.org", "service", team.own)
        assert entry.details["fields"] == ["name_nl"]
    sign_in(client, team.admin)
    assert b"publish" in client.get("/fr/account/audit").data


# --- Back to the page after signing in, never elsewhere ---------------------------------------------------------


def test_signing_in_leads_back_to_the_page_that_asked_for_it(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        team = make_team()
        db.session.commit()
    target = f"/fr/edit/services/{team.own}/history"
    sign_in_page = client.get(target, follow_redirects=True)
    assert f'name="next" type="hidden" value="{target}"' in sign_in_page.data.decode()
    client.post("/fr/account/sign-in", data={"email": "editor@example.org", "next": target})
    with app.app_context():
        link = links(mails_to("editor@example.org")[-1])[0]
    response = client.post(link)
    assert response.status_code == 302 and response.headers["Location"] == target


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "/\t/evil.example"])
def test_signing_in_never_leads_to_another_site(app: Flask, client: FlaskClient, target: str) -> None:
    with app.app_context():
        make_user("ana@example.org")
        db.session.commit()
    client.post("/fr/account/sign-in", data={"email": "ana@example.org", "next": target})
    with app.app_context():
        link = links(mails_to("ana@example.org")[-1])[0]
    assert "evil" not in link
    response = client.post(link.partition("?")[0], query_string={"next": target})
    assert response.headers["Location"] == "/fr/edit/"


@pytest.mark.parametrize(("proxies", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_client_address_behind_a_reverse_proxy(make_app: Callable[..., Flask], proxies: int, expected: str) -> None:
    """Rate limits count the visitor, not the proxy, when DIRECTORY_PROXY_COUNT says a proxy is in front."""
    proxied = make_app(PROXY_COUNT=proxies)
    seen = []
    proxied.before_request(lambda: seen.append(request.remote_addr))
    proxied.test_client().get("/fr/about-data", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen == [expected]
