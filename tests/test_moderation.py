"""The moderation queue: approve (the index follows), reject with a comment, correct then publish; history with
readable diffs and restore; problem reports from anyone, with a honeypot and a rate limit; trusted organisations."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from directory.extensions import db
from directory.models import Service
from directory.models.accounts import AuditLog, TrustedOrganization
from directory.models.base import utcnow
from directory.models.moderation import ChangeRequest, ChangeStatus, ProblemReport, ReportStatus, Revision
from directory.search.sync import wait_until_indexed
from tests.account_helpers import Team, edit_form_data, mails_to, page_text, reload, sign_in


def _propose(app: Flask, client: FlaskClient, team: Team, **fields) -> int:
    """The editor proposes `fields` on their fiche; returns the change request id. Leaves the moderator signed in."""
    sign_in(client, team.editor)
    with app.app_context():
        data = edit_form_data(db.session.get(Service, team.own), **fields)
    assert client.post(f"/fr/edit/services/{team.own}", data=data).status_code == 302
    sign_in(client, team.moderator)
    with app.app_context():
        return db.session.scalars(select(ChangeRequest.id).where(ChangeRequest.status == "pending")).one()


def test_the_queue_lists_proposals_and_reports(app: Flask, client: FlaskClient, team: Team) -> None:
    with app.app_context():
        db.session.add(ProblemReport(service_id=team.other, category="hours", message="Fermé le lundi"))
        db.session.commit()
    request_id = _propose(app, client, team, name_nl="Medisch huis Noord")
    page = page_text(client.get("/fr/moderation/"))
    assert f"/fr/moderation/changes/{request_id}" in page and "editor@example.org" in page
    assert "/fr/moderation/reports/1" in page and "Centre de santé du Sud" in page
    report = page_text(client.get("/nl/moderation/reports/1"))
    assert "Te behandelen" in report and ">open<" not in report  # the status in words, in the page language


def test_the_review_page_shows_a_readable_diff(app: Flask, client: FlaskClient, team: Team) -> None:
    request_id = _propose(app, client, team, name_fr="Maison médicale du Nord-Est", note="Nouveau nom")
    page = page_text(client.get(f"/nl/moderation/changes/{request_id}"))
    assert "Maison médicale du <del>Nord</del><ins>Nord-Est</ins>" in page
    assert "Nouveau nom" in page


def test_approval_publishes_notifies_and_updates_the_search_index(app: Flask, client: FlaskClient, team: Team) -> None:
    request_id = _propose(app, client, team, name_fr="Maison médicale Helmet")
    assert client.post(f"/fr/moderation/changes/{request_id}/approve").status_code == 302
    with app.app_context():
        service = reload(db.session.get(Service, team.own))
        assert service.name_fr == "Maison médicale Helmet"
        assert db.session.get(ChangeRequest, request_id).status == ChangeStatus.APPROVED
        revision = db.session.scalars(select(Revision).where(Revision.number == 1)).one()
        assert (revision.kind, revision.author_label, revision.change_request_id) == (
            "review",
            "editor@example.org",
            request_id,
        )
        assert "Maison médicale Helmet" in mails_to("editor@example.org")[-1].body
        wait_until_indexed()
    hits = client.get("/api/v1/services", query_string={"q": "Helmet"}).get_json()["hits"]
    assert [hit["service_id"] for hit in hits] == [team.own]


def test_a_proposal_is_approved_only_once(app: Flask, client: FlaskClient, team: Team) -> None:
    request_id = _propose(app, client, team, name_nl="Noord")
    client.post(f"/fr/moderation/changes/{request_id}/approve")
    assert client.post(f"/fr/moderation/changes/{request_id}/approve").status_code == 409
    with app.app_context():
        assert db.session.scalars(select(Revision.number).order_by(Revision.number)).all() == [0, 1]


def test_rejection_needs_a_comment_which_the_author_receives(app: Flask, client: FlaskClient, team: Team) -> None:
    request_id = _propose(app, client, team, name_nl="Noord")
    without = client.post(f"/fr/moderation/changes/{request_id}/reject", data={"comment": "  "})
    assert without.status_code == 302 and without.headers["Location"].endswith(f"/changes/{request_id}")
    with app.app_context():
        assert db.session.get(ChangeRequest, request_id).status == ChangeStatus.PENDING
    client.post(f"/fr/moderation/changes/{request_id}/reject", data={"comment": "Le nom officiel est en français."})
    with app.app_context():
        proposal = db.session.get(ChangeRequest, request_id)
        assert (proposal.status, proposal.comment) == (ChangeStatus.REJECTED, "Le nom officiel est en français.")
        assert reload(proposal.service).name_nl == ""
        assert "Le nom officiel est en français." in mails_to("editor@example.org")[-1].body
    sign_in(client, team.editor)
    assert "Le nom officiel est en français." in page_text(client.get(f"/fr/edit/changes/{request_id}"))


def test_a_moderator_corrects_a_proposal_then_publishes_it(app: Flask, client: FlaskClient, team: Team) -> None:
    request_id = _propose(app, client, team, name_nl="Medisch huis Norden", description_nl="Huisartsen")
    form = client.get(f"/fr/moderation/changes/{request_id}/edit")
    assert 'value="Medisch huis Norden"' in page_text(form)
    with app.app_context():
        service = db.session.get(Service, team.own)
        data = edit_form_data(service, name_nl="Medisch huis Noord", description_nl="Huisartsen")
    assert client.post(f"/fr/moderation/changes/{request_id}/edit", data=data).status_code == 302
    with app.app_context():
        service = reload(db.session.get(Service, team.own))
        assert (service.name_nl, service.description_nl) == ("Medisch huis Noord", "Huisartsen")
        assert db.session.get(ChangeRequest, request_id).status == ChangeStatus.APPROVED


def test_history_shows_who_when_and_what(app: Flask, client: FlaskClient, team: Team) -> None:
    request_id = _propose(app, client, team, hours_note_fr="Fermé en août")
    client.post(f"/fr/moderation/changes/{request_id}/approve")
    sign_in(client, team.editor)
    page = page_text(client.get(f"/fr/edit/services/{team.own}/history"))
    assert "Version 1" in page and "editor@example.org" in page and utcnow().strftime("%Y-%m-%d ") in page
    assert "<ins>Fermé en août</ins>" in page


def test_the_diff_shows_labels_and_names_not_codes(app: Flask, client: FlaskClient, team: Team) -> None:
    sign_in(client, team.moderator)
    with app.app_context():
        data = edit_form_data(
            db.session.get(Service, team.own),
            availability="full",
            cost="free",
            sectors=["pharmacy", "food_aid"],
            languages=["ar"],
            phones="02 345 67 89",
        )
    assert client.post(f"/fr/edit/services/{team.own}", data=data).status_code == 302
    page = page_text(client.get(f"/fr/edit/services/{team.own}/history"))
    for readable in ("Disponibilité inconnue", "Complet", "Coût inconnu", "Gratuit", "Aide alimentaire", "arabe"):
        assert readable in page, readable
    assert "02 345 67 89" in page
    for code in (">full<", ">free<", "food_aid", "+3223456789"):
        assert code not in page, code


def test_a_moderator_restores_an_older_version_as_a_new_revision(app: Flask, client: FlaskClient, team: Team) -> None:
    first = _propose(app, client, team, name_fr="Deuxième nom")
    client.post(f"/fr/moderation/changes/{first}/approve")
    second = _propose(app, client, team, name_fr="Troisième nom", phones="02 345 67 89")
    client.post(f"/fr/moderation/changes/{second}/approve")
    response = client.post(f"/fr/moderation/services/{team.own}/revisions/1/restore")
    assert response.status_code == 302
    with app.app_context():
        service = reload(db.session.get(Service, team.own))
        assert (service.name_fr, [p.number for p in service.phones]) == ("Deuxième nom", ["+3222220000"])
        latest = db.session.scalars(select(Revision).order_by(Revision.number.desc())).first()
        assert (latest.number, latest.kind, latest.restored_from) == (3, "restore", 1)
        assert db.session.scalars(select(AuditLog.action).where(AuditLog.action == "restore")).all() == ["restore"]


def test_restoring_a_revision_of_another_fiche_is_404(app: Flask, client: FlaskClient, team: Team) -> None:
    request_id = _propose(app, client, team, name_nl="Noord")
    client.post(f"/fr/moderation/changes/{request_id}/approve")
    assert client.post(f"/fr/moderation/services/{team.other}/revisions/1/restore").status_code == 404


# --- Problem reports --------------------------------------------------------------------------------------------


def test_anyone_reports_a_problem_which_lands_in_the_queue(app: Flask, client: FlaskClient, team: Team) -> None:
    assert client.get(f"/nl/services/{team.other}/report").status_code == 200
    response = client.post(
        f"/nl/services/{team.other}/report",
        data={"category": "contact", "message": "Het nummer werkt niet", "email": "prof@example.org"},
    )
    assert response.status_code == 200
    with app.app_context():
        report = db.session.scalars(select(ProblemReport)).one()
        assert (report.service_id, report.category, report.lang, report.status) == (
            team.other,
            "contact",
            "nl",
            ReportStatus.OPEN,
        )
    sign_in(client, team.moderator)
    assert "Het nummer werkt niet" in page_text(client.get(f"/fr/moderation/reports/{report.id}"))
    client.post(f"/fr/moderation/reports/{report.id}", data={"action": "resolve"})
    with app.app_context():
        assert db.session.get(ProblemReport, report.id).status == ReportStatus.RESOLVED
    assert "/fr/moderation/reports/" not in page_text(client.get("/fr/moderation/"))


def test_an_incomplete_report_is_shown_back_with_what_was_typed(client: FlaskClient, team: Team) -> None:
    response = client.post(f"/fr/services/{team.own}/report", data={"message": "Mauvais horaire"})
    assert response.status_code == 400
    assert "Mauvais horaire" in page_text(response)


def test_a_bot_filling_the_honeypot_is_thanked_but_nothing_is_kept(app: Flask, client: FlaskClient, team: Team) -> None:
    response = client.post(
        f"/fr/services/{team.own}/report",
        data={"category": "other", "message": "Cheap pills here", "website": "http://spam.example"},
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalars(select(ProblemReport)).all() == []


def test_reports_are_rate_limited_per_address(app: Flask, client: FlaskClient, team: Team) -> None:
    limit = app.config["RATE_LIMIT_REPORT"][0]
    data = {"category": "hours", "message": "Fermé le lundi"}
    codes = [client.post(f"/fr/services/{team.own}/report", data=data).status_code for _ in range(limit + 1)]
    assert codes == [200] * limit + [429]
    other_address = client.post(f"/fr/services/{team.own}/report", data=data, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other_address.status_code == 200
    with app.app_context():
        assert len(db.session.scalars(select(ProblemReport)).all()) == limit + 1


def test_an_inactive_fiche_cannot_be_reported(app: Flask, client: FlaskClient, team: Team) -> None:
    with app.app_context():
        db.session.get(Service, team.own).status = "inactive"
        db.session.commit()
    assert client.get(f"/fr/services/{team.own}/report").status_code == 404


# --- Trusted organisations --------------------------------------------------------------------------------------


def test_an_admin_trusts_an_organisation(app: Flask, client: FlaskClient, team: Team) -> None:
    with app.app_context():
        organization_id = db.session.get(Service, team.own).organization_id
    sign_in(client, team.admin)
    client.post("/fr/moderation/trusted", data={"organization_id": organization_id, "trusted": "1"})
    with app.app_context():
        assert db.session.get(TrustedOrganization, organization_id) is not None
    assert "ASBL Nord" in page_text(client.get("/fr/moderation/trusted"))


def test_trusting_without_an_organisation_is_404(client: FlaskClient, team: Team) -> None:
    sign_in(client, team.admin)
    assert client.post("/fr/moderation/trusted", data={"trusted": "1"}).status_code == 404


# --- Roles ------------------------------------------------------------------------------------------------------


def test_a_moderator_publishes_directly(app: Flask, client: FlaskClient, team: Team) -> None:
    sign_in(client, team.moderator)
    with app.app_context():
        data = edit_form_data(db.session.get(Service, team.other), name_nl="Gezondheidscentrum Zuid")
    assert client.post(f"/fr/edit/services/{team.other}", data=data).status_code == 302
    with app.app_context():
        assert reload(db.session.get(Service, team.other)).name_nl == "Gezondheidscentrum Zuid"
        assert db.session.scalars(select(ChangeRequest)).all() == []


def test_an_admin_changes_a_role_and_deactivates_an_account(app: Flask, client: FlaskClient, team: Team) -> None:
    editor = app.test_client()
    sign_in(editor, team.editor)
    sign_in(client, team.admin)
    client.post(f"/fr/account/users/{team.editor}/role", data={"role": "moderator", "active": "1"})
    assert editor.get("/fr/moderation/").status_code == 302  # a role change ends the user's sessions
    sign_in(editor, team.editor)
    assert editor.get("/fr/moderation/").status_code == 200
    client.post(f"/fr/account/users/{team.editor}/role", data={"role": "moderator", "active": "0"})
    assert editor.get("/fr/moderation/").status_code == 302  # a deactivated account's session no longer works
    with app.app_context():
        query = select(AuditLog.action).where(AuditLog.target_type == "user", AuditLog.target_id == team.editor)
        assert db.session.scalars(query.order_by(AuditLog.id)).all() == ["role", "deactivate"]
