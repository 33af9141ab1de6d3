"""What every moderator's decision on a request checks: proposed changes, proposed services and claims."""

from __future__ import annotations

from directory.models.accounts import User


def check_pending(moderator: User, pending: bool, what: str) -> None:
    """A decision by a moderator on a request still waiting for one: PermissionError for anyone else,
    ValueError when the request was already decided (by someone else, in another tab)."""
    if not moderator.is_moderator:
        raise PermissionError("moderators only")
    if not pending:
        raise ValueError(f"this {what} was already decided")


def explanation(comment: str) -> str:
    """The moderator's reason for a refusal, which the person refused receives; ValueError when there is none."""
    reason = comment.strip()
    if not reason:
        raise ValueError("a comment is required to refuse")
    return reason
