"""Accounts: registration by confirmed email, log-in, password changes and resets.

No answer here reveals whether an email address has an account: registration
and reset always send a message to the address given (a different one when
it is unknown or already registered) and answer the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from facilitator.extensions import db
from facilitator.models import Group, Membership, User
from facilitator.models._common import utcnow
from facilitator.services import mail
from facilitator.services.errors import (
    EmailTaken,
    InvalidDisplayName,
    InvalidToken,
    WrongPassword,
)

REGISTRATION_SALT = "registration"
RESET_SALT = "password-reset"
KNOWN_DEVICE_SALT = "known-device"
# A shared tablet may know a few accounts; the most recent ones are kept.
KNOWN_DEVICE_ACCOUNTS = 5

# A short list of passwords that attackers try first; longer lists belong in a
# dedicated package, this one stops the obvious.
COMMON_PASSWORDS = frozenset(
    [
        "password",
        "password1",
        "password12",
        "password123",
        "passwort",
        "motdepasse",
        "passw0rd",
        "1234567890",
        "0123456789",
        "12345678910",
        "qwertyuiop",
        "azertyuiop",
        "qwertzuiop",
        "iloveyou123",
        "welcome123",
        "bienvenue1",
        "benvenuto1",
        "letmein123",
        "abcdefghij",
        "1111111111",
        "0000000000",
        "aaaaaaaaaa",
        "facilitator",
        "facilitator1",
    ]
)
PASSWORD_MIN = 10
PASSWORD_MAX = 200


def password_problem(password: str, *, email: str = "", display_name: str = "") -> str | None:
    """Return a translated reason why ``password`` is too weak, or None."""
    if len(password) < PASSWORD_MIN:
        return _("Choose a password of at least %(n)d characters.", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _("A password may have at most %(n)d characters.", n=PASSWORD_MAX)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _("This password is too easy to guess. Choose a less common one.")
    local = email.split("@", 1)[0].lower()
    if (local and len(local) >= 4 and local in lowered) or (
        display_name and lowered == display_name.strip().lower()
    ):
        return _("Your password must not contain your email address or your name.")
    return None


# --- display names ----------------------------------------------------------

# Characters that reorder the text around them (Unicode bidirectional
# controls): a name holding one could turn a sentence that names it around.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Joiners that some scripts (Persian, the Indic ones) and emoji sequences need
# between two of their characters; anywhere else they only hide themselves.
JOINERS = frozenset("\u200c\u200d")
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
SPACES = re.compile(r"[\x00-\x1f\x7f\s]+")


def normalize_display_name(name: str) -> str:
    """The name as stored: NFC (one code point for "é", however it was
    typed), line breaks, tabs and runs of spaces as one space, no space
    around it."""
    return SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()


def _visible(char: str) -> bool:
    """A letter, digit, punctuation mark or symbol: something that shows."""
    return unicodedata.category(char)[0] in "LNPS"


def _hidden(name: str, i: int) -> bool:
    """Whether ``name[i]`` is an invisible character that has no business in a
    name (a joiner between two visible characters of a non-Latin script or
    of an emoji is fine)."""
    char = name[i]
    if char in JOINERS:
        neighbours = name[i - 1 : i] + name[i + 1 : i + 2]
        return not (
            len(neighbours) == 2 and all(_visible(c) and not c.isascii() for c in neighbours)
        )
    return unicodedata.category(char) in INVISIBLE_CATEGORIES


def display_name_problem(name: str) -> str | None:
    """Return a translated reason why ``name`` (normalised) cannot be a
    display name, or None: no direction controls, no invisible characters
    (zero-width spaces, byte order marks…), at least one visible one."""
    if any(char in BIDI_CONTROLS for char in name):
        return _("A name cannot contain characters that change the direction of the text.")
    if any(_hidden(name, i) for i in range(len(name))):
        return _("A name cannot contain invisible characters, such as zero-width spaces.")
    if not any(_visible(char) for char in name):
        return _("A name needs at least one visible letter, digit or sign.")
    return None


def _checked_display_name(name: str) -> str:
    name = normalize_display_name(name)
    problem = display_name_problem(name)
    if problem:
        raise InvalidDisplayName(problem, field="display_name")
    return name


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


# --- registration ---------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """What a confirmed registration link proves: who owns the address."""

    email: str
    invitation: str | None


def start_registration(
    email: str, locale: str, link_for: Callable[[str], str], invitation: str | None = None
) -> None:
    """Email a link that lets the owner of ``email`` finish creating the account.

    Someone who already has an account gets a reminder to log in instead; the
    caller's answer is the same in both cases.
    """
    email = User.normalize_email(email)
    existing = db.session.scalar(User.select_by_email(email))
    if existing is not None:
        mail.send_template(
            email,
            existing.locale,
            lambda: _("You already have a facilitator account"),
            "mail/already_registered.txt",
            user=existing,
        )
        return
    token = _serializer(REGISTRATION_SALT).dumps({"email": email, "invitation": invitation})
    mail.send_template(
        email,
        locale,
        lambda: _("Finish creating your facilitator account"),
        "mail/confirm_registration.txt",
        link=link_for(token),
    )


def read_registration(token: str) -> Registration:
    max_age = current_app.config["EMAIL_CONFIRM_MAX_AGE"]
    try:
        data = _serializer(REGISTRATION_SALT).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired) as exc:
        raise InvalidToken() from exc
    return Registration(email=data["email"], invitation=data.get("invitation"))


def create_account(email: str, display_name: str, password: str, locale: str) -> User:
    """Create the account for a confirmed address."""
    email = User.normalize_email(email)
    if db.session.scalar(User.select_by_email(email)) is not None:
        raise EmailTaken(field="email")
    user = User(email=email, display_name=_checked_display_name(display_name), locale=locale)
    user.set_password(password)
    user.last_login_at = utcnow()
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError as exc:  # the same link used twice at the same moment
        raise EmailTaken(field="email") from exc
    return user


# --- log-in ---------------------------------------------------------------


def authenticate(email: str, password: str) -> User | None:
    """Return the user whose email and password match, or None."""
    user = db.session.scalar(User.select_by_email(email))
    if user is None:
        # Spend the same time as a real check, so timing does not tell.
        User(password_hash=_dummy_hash()).check_password(password)
        return None
    if not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


_DUMMY: dict[str, str] = {}


def known_device_token(previous: str | None, user: User) -> str:
    """The signed value of the "known device" cookie once ``user`` has logged
    in on this device (added to the accounts it knew, ``previous``)."""
    ids = [user.id, *(i for i in _known_accounts(previous) if i != user.id)]
    return _serializer(KNOWN_DEVICE_SALT).dumps(ids[:KNOWN_DEVICE_ACCOUNTS])


def _known_accounts(token: str | None) -> list[int]:
    if not token:
        return []
    max_age = current_app.config["KNOWN_DEVICE_DAYS"] * 86400
    try:
        ids = _serializer(KNOWN_DEVICE_SALT).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def is_known_device(token: str | None, email: str) -> bool:
    """Whether the device that sent ``token`` (its "known device" cookie)
    has logged in to the account of ``email`` in the last KNOWN_DEVICE_DAYS.
    Such a device is not held back by the limits that a stranger guessing
    that account's password runs into."""
    ids = _known_accounts(token)
    if not ids or not email:
        return False  # no query for a first log-in
    user_id = db.session.scalar(select(User.id).where(User.email == User.normalize_email(email)))
    return user_id in ids


def end_sessions(user: User) -> None:
    """End every session of ``user``, on every device: the session cookies
    and "stay logged in" cookies issued until now stop working (even copied
    ones); the next log-in starts a new session."""
    user.session_version += 1


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY:
        probe = User()
        probe.set_password("not-a-real-password")
        _DUMMY[method] = probe.password_hash
    return _DUMMY[method]


# --- profile and password ---------------------------------------------------


def update_profile(user: User, display_name: str, locale: str, reminder_days: int = 2) -> None:
    name = _checked_display_name(display_name)
    if name != user.display_name:
        # Group calendars may name role holders: their feeds change (and
        # their cached bytes with the groups' versions).
        db.session.execute(
            update(Group)
            .where(Group.id.in_(select(Membership.group_id).where(Membership.user_id == user.id)))
            .values(version=Group.version + 1)
        )
    user.display_name = name
    user.locale = locale
    user.reminder_days = reminder_days


def change_password(user: User, current: str, new: str) -> None:
    """Change the password; every other session of the user ends."""
    if not user.check_password(current):
        raise WrongPassword(field="current_password")
    _set_password(user, new)


def _set_password(user: User, new: str) -> None:
    user.set_password(new)
    end_sessions(user)


# --- password reset ---------------------------------------------------------


def request_password_reset(
    email: str, locale: str, link_for: Callable[[str], str], register_link: str
) -> None:
    """Email a single-use reset link, or tell an unknown address it has no account."""
    email = User.normalize_email(email)
    user = db.session.scalar(User.select_by_email(email))
    if user is None:
        mail.send_template(
            email,
            locale,
            lambda: _("Password reset requested"),
            "mail/reset_unknown.txt",
            register_link=register_link,
        )
        return
    # The token is bound to the current password hash: it stops working as
    # soon as it has been used (or the password changed otherwise).
    token = _serializer(RESET_SALT).dumps({"id": user.id, "h": user.password_hash[-16:]})
    mail.send_template(
        user.email,
        user.locale,
        lambda: _("Reset your facilitator password"),
        "mail/reset_password.txt",
        user=user,
        link=link_for(token),
        hours=current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600 or 1,
    )


def user_for_reset(token: str) -> User:
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _serializer(RESET_SALT).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired) as exc:
        raise InvalidToken() from exc
    user = db.session.get(User, data.get("id"))
    if user is None or user.password_hash[-16:] != data.get("h"):
        raise InvalidToken()
    return user


def reset_password(token: str, new: str) -> User:
    user = user_for_reset(token)
    _set_password(user, new)
    return user
