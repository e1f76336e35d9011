"""Masking of personal data in privacy output: the shared reverse-ETL rules plus identifier pairs."""

from __future__ import annotations

from reverse_etl.masking import mask_email, mask_text, mask_value

__all__ = ["mask_email", "mask_identifier", "mask_text", "mask_value"]


def mask_identifier(identifier_type: str, value: str) -> str:
    """`email=j***@gmail.com`; ids keep their last four characters (`anonymous_id=***3f9a`)."""
    return f"{identifier_type}={mask_value(value)}"
