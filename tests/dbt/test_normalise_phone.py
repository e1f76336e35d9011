"""Property tests: `normalise_phone` (compiled by dbt, run in DuckDB) agrees with libphonenumber.

Valid numbers are made by randomising the subscriber digits of libphonenumber's example numbers and kept
when `phonenumbers.is_valid_number` accepts them; each is written the ways people write numbers
(E.164, INTERNATIONAL, `00` prefix, random separators, NATIONAL for the default country) and must come out
as libphonenumber's E.164. Junk must come out NULL.
"""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from staging_harness import PHONE_COUNTRIES, Normalisers

#: Regions outside the macro's country table: only the generic 8-15 digit rule applies to them.
OTHER_REGIONS = ("BR", "JP", "IN", "MX", "SG", "CH", "BE", "SE", "PL", "ZA", "NZ")
NUMBER_TYPES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.VOIP,
)
ASCENDING = "0123456789" * 3
DESCENDING = "9876543210" * 3
SEPARATORS = ("", " ", "-", ".", " - ", "  ")
PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)


def looks_like_placeholder(e164_digits: str) -> bool:
    """The macro's placeholder rule: after the first 1-3 digits, one repeated digit or a 6+ digit run."""
    for code_length in (1, 2, 3):
        rest = e164_digits[code_length:]
        if len(set(rest)) == 1 or (len(rest) >= 6 and (rest in ASCENDING or rest in DESCENDING)):
            return True
    return False


@st.composite
def valid_numbers(draw: st.DrawFn, regions: tuple[str, ...]) -> phonenumbers.PhoneNumber:
    """A number libphonenumber considers valid, in one of `regions`."""
    region = draw(st.sampled_from(regions))
    number_type = draw(st.sampled_from(NUMBER_TYPES))
    example = phonenumbers.example_number_for_type(region, number_type)
    assume(example is not None)
    national = phonenumbers.national_significant_number(example)
    kept = draw(st.integers(min_value=min(2, len(national) - 1), max_value=len(national) - 1))
    tail = draw(st.text("0123456789", min_size=len(national) - kept, max_size=len(national) - kept))
    number = phonenumbers.parse(f"+{example.country_code}{national[:kept]}{tail}")
    assume(phonenumbers.is_valid_number(number))
    assume(phonenumbers.region_code_for_number(number) == region or region not in PHONE_COUNTRIES)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    assume(len(e164) <= 16 and not looks_like_placeholder(e164[1:]))
    # Outside the country table the macro only knows E.164's generic 8-15 digits.
    assume(region in PHONE_COUNTRIES or len(e164) >= 9)
    return number


@st.composite
def written_internationally(draw: st.DrawFn, number: phonenumbers.PhoneNumber) -> str:
    """`number` as a person might write it with its country code."""
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    style = draw(st.sampled_from(["e164", "international", "double_zero", "separators"]))
    if style == "e164":
        return e164
    if style == "international":
        return international
    if style == "double_zero":
        return "00" + international[1:]
    digits = e164[1:]
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=4)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
    text = groups[0]
    for group in groups[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + group
    prefix = draw(st.sampled_from(["+", "+ ", "00", "00 "]))
    return draw(st.sampled_from(["", " "])) + prefix + text + draw(st.sampled_from(["", " "]))


@given(data=st.data(), country=st.sampled_from(PHONE_COUNTRIES))
@PROPERTY_SETTINGS
def test_international_formats_give_e164(normalisers: Normalisers, data: st.DataObject, country: str) -> None:
    numbers = data.draw(st.lists(valid_numbers(PHONE_COUNTRIES + OTHER_REGIONS), min_size=1, max_size=40))
    inputs = [data.draw(written_internationally(n)) for n in numbers]
    expected = [phonenumbers.format_number(n, PhoneNumberFormat.E164) for n in numbers]
    assert normalisers.run(f"phone_{country}", inputs) == expected, inputs


@given(data=st.data(), country=st.sampled_from(PHONE_COUNTRIES))
@PROPERTY_SETTINGS
def test_national_format_uses_default_country(
    normalisers: Normalisers, data: st.DataObject, country: str
) -> None:
    regions = ("US", "CA") if country in ("US", "CA") else (country,)
    numbers = data.draw(st.lists(valid_numbers(regions), min_size=1, max_size=40))
    inputs = [phonenumbers.format_number(n, PhoneNumberFormat.NATIONAL) for n in numbers]
    inputs = [
        data.draw(st.sampled_from([text, text.replace(" ", "-"), text.replace(" ", "")])) for text in inputs
    ]
    expected = [phonenumbers.format_number(n, PhoneNumberFormat.E164) for n in numbers]
    assert normalisers.run(f"phone_{country}", inputs) == expected, inputs


@given(data=st.data(), country=st.sampled_from(PHONE_COUNTRIES))
@PROPERTY_SETTINGS
def test_extensions_are_dropped(normalisers: Normalisers, data: st.DataObject, country: str) -> None:
    number = data.draw(valid_numbers(PHONE_COUNTRIES))
    extension = data.draw(st.sampled_from([" x", "x", " ext. ", " ext ", " extension ", " #", ", ext "]))
    digits = data.draw(st.text("0123456789", min_size=1, max_size=5))
    text = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL) + extension + digits
    assert normalisers.run(f"phone_{country}", [text]) == [
        phonenumbers.format_number(number, PhoneNumberFormat.E164)
    ]


def repeated_digits() -> st.SearchStrategy[str]:
    return st.builds(lambda d, n: d * n, st.sampled_from("0123456789"), st.integers(4, 15))


def digit_runs() -> st.SearchStrategy[str]:
    return st.builds(
        lambda source, start, n: source[start : start + n],
        st.sampled_from([ASCENDING, DESCENDING]),
        st.integers(0, 9),
        st.integers(7, 12),
    )


@st.composite
def junk_phones(draw: st.DrawFn) -> str:
    """Values no default country may turn into a number."""
    kind = draw(st.sampled_from(["placeholder", "run", "short", "letters", "words", "too_long"]))
    if kind == "placeholder":
        return draw(st.sampled_from(["", "+", "00", "(", "+1 "])) + draw(repeated_digits())
    if kind == "run":
        return draw(st.sampled_from(["", "+", "00"])) + draw(digit_runs())
    if kind == "short":
        return draw(st.sampled_from(["", "+", "00"])) + draw(st.text("0123456789", min_size=1, max_size=3))
    if kind == "too_long":
        return "+" + draw(st.text("123456789", min_size=16, max_size=20))
    if kind == "letters":
        number = draw(valid_numbers(PHONE_COUNTRIES))
        text = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
        at = draw(st.integers(1, len(text) - 1))
        return text[:at] + draw(st.sampled_from("abcdfghjklmnopqrsuvwyzABC")) + text[at:]
    return draw(st.sampled_from(["n/a", "none", "unknown", "-", "call me", "+1 (ABC) DEF-GHIJ", "tel"]))


@given(data=st.data(), country=st.sampled_from(PHONE_COUNTRIES))
@PROPERTY_SETTINGS
def test_junk_gives_null(normalisers: Normalisers, data: st.DataObject, country: str) -> None:
    inputs = data.draw(st.lists(junk_phones(), min_size=1, max_size=40))
    assert normalisers.run(f"phone_{country}", inputs) == [None] * len(inputs), inputs


@pytest.mark.parametrize("country", PHONE_COUNTRIES)
def test_country_table_agrees_with_libphonenumber(normalisers: Normalisers, country: str) -> None:
    rules = normalisers.phone_countries[country]
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(country)
    assert rules["calling_code"] == str(metadata.country_code)
    assert rules["trunk_prefix"] == (metadata.national_prefix or "")
    customer_types = (
        metadata.fixed_line,
        metadata.mobile,
        metadata.toll_free,
        metadata.premium_rate,
        metadata.shared_cost,
        metadata.personal_number,
        metadata.voip,
        metadata.uan,
    )
    lengths = {
        n
        for desc in customer_types
        if desc is not None and desc.national_number_pattern
        for n in (desc.possible_length or metadata.general_desc.possible_length)
        if n + len(rules["calling_code"]) <= 15
    }
    if country in ("US", "CA"):
        lengths = {10}  # CA's 7-digit local numbers are not valid full numbers
    assert sorted(rules["nsn_lengths"]) == sorted(lengths)


@pytest.mark.parametrize(
    ("country", "text", "expected"),
    [
        ("US", "(415) 555-2671", "+14155552671"),
        ("US", "1-415-555-2671", "+14155552671"),
        ("US", "415.555.2671 x204", "+14155552671"),
        ("US", "201-555-0123", "+12015550123"),  # fictional 555-01xx: well-formed, kept
        ("US", "(123) 456-7890", None),  # area code starting with 1, and a digit run
        ("US", "212-155-0123", None),  # exchange starting with 1
        ("US", "555-0123", None),  # 7 digits: no area code
        ("US", "+44 (0)20 7946 0958", "+442079460958"),
        ("GB", "020 7946 0958", "+442079460958"),
        ("GB", "07700 900123", "+447700900123"),
        ("GB", "44 7700 900123", "+447700900123"),  # country code without +
        ("DE", "030 901820", "+4930901820"),
        ("FR", "01 42 68 53 00", "+33142685300"),
        ("IT", "06 6982 0000", "+390669820000"),  # Italian numbers keep their 0
        ("ES", "612 90 18 27", "+34612901827"),
        ("IE", "(01) 437 2190", "+35314372190"),
        ("AU", "(02) 9374 4000", "+61293744000"),
        ("NL", "020-551 4912", "+31205514912"),
        ("CA", "604 555 0199", "+16045550199"),
        ("US", "0044 20 7946 0958", "+442079460958"),
        ("US", "+0 123 456 789", None),  # no country code starts with 0
        ("US", None, None),
    ],
)
def test_examples(normalisers: Normalisers, country: str, text: str | None, expected: str | None) -> None:
    assert normalisers.run(f"phone_{country}", [text]) == [expected]


#: `normalise_phone_in_country` entries of the harness: the record's country as written, and the region
#: whose national numbers it should read.
RECORD_COUNTRIES = {"phone_in_united_kingdom": "GB", "phone_in_de": "DE", "phone_in_narnia": "US"}


@given(data=st.data(), macro=st.sampled_from(sorted(RECORD_COUNTRIES)))
@PROPERTY_SETTINGS
def test_national_format_uses_the_record_country(
    normalisers: Normalisers, data: st.DataObject, macro: str
) -> None:
    """A CRM contact in the UK writes `07911 123456`; an unknown country falls back to the default (US)."""
    numbers = data.draw(st.lists(valid_numbers((RECORD_COUNTRIES[macro],)), min_size=1, max_size=40))
    inputs = [phonenumbers.format_number(n, PhoneNumberFormat.NATIONAL) for n in numbers]
    expected = [phonenumbers.format_number(n, PhoneNumberFormat.E164) for n in numbers]
    assert normalisers.run(macro, inputs) == expected, inputs


@given(data=st.data(), macro=st.sampled_from(sorted(RECORD_COUNTRIES)))
@PROPERTY_SETTINGS
def test_international_formats_ignore_the_record_country(
    normalisers: Normalisers, data: st.DataObject, macro: str
) -> None:
    numbers = data.draw(st.lists(valid_numbers(PHONE_COUNTRIES + OTHER_REGIONS), min_size=1, max_size=40))
    inputs = [data.draw(written_internationally(n)) for n in numbers]
    expected = [phonenumbers.format_number(n, PhoneNumberFormat.E164) for n in numbers]
    assert normalisers.run(macro, inputs) == expected, inputs


def test_record_country_falls_back_to_the_default_when_invalid_there(normalisers: Normalisers) -> None:
    # 11 digits starting 1 are not a UK number, but are a US one written with its trunk 1.
    assert normalisers.run("phone_in_united_kingdom", ["1 (415) 555-0134", "0000000000", None]) == [
        "+14155550134",
        None,
        None,
    ]
