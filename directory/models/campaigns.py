"""Verification campaigns: a coordinator asks a chosen set of services to confirm or update their fiche."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.accounts import User
from directory.models.base import utcnow
from directory.models.services import Service


class Campaign(Model):
    """One sending: the selection it was made from, its reminder rhythm and when silence goes to the coordinator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    criteria: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    remind_every_days: Mapped[int] = mapped_column(default=14)
    escalate_after: Mapped[int] = mapped_column(default=2)  # reminders without an answer, then the coordinator is told

    created_by: Mapped[User | None] = relationship()
    items: Mapped[list[CampaignItem]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignItem.id"
    )


class CampaignItem(Model):
    """One fiche of a campaign: to whom it went, and what came back."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    bassin_code: Mapped[str | None] = mapped_column(String(20))  # the fiche's bassin when sent, for the counts
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminders: Mapped[int] = mapped_column(default=0)
    last_reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rhythm_days: Mapped[int | None]  # the service's own choice of reminder rhythm; 0 = no more reminders
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    campaign: Mapped[Campaign] = relationship(back_populates="items")
    service: Mapped[Service] = relationship()
