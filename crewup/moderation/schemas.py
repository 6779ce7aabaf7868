"""Bodies, queries and answers of the moderation API."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from crewup.core.clock import UtcMoment
from crewup.core.identity import Role
from crewup.core.paging import Limit
from crewup.moderation.audit import AuditEntry
from crewup.moderation.reports import Action, Report, Status
from crewup.moderation.targets import TargetType
from crewup.web.schemas import PLAIN_TEXT, InputModel, UtcTimestamp

RowId = Annotated[int, Field(gt=0, lt=2**31)]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), PLAIN_TEXT
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000), PLAIN_TEXT]
Cursor = str | None  # its length is checked by decode_cursor: 400


class ReportIn(InputModel):
    target_type: TargetType
    target_id: RowId
    reason: Reason


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    kind: TargetType | None = None
    limit: Limit = 20
    cursor: Cursor = None


class ResolveIn(InputModel):
    action: Action
    note: Note | None = None


class TargetOut(BaseModel):
    type: TargetType
    id: int
    excerpt: str | None
    owner_id: int | None
    removed: bool


class ReportOut(BaseModel):
    id: int
    reporter_id: int
    target: TargetOut
    reason: str
    status: Status
    claimed_by: int | None
    resolved_by: int | None
    resolution: str | None
    note: str | None
    created_at: UtcTimestamp
    resolved_at: UtcTimestamp | None

    @classmethod
    def of(cls, report: Report) -> ReportOut:
        t = report.target
        return cls(
            id=report.id,
            reporter_id=report.reporter_id,
            target=TargetOut(
                type=report.target_type,
                id=report.target_id,
                # None: the target no longer exists at all (a deleted group, say).
                excerpt=t.excerpt if t else None,
                owner_id=t.owner_id if t else None,
                removed=t.removed if t else False,
            ),
            reason=report.reason,
            status=report.status,
            claimed_by=report.claimed_by,
            resolved_by=report.resolved_by,
            resolution=report.resolution,
            note=report.note,
            created_at=report.created_at,
            resolved_at=report.resolved_at,
        )


class ReportPage(BaseModel):
    items: list[ReportOut]
    next_cursor: str | None


class BanIn(InputModel):
    user_id: RowId
    reason: Reason
    expires_at: UtcMoment | None = None


class EarlierBanOut(BaseModel):
    banned_at: UtcTimestamp | None
    expires_at: UtcTimestamp | None
    reason: str | None


class BanOut(BaseModel):
    user_id: int
    banned_at: UtcTimestamp | None
    expires_at: UtcTimestamp | None
    reason: str | None
    replaced: EarlierBanOut | None = Field(
        None, description="the ban in force that this one replaced, if there was one"
    )


class RoleIn(InputModel):
    role: Role
    reason: Note | None = None


class RoleOut(BaseModel):
    user_id: int
    role: Role


class RemoveIn(InputModel):
    reason: Note | None = None


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Annotated[str | None, Field(None, max_length=40)] = None
    actor_id: RowId | None = None
    target_type: Annotated[str | None, Field(None, max_length=16)] = None
    target_id: RowId | None = None
    limit: Limit = 20
    cursor: Cursor = None


class AuditOut(BaseModel):
    id: int
    actor_id: int | None
    face: str
    action: str
    target_type: str
    target_id: int | None
    reason: str | None
    detail: dict[str, Any]
    created_at: UtcTimestamp

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditOut:
        return cls(**entry.__dict__)


class AuditPage(BaseModel):
    items: list[AuditOut]
    next_cursor: str | None
