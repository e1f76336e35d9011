"""Destination registry: type name -> class. Adding a destination touches its module and this table."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reverse_etl.destinations.base import Destination

# Imported lazily so a config with only a file destination never imports psycopg or redis.
_DESTINATIONS: dict[str, str] = {
    "file": "reverse_etl.destinations.file:FileDestination",
    "postgres": "reverse_etl.destinations.postgres:PostgresDestination",
    "redis": "reverse_etl.destinations.redis:RedisDestination",
    "webhook": "reverse_etl.destinations.webhook:WebhookDestination",
    "hubspot": "reverse_etl.destinations.hubspot:HubSpotDestination",
    "mailchimp": "reverse_etl.destinations.mailchimp:MailchimpDestination",
    "braze": "reverse_etl.destinations.braze:BrazeDestination",
    "google_ads": "reverse_etl.destinations.google_ads:GoogleAdsDestination",
    "meta": "reverse_etl.destinations.meta:MetaDestination",
}


def destination_types() -> list[str]:
    """Names accepted as `destination.type`."""
    return list(_DESTINATIONS)


def destination_class(type_name: str) -> type[Destination]:
    """The class implementing a destination type."""
    module_name, _, class_name = _DESTINATIONS[type_name].partition(":")
    return getattr(import_module(module_name), class_name)
