"""Typed SQLAlchemy models. The SQL database is the source of truth; models do no HTTP and no search calls."""

from directory.models.accounts import AuditLog, LoginToken, MailMessage, Membership, Role, User  # noqa: F401
from directory.models.bilingual import TextStamp  # noqa: F401
from directory.models.campaigns import Campaign, CampaignItem  # noqa: F401
from directory.models.candidates import Candidate, CandidateStatus
from directory.models.dashboard import AreaPopulation
from directory.models.dedupe import MergeCandidate, ServiceSource
from directory.models.functions import CoordinationFunction, ServiceFunction  # noqa: F401
from directory.models.geocoding import Address, GeocodeCache
from directory.models.geography import Bassin, Commune, PostalCode, Quartier
from directory.models.moderation import ChangeRequest, ProblemReport, Revision  # noqa: F401
from directory.models.orientation import MapFeature, TransitStop
from directory.models.outbox import SearchOutbox
from directory.models.selfserve import Claim, ServiceProposal  # noqa: F401
from directory.models.services import (
    AccessCondition,
    Accessibility,
    Availability,
    Cost,
    Location,
    Organization,
    Phone,
    Service,
    ServiceStatus,
)
from directory.models.unmet import UnmetSearch
from directory.models.vocabulary import Public, Sector

__all__ = [
    "AccessCondition",
    "Accessibility",
    "Address",
    "AreaPopulation",
    "Availability",
    "Bassin",
    "Candidate",
    "CandidateStatus",
    "Commune",
    "CoordinationFunction",
    "Cost",
    "GeocodeCache",
    "Location",
    "MapFeature",
    "MergeCandidate",
    "Organization",
    "Phone",
    "PostalCode",
    "Public",
    "Quartier",
    "SearchOutbox",
    "Sector",
    "Service",
    "ServiceSource",
    "ServiceStatus",
    "TransitStop",
    "UnmetSearch",
]
