"""How people and forms mangle emails, and the junk typed into identifier fields."""

from __future__ import annotations

import random

#: Junk typed into email fields.  Some are syntactically valid emails (they stay identifiers and are shared by
#: many persons in truth), the others are not emails at all once normalised.
JUNK_EMAILS_VALID = ("test@test.com", "noemail@example.com", "none@none.com", "no@email.com")
JUNK_EMAILS_INVALID = ("n/a", "none", "null", "unknown", "N/A", "-", "no email")


def render_email(rng: random.Random, email: str, *, messy: float = 0.15) -> str:
    """`email` as typed: usually as is, sometimes capitalised, upper-cased or with stray whitespace."""
    if rng.random() >= messy:
        return email
    style = rng.randrange(5)
    if style == 0:
        local, domain = email.split("@")
        return ".".join(part.capitalize() for part in local.split(".")) + "@" + domain.capitalize()
    if style == 1:
        return email.upper()
    if style == 2:
        return " " + email
    if style == 3:
        return email + " "
    return email[0].upper() + email[1:] + "\t"


def junk_email(rng: random.Random) -> str:
    """A placeholder email: a third are still valid addresses (test@test.com), the rest are not."""
    return rng.choice(JUNK_EMAILS_VALID) if rng.random() < 0.35 else rng.choice(JUNK_EMAILS_INVALID)
