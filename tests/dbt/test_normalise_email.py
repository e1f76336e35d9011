"""Property tests: `normalise_email` (compiled by dbt, run in DuckDB) keeps valid addresses, trimmed and
lower-cased, and turns junk into NULL."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from staging_harness import Normalisers

PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ATOM_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"


@st.composite
def plain_emails(draw: st.DrawFn) -> str:
    """Everyday addresses: dotted local parts, sub-domains, mixed case."""
    atoms = draw(st.lists(st.text(ATOM_CHARS, min_size=1, max_size=10), min_size=1, max_size=3))
    labels = draw(
        st.lists(
            st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?", fullmatch=True),
            min_size=1,
            max_size=3,
        )
    )
    tld = draw(st.from_regex(r"[A-Za-z]{2,6}", fullmatch=True))
    return ".".join(atoms) + "@" + ".".join([*labels, tld])


# What exports leave around a value: spaces, tabs (CSV cells pasted from spreadsheets), line breaks and
# no-break spaces.
PADDING = st.text(alphabet=" \t\r\n\xa0", max_size=3)


def padded(text: str) -> st.SearchStrategy[str]:
    return st.builds(lambda a, b: a + text + b, PADDING, PADDING)


@given(data=st.data())
@PROPERTY_SETTINGS
def test_valid_emails_survive_trimmed_and_lower_cased(normalisers: Normalisers, data: st.DataObject) -> None:
    emails = data.draw(st.lists(st.one_of(st.emails(), plain_emails()), min_size=1, max_size=40))
    inputs = [data.draw(padded(email)) for email in emails]
    assert normalisers.run("email", inputs) == [email.lower() for email in emails], inputs


@st.composite
def broken_emails(draw: st.DrawFn) -> str:
    """A valid address broken in one of the ways real data breaks them."""
    email = draw(plain_emails())
    local, domain = email.split("@")
    space = local + " @" + domain if draw(st.booleans()) else local + "@" + domain.replace(".", " .", 1)
    broken = {
        "no_at": local + domain,
        "two_ats": local + "@" + local + "@" + domain,
        "space": space,
        "no_tld": local + "@" + domain.split(".")[0],
        "trailing_dot": email + ".",
        "leading_dot": "." + email,
        "double_dot": local + "..x@" + domain,
        "numeric_tld": email + "." + str(draw(st.integers(0, 999))),
        "empty_local": "@" + domain,
        "comma": local + "@" + domain.replace(".", ",", 1),
    }
    return broken[draw(st.sampled_from(sorted(broken)))]


@given(data=st.data())
@PROPERTY_SETTINGS
def test_junk_gives_null(normalisers: Normalisers, data: st.DataObject) -> None:
    junk = st.one_of(
        broken_emails(),
        st.sampled_from(["", " ", "n/a", "none", "null", "test", "-", "unknown@", "@", "a@b", "no email"]),
        st.text(min_size=0, max_size=20).filter(lambda t: "@" not in t),
    )
    inputs = data.draw(st.lists(junk, min_size=1, max_size=40))
    assert normalisers.run("email", inputs) == [None] * len(inputs), inputs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Alice.Smith@Example.COM ", "alice.smith@example.com"),
        ("Charris359@gmail.com\t", "charris359@gmail.com"),  # regression: a trailing tab lost the email
        ("\xa0bob@example.org\r\n", "bob@example.org"),
        ("bob\t@example.org", None),
        ("o'brien+news@mail.example.co.uk", "o'brien+news@mail.example.co.uk"),
        ("user@xn--bcher-kva.example", "user@xn--bcher-kva.example"),
        ("alice@example", None),
        ("alice@@example.com", None),
        ("alice smith@example.com", None),
        ("alice@-example.com", None),
        (None, None),
    ],
)
def test_examples(normalisers: Normalisers, text: str | None, expected: str | None) -> None:
    assert normalisers.run("email", [text]) == [expected]
