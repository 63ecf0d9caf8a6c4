"""Secret tokens in links (invitations, calendar feeds): only their hash is stored."""

import hashlib


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()
