"""The domain model: one module per aggregate."""

from facilitator.models.attendance import AttendanceRecord, Intention
from facilitator.models.audit import AuditEvent
from facilitator.models.centres import Centre, CentreStaff, StaffAction
from facilitator.models.charter import Charter, CharterAcknowledgement, CharterVersion
from facilitator.models.contact import ContactMessage
from facilitator.models.feeds import FeedToken
from facilitator.models.groups import CANTONS, LANGUAGES, THEMES, Group, Invitation, Membership
from facilitator.models.meetings import Meeting, MeetingSeries
from facilitator.models.outbox import OutboxMessage, WorkerJob
from facilitator.models.polls import Poll, PollBallot, PollChoice, PollOpenVoter, PollOption
from facilitator.models.referrals import ListingRequest, Referral
from facilitator.models.roles import (
    RoleAssignment,
    RoleOptIn,
    RoleType,
    SwapRequest,
    Unavailability,
)
from facilitator.models.rooms import Room
from facilitator.models.themes import ThemeProposal, ThemeSupport
from facilitator.models.users import User
from facilitator.models.welcome import WelcomeMessage, WelcomePairing

__all__ = [
    "CANTONS",
    "LANGUAGES",
    "THEMES",
    "AttendanceRecord",
    "AuditEvent",
    "Centre",
    "CentreStaff",
    "Charter",
    "CharterAcknowledgement",
    "CharterVersion",
    "ContactMessage",
    "FeedToken",
    "Group",
    "Intention",
    "Invitation",
    "ListingRequest",
    "Meeting",
    "MeetingSeries",
    "Membership",
    "OutboxMessage",
    "Poll",
    "PollBallot",
    "PollChoice",
    "PollOpenVoter",
    "PollOption",
    "Referral",
    "RoleAssignment",
    "RoleOptIn",
    "RoleType",
    "Room",
    "StaffAction",
    "SwapRequest",
    "ThemeProposal",
    "ThemeSupport",
    "Unavailability",
    "User",
    "WelcomeMessage",
    "WelcomePairing",
    "WorkerJob",
]
