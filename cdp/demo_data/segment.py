"""Segment Spec messages (`events/`): web and app sessions, identify, alias, ecommerce, family tablets.

Hard cases made here: anonymous browsing before an identify that carries userId + anonymousId, several
browsers and app installs per person, alias from a legacy user id, shared family tablets, re-delivered
messageIds, late arrivals written in a later part file, never-identified visitors.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

from cdp.demo_data import ids, malformed
from cdp.demo_data.catalog import APP_NAME, BRAND_DOMAIN, CURRENCY, PRODUCTS
from cdp.demo_data.clock import DAY, LAST_ACTIVITY, iso_millis
from cdp.demo_data.people import AppDevice, Household, Person, Tablet
from cdp.demo_data.phones import Phone, render_phone
from cdp.demo_data.render import render_email
from cdp.demo_data.sinks import Parts
from cdp.demo_data.truth import Ledger, normalise_email

_PAGES = (
    ("/", "Lumen & Co"),
    ("/collections/new", "New arrivals"),
    ("/collections/outerwear", "Outerwear"),
    ("/collections/home", "Home"),
    ("/pages/stores", "Find a store"),
    ("/blog/care-guide", "Care guide"),
)
_SCREENS = ("Home", "Search", "Product Detail", "Cart", "Wishlist", "Account", "Store Locator")
_REFERRERS = ("", "https://www.google.com/", "https://www.instagram.com/", "https://l.facebook.com/", "")
_USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/124.0 Mobile",
)


class SegmentWriter:
    """Writes `events/part-NNNN.jsonl[.gz]`."""

    def __init__(self, out_dir: Path, compress: bool, max_lines: int = 100_000) -> None:
        self.parts = Parts(out_dir / "events", "part", ".jsonl", max_lines, compress)
        self.malformed = 0
        self.messages = 0

    def write_household(self, household: Household, rng: random.Random, ledger: Ledger) -> None:
        by_id = {p.person_id: p for p in household.members}
        for person in household.members:
            session = _Session(self, rng, ledger, person)
            if person.legacy_user_id:
                session.legacy_history()
            for n, browser in enumerate(person.browsers):
                session.browser(
                    browser, identify_after=rng.choice((0, 0, 1, 2)) if n == 0 else rng.randint(0, 1)
                )
            if person.stray_browser:
                session.browser(person.stray_browser, identify_after=None)
            for device in person.app_devices:
                session.app(device)
        if household.tablet:
            tablet_users = [by_id[person_id] for person_id in household.tablet.users]
            for n, person in enumerate(tablet_users):
                _Session(self, rng, ledger, person).tablet(household.tablet, first_user=n == 0)

    def emit(self, rng: random.Random, ledger: Ledger, person_id: str, msg: dict, extra=()) -> None:
        """Write one message (maybe re-delivered or late) and report its identifiers."""
        self.messages += 1
        device = msg.get("context", {}).get("device") or {}
        ledger.record(
            person_id,
            [
                ("user_id", msg.get("userId")),
                ("anonymous_id", msg.get("anonymousId")),
                ("device_id", device.get("id")),
                *extra,
            ],
        )
        line = json.dumps(msg, separators=(",", ":"), ensure_ascii=False)
        roll = rng.random()
        if roll < 0.005:
            # Sent from an offline phone or a stuck queue: arrives days later, in a later file.
            received = _later(msg["timestamp"], rng)
            late = dict(msg, sentAt=received, receivedAt=received)
            self.parts.defer(json.dumps(late, separators=(",", ":"), ensure_ascii=False))
            return
        self.parts.add(line)
        if roll < 0.012:
            self.parts.add(line)  # client retry: byte-identical re-delivery
        elif roll < 0.015:
            retry = dict(msg, receivedAt=_later(msg["receivedAt"], rng))
            self.parts.defer(json.dumps(retry, separators=(",", ":"), ensure_ascii=False))
        if malformed.due(rng, self.parts):
            self.malformed += 1
            self.parts.add(
                malformed.broken_json_line(
                    rng, msg, time_keys=("timestamp", "sentAt", "receivedAt"), required="messageId"
                )
            )

    def server_identify(
        self, p: Person, rng: random.Random, ledger: Ledger, user_id: str, phone: Phone
    ) -> None:
        """A backend identify (account update) with the user id and a phone, no anonymous id."""
        ts = rng.uniform(p.created_at, LAST_ACTIVITY)
        sent = ts + rng.uniform(0.01, 0.5)
        msg = {
            "context": {"library": {"name": "analytics-node", "version": "2.1.2"}},
            "messageId": "node-next-" + ids.hex_token(rng, 32),
            "receivedAt": iso_millis(sent + rng.uniform(0.01, 0.3)),
            "sentAt": iso_millis(sent),
            "timestamp": iso_millis(ts),
            "traits": {"phone": render_phone(rng, phone)},
            "type": "identify",
            "userId": user_id,
        }
        self.emit(rng, ledger, p.person_id, msg, [("phone", phone.e164)])

    def close(self) -> dict[str, int]:
        return self.parts.close()


def _later(iso: str, rng: random.Random, min_days: int = 2) -> str:
    base = datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC).timestamp()
    return iso_millis(base + rng.randint(min_days, 10) * DAY + rng.random() * 3600)


class _Session:
    """Message builder for one person."""

    def __init__(self, writer: SegmentWriter, rng: random.Random, ledger: Ledger, person: Person) -> None:
        self.w, self.rng, self.ledger, self.p = writer, rng, ledger, person
        self.currency = CURRENCY[person.region]
        self.locale = {"US": "en-US", "CA": "en-CA", "GB": "en-GB", "DE": "de-DE", "FR": "fr-FR"}.get(
            person.region, "en-AU"
        )

    def _times(self, count: int) -> list[float]:
        start = self.p.created_at
        return sorted(self.rng.uniform(start, LAST_ACTIVITY) for _ in range(count))

    def _msg(self, kind: str, ts: float, user_id, anonymous_id, context: dict, mobile: bool) -> dict:
        sent = ts + self.rng.uniform(0.05, 3.0)
        msg = {
            "anonymousId": anonymous_id,
            "context": context,
            "messageId": ids.uuid4(self.rng) if mobile else "ajs-next-" + ids.hex_token(self.rng, 32),
            "receivedAt": iso_millis(sent + self.rng.uniform(0.05, 1.5)),
            "sentAt": iso_millis(sent),
            "timestamp": iso_millis(ts),
            "type": kind,
            "userId": user_id,
        }
        if anonymous_id is None:
            del msg["anonymousId"]
        return msg

    def _identify(self, ts: float, user_id: str, anonymous_id: str, context: dict, mobile: bool) -> None:
        p, rng = self.p, self.rng
        traits: dict = {"firstName": p.first_name, "lastName": p.last_name}
        extra = []
        email = p.work_email if p.work_email and rng.random() < 0.1 else p.main_email
        if email and rng.random() < 0.8:
            traits["email"] = render_email(rng, email)
            extra.append(("email", normalise_email(traits["email"])))
        if p.mobile and rng.random() < 0.3:
            traits["phone"] = render_phone(rng, p.mobile)
            extra.append(("phone", p.mobile.e164))
        traits["createdAt"] = iso_millis(p.created_at)
        msg = self._msg("identify", ts, user_id, anonymous_id, context, mobile)
        msg["traits"] = traits
        self.w.emit(rng, self.ledger, p.person_id, msg, extra)

    def _track(self, ts, user_id, anonymous_id, context, mobile, event: str, properties: dict) -> None:
        msg = self._msg("track", ts, user_id, anonymous_id, context, mobile)
        msg["event"] = event
        msg["properties"] = properties
        extra = []
        email = self.p.main_email
        if user_id and email and self.rng.random() < 0.1:
            msg["context"] = dict(context, traits={"email": email})
            extra.append(("email", email))
        self.w.emit(self.rng, self.ledger, self.p.person_id, msg, extra)

    def _shopping(self, ts: float, user_id, anonymous_id, context, mobile) -> None:
        rng = self.rng
        product = rng.choice(PRODUCTS)
        item = {
            "product_id": str(product.product_id),
            "sku": product.sku,
            "category": product.category,
            "name": product.name,
            "brand": "Lumen",
            "price": product.price,
            "currency": self.currency,
        }
        self._track(ts, user_id, anonymous_id, context, mobile, "Product Viewed", item)
        if rng.random() < 0.3:
            quantity = rng.choice((1, 1, 1, 2))
            added = dict(item, quantity=quantity, cart_id=ids.hex_token(rng, 16))
            self._track(ts + 20, user_id, anonymous_id, context, mobile, "Product Added", added)
            if rng.random() < 0.4:
                line = {k: item[k] for k in ("product_id", "sku", "name", "price", "category")}
                line["quantity"] = quantity
                total = round(product.price * quantity, 2)
                order_id = str(5_400_000_000_000 + rng.getrandbits(36))
                checkout = {
                    "order_id": order_id,
                    "value": total,
                    "revenue": total,
                    "currency": self.currency,
                    "products": [line],
                }
                self._track(ts + 60, user_id, anonymous_id, context, mobile, "Checkout Started", checkout)
                if rng.random() < 0.6:
                    shipping = 0.0 if total > 75 else 6.95
                    completed = dict(
                        checkout,
                        checkout_id=ids.hex_token(rng, 24),
                        total=round(total + shipping, 2),
                        subtotal=total,
                        shipping=shipping,
                        tax=round(total * 0.08, 2),
                        discount=0,
                        affiliation="Online Store",
                    )
                    self._track(
                        ts + 180, user_id, anonymous_id, context, mobile, "Order Completed", completed
                    )

    def _web_context(self, path: str, title: str, user_agent: str) -> dict:
        return {
            "library": {"name": "analytics.js", "version": "npm:next-1.70.0"},
            "page": {
                "path": path,
                "referrer": self.rng.choice(_REFERRERS),
                "title": title,
                "url": f"https://www.{BRAND_DOMAIN}{path}",
            },
            "userAgent": user_agent,
        }

    def _web_session(self, ts: float, user_id, anonymous_id: str, user_agent: str, identify: bool) -> None:
        rng = self.rng
        for n in range(rng.randint(1, 7)):
            path, title = rng.choice(_PAGES)
            context = self._web_context(path, title, user_agent)
            if identify and n == 1:
                self._identify(ts, user_id, anonymous_id, context, mobile=False)
            page = self._msg(
                "page", ts, user_id if (not identify or n >= 1) else None, anonymous_id, context, False
            )
            page["name"] = title
            page["properties"] = {"path": path, "title": title}
            self.w.emit(rng, self.ledger, self.p.person_id, page)
            if rng.random() < 0.3:
                self._shopping(ts + 5, page["userId"], anonymous_id, context, mobile=False)
            ts += rng.uniform(10, 240)
        if identify and page["userId"] is None:
            self._identify(ts, user_id, anonymous_id, context, mobile=False)

    def browser(self, anonymous_id: str, identify_after: int | None) -> None:
        """Sessions on one browser: anonymous until the identify in session `identify_after` (None: never)."""
        rng = self.rng
        sessions = min(10, 1 + int(rng.expovariate(0.45)))
        if identify_after is not None:
            identify_after = min(identify_after, sessions - 1)
        user_agent = rng.choice(_USER_AGENTS)
        identified = False
        for n, ts in enumerate(self._times(sessions)):
            identify = (
                identify_after is not None
                and self.p.user_id is not None
                and n >= identify_after
                and (not identified)
            )
            user_id = self.p.user_id if identify or identified else None
            self._web_session(ts, user_id, anonymous_id, user_agent, identify)
            identified = identified or identify

    def legacy_history(self) -> None:
        """Events under the old user id on an old browser, then the alias to the new user id."""
        p, rng = self.p, self.rng
        old_browser = ids.uuid4(rng)
        times = self._times(2)
        self._web_session(times[0], p.legacy_user_id, old_browser, rng.choice(_USER_AGENTS), identify=False)
        context = self._web_context("/account", "Account", rng.choice(_USER_AGENTS))
        alias = self._msg("alias", times[1], p.user_id, p.browsers[0] if p.browsers else None, context, False)
        alias["previousId"] = p.legacy_user_id
        self.w.emit(rng, self.ledger, p.person_id, alias, [("user_id", p.legacy_user_id)])

    def _app_context(self, device: AppDevice, device_name: str | None = None) -> dict:
        ios = device.os == "iOS"
        return {
            "app": {"build": "4211", "name": APP_NAME, "version": "4.2.1"},
            "device": {
                "id": device.device_id,
                "manufacturer": "Apple" if ios else "Google",
                "model": ("iPad13,1" if device_name else "iPhone15,2") if ios else "Pixel 8",
                "type": "ios" if ios else "android",
                **({"name": device_name} if device_name else {}),
            },
            "library": {"name": "analytics-ios" if ios else "analytics-android", "version": "4.1.8"},
            "locale": self.locale,
            "os": {"name": device.os, "version": "17.4" if ios else "14"},
        }

    def _app_session(self, ts: float, device: AppDevice, user_id, identify: bool, context: dict) -> None:
        rng = self.rng
        if identify:
            self._identify(ts, user_id, device.anonymous_id, context, mobile=True)
        for _ in range(rng.randint(2, 7)):
            screen = self._msg("screen", ts, user_id, device.anonymous_id, context, True)
            name = rng.choice(_SCREENS)
            screen["name"] = name
            screen["properties"] = {"name": name}
            self.w.emit(rng, self.ledger, self.p.person_id, screen)
            if name == "Product Detail":
                self._shopping(ts + 3, user_id, device.anonymous_id, context, mobile=True)
            ts += rng.uniform(5, 120)

    def app(self, device: AppDevice) -> None:
        """Sessions in the app: logged out at first, then logged in after the identify."""
        rng = self.rng
        context = self._app_context(device)
        sessions = min(10, 1 + int(rng.expovariate(0.45)))
        login_at = min(rng.choice((0, 0, 1)), sessions - 1)
        for n, ts in enumerate(self._times(sessions)):
            user_id = self.p.user_id if n >= login_at else None
            self._app_session(ts, device, user_id, identify=n == login_at, context=context)

    def tablet(self, tablet: Tablet, first_user: bool) -> None:
        """This person's sessions on the family tablet, each starting with their own identify."""
        rng = self.rng
        if tablet.kind == "app":
            device = AppDevice(tablet.device_id or "", tablet.anonymous_id, "iOS")
            context = self._app_context(device, device_name="Family iPad")
            for ts in self._times(rng.randint(1, 3)):
                self._app_session(ts, device, self.p.user_id, identify=True, context=context)
            return
        user_agent = _USER_AGENTS[0]
        times = self._times(rng.randint(1, 3) + (1 if first_user else 0))
        if first_user:
            # Before anyone logged in: the tablet's anonymous browsing.
            self._web_session(times.pop(0), None, tablet.anonymous_id, user_agent, identify=False)
        for ts in times:
            self._web_session(ts, self.p.user_id, tablet.anonymous_id, user_agent, identify=True)
