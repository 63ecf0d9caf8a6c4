"""Accounts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String, false, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from facilitator.extensions import db
from facilitator.models._common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from facilitator.models.groups import Membership

EMAIL_MAX = 254
DISPLAY_NAME_MAX = 60


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Always stored lower-cased; never shown to other members.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_MAX))
    locale: Mapped[str] = mapped_column(String(8), default="fr")
    # Bumped when the password changes: every other session and
    # "remember me" cookie stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Remind me of my roles this many days before the meeting (0: never).
    reminder_days: Mapped[int] = mapped_column(Integer, default=2)
    # Personal calendar feed: neutral titles instead of group names.
    feed_discreet: Mapped[bool] = mapped_column(Boolean, default=False)
    # When something that changes the personal feed changed (preferences,
    # joining or leaving a group): its Last-Modified.
    feed_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # An instance administrator (given by `flask admin`, never by a page):
    # manages centres and their staff, reads the staff actions.
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    if TYPE_CHECKING:
        # Staff of some centre (a column_property set in models/centres.py).
        is_staff: bool
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<User {self.id}>"

    @staticmethod
    def normalize_email(email: str) -> str:
        return email.strip().lower()

    @classmethod
    def select_by_email(cls, email: str):
        return select(cls).where(cls.email == cls.normalize_email(email))

    def set_password(self, password: str) -> None:
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"
