"""Shopify Admin REST orders export (`shopify/orders-NNNN.json`, `{"orders": [...]}`).

Hard cases: guest checkouts (email, no customer), repeat orders, a work email on the order while the customer
account holds the personal one, junk emails, cancelled orders, orders exported twice with a later updated_at.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from cdp.demo_data import malformed
from cdp.demo_data.catalog import BRAND, CURRENCY, PRODUCTS
from cdp.demo_data.clock import DAY, LAST_ACTIVITY, iso_offset
from cdp.demo_data.ids import Counters
from cdp.demo_data.people import Household, Person
from cdp.demo_data.phones import render_phone
from cdp.demo_data.render import junk_email, render_email
from cdp.demo_data.sinks import JsonArrayParts
from cdp.demo_data.truth import Ledger, normalise_email

_OFFSETS = {"US": -5, "CA": -5, "GB": 0, "DE": 1, "FR": 1, "AU": 10}
_COUNTRY = {
    "US": "United States",
    "CA": "Canada",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "AU": "Australia",
}


class ShopifyWriter:
    """Writes orders of the persons who shop online."""

    def __init__(self, out_dir: Path, compress: bool, counters: Counters, max_orders: int = 20_000) -> None:
        self.parts = JsonArrayParts(out_dir / "shopify", "orders", "orders", max_orders, compress)
        self.counters = counters
        self.malformed = 0
        self._order_number = 1000

    def write_household(self, household: Household, rng: random.Random, ledger: Ledger) -> None:
        for person in household.members:
            if "shop" in person.sources:
                self._person(person, rng, ledger)

    def _person(self, p: Person, rng: random.Random, ledger: Ledger) -> None:
        customer = None
        offset = _OFFSETS[p.region]
        if rng.random() < 0.75 and (p.main_email or p.mobile):
            # Shopify keeps the customer's phone in E.164; an account needs an email or a phone.
            wants_phone = p.mobile and (not p.main_email or rng.random() < 0.4)
            customer_phone = p.mobile.e164 if wants_phone else None
            customer = {
                "id": self.counters.next("shopify_customer", rng, 40),
                "email": p.main_email,
                "phone": customer_phone,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "created_at": iso_offset(p.created_at, offset),
                "updated_at": iso_offset(p.created_at + DAY, offset),
                "state": "enabled",
                "verified_email": True,
                "currency": CURRENCY[p.region],
                "tags": "",
            }
        count = rng.choices((1, 2, 3, 4, 6), weights=(50, 25, 12, 8, 5), k=1)[0]
        for created in sorted(rng.randint(p.created_at, LAST_ACTIVITY) for _ in range(count)):
            guest = customer is None or rng.random() < 0.08
            self._order(p, rng, ledger, created, None if guest else customer)

    def _order(self, p: Person, rng: random.Random, ledger: Ledger, created: int, customer) -> None:
        offset = _OFFSETS[p.region]
        currency = CURRENCY[p.region]
        phone_text, phone = None, None
        phone_choice = p.landline if p.landline and rng.random() < 0.3 else p.mobile
        if phone_choice and rng.random() < 0.35:
            phone_text, phone = render_phone(rng, phone_choice), phone_choice.e164
        # A work email on an account's order: the order and the account join the two addresses.
        email = p.work_email if p.work_email and customer and rng.random() < 0.15 else p.main_email
        email_text = render_email(rng, email, messy=0.1) if email else None
        if (customer or phone) and rng.random() < 0.02:
            email_text = junk_email(rng)
        if email_text is None and customer is None and phone is None:
            return  # Shopify requires a contact for an order
        lines = []
        for _ in range(rng.choices((1, 2, 3), weights=(60, 30, 10), k=1)[0]):
            product = rng.choice(PRODUCTS)
            quantity = rng.choice((1, 1, 1, 2))
            lines.append(
                {
                    "id": self.counters.next("line_item", rng, 3),
                    "product_id": product.product_id,
                    "variant_id": product.variant_id,
                    "sku": product.sku,
                    "title": product.name,
                    "name": product.name,
                    "vendor": BRAND,
                    "quantity": quantity,
                    "price": f"{product.price:.2f}",
                    "requires_shipping": True,
                }
            )
        subtotal = sum(float(line["price"]) * line["quantity"] for line in lines)
        tax = round(subtotal * 0.08, 2)
        shipping = 0.0 if subtotal > 75 else 6.95
        self._order_number += 1
        order_id = self.counters.next("shopify_order", rng, 5000)
        status = rng.choices(("paid", "partially_refunded", "refunded"), weights=(92, 5, 3), k=1)[0]
        address = {
            "first_name": p.first_name,
            "last_name": p.last_name,
            "name": f"{p.first_name} {p.last_name}",
            "address1": p.street,
            "address2": None,
            "city": p.city[0],
            "province_code": p.city[1] or None,
            "zip": p.city[2],
            "country": _COUNTRY[p.region],
            "country_code": p.region,
            "phone": phone_text,
            "company": None,
        }
        order = {
            "id": order_id,
            "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
            "name": f"#{self._order_number}",
            "order_number": self._order_number,
            "email": email_text,
            "contact_email": email_text,
            "phone": phone_text,
            "created_at": iso_offset(created, offset),
            "updated_at": iso_offset(created + rng.randint(60, 7200), offset),
            "processed_at": iso_offset(created, offset),
            "closed_at": None,
            "cancelled_at": None,
            "cancel_reason": None,
            "currency": currency,
            "presentment_currency": currency,
            "subtotal_price": f"{subtotal:.2f}",
            "total_tax": f"{tax:.2f}",
            "total_discounts": "0.00",
            "total_price": f"{subtotal + tax + shipping:.2f}",
            "financial_status": status,
            "fulfillment_status": "fulfilled",
            "source_name": rng.choice(("web", "web", "web", "iphone", "android")),
            "buyer_accepts_marketing": rng.random() < 0.4,
            "tags": "",
            "customer": customer,
            "line_items": lines,
            "billing_address": address,
        }
        if rng.random() < 0.04:
            order["cancelled_at"] = iso_offset(created + rng.randint(600, 3 * DAY), offset)
            order["cancel_reason"] = rng.choice(("customer", "customer", "inventory", "fraud", "declined"))
            order["financial_status"] = rng.choice(("refunded", "voided"))
            order["fulfillment_status"] = None
        ledger.record(
            p.person_id,
            [
                ("email", normalise_email(email_text)),
                ("phone", phone),
                ("shopify_customer_id", str(customer["id"]) if customer else None),
                ("email", normalise_email(customer["email"]) if customer else None),
                ("phone", customer["phone"] if customer else None),
            ],
        )
        if rng.random() < 0.02:
            # Exported first while payment was pending, then again after capture.
            first = dict(order, financial_status="pending", updated_at=order["created_at"])
            self.parts.add(_dumps(first))
            order["updated_at"] = iso_offset(created + rng.randint(1, 5) * DAY, offset)
            self.parts.defer(_dumps(order))
        else:
            self.parts.add(_dumps(order))
        if malformed.due(rng, self.parts):
            self.malformed += 1
            self.parts.add(_dumps(_broken(rng, order)))

    def close(self) -> dict[str, int]:
        return self.parts.close()


def _dumps(order: dict) -> str:
    return json.dumps(order, ensure_ascii=False, separators=(",", ":"))


def _broken(rng: random.Random, order: dict) -> dict:
    kind = rng.randrange(3)
    if kind == 0:
        return dict(order, id=f"ORD-{order['id']}")
    if kind == 1:
        return dict(order, created_at=malformed.bad_timestamp())
    return dict(order, total_price=order["total_price"].replace(".", ",") + " EUR")
