"""Secret tokens in links (invitations, calendar feeds): only their hash is
stored; and the keyed hashes under which anonymous answers are kept."""

import hashlib
import hmac

from flask import current_app


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(*parts: object) -> str:
    """HMAC-SHA256 of ``parts`` (joined by ":") under the app's secret key:
    the app recognises a member's own anonymous answer by computing it again,
    while the database alone cannot tell whose answer it is."""
    key = current_app.config["SECRET_KEY"].encode()
    message = ":".join(str(part) for part in parts)
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
