"""Masking of personal data in log messages, plan samples and error texts."""

from __future__ import annotations

import re
from typing import Any

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
_PERSONAL_FIELD = re.compile(r"email|phone|mobile|name|address|street|postal|zip|birth|ip", re.IGNORECASE)


def mask_email(email: str) -> str:
    """Keep the first character and the domain: `jane@gmail.com` -> `j***@gmail.com`."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_value(email)


def mask_value(value: object) -> str:
    """Mask any personal value, keeping just enough to recognise it (`+4915112345678` -> `***5678`)."""
    text = str(value)
    if "@" in text:
        return mask_email(text)
    return "***" + text[-4:] if len(text) > 6 else "***"


def mask_text(text: str) -> str:
    """Mask every email address and phone-like number inside free text (error messages, reasons)."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return _PHONE.sub(lambda m: "***" + re.sub(r"\D", "", m.group(0))[-4:], text)


def mask_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Mask the values of fields whose name or content looks personal; keep the others for context."""
    masked: dict[str, Any] = {}
    for name, value in fields.items():
        # Only text can hold an email, a phone or a name: `email_count` or `phone_verified` stay readable.
        looks_personal = isinstance(value, str) and (_PERSONAL_FIELD.search(name) or "@" in value)
        masked[name] = mask_value(value) if looks_personal else value
    return masked
