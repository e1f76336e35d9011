"""The fictional retailer: its brand, products, stores and currencies, shared by every source."""

from __future__ import annotations

from dataclasses import dataclass

BRAND = "Lumen & Co"
BRAND_DOMAIN = "lumenandco.example"
APP_NAME = "Lumen"


@dataclass(frozen=True)
class Product:
    product_id: int
    variant_id: int
    sku: str
    name: str
    category: str
    price: float


_ITEMS = (
    ("Linen Shirt", "Apparel", 59.0),
    ("Merino Sweater", "Apparel", 89.0),
    ("Rain Jacket", "Outerwear", 149.0),
    ("Down Vest", "Outerwear", 119.0),
    ("Canvas Sneakers", "Footwear", 69.0),
    ("Leather Boots", "Footwear", 189.0),
    ("Wool Socks 3-pack", "Accessories", 24.0),
    ("Cotton Tee", "Apparel", 29.0),
    ("Chino Trousers", "Apparel", 79.0),
    ("Denim Jacket", "Outerwear", 129.0),
    ("Beanie", "Accessories", 22.0),
    ("Scarf", "Accessories", 39.0),
    ("Tote Bag", "Bags", 45.0),
    ("Weekender Bag", "Bags", 165.0),
    ("Ceramic Mug", "Home", 18.0),
    ("Throw Blanket", "Home", 95.0),
    ("Scented Candle", "Home", 32.0),
    ("Sunglasses", "Accessories", 110.0),
    ("Running Shorts", "Sport", 35.0),
    ("Yoga Mat", "Sport", 55.0),
    ("Water Bottle", "Sport", 25.0),
    ("Gift Card", "Gift Cards", 50.0),
)

PRODUCTS: tuple[Product, ...] = tuple(
    Product(
        product_id=8_100_000_000_000 + i * 7919,
        variant_id=44_100_000_000_000 + i * 104_729,
        sku=f"LMN-{category[:3].upper()}-{1000 + i * 37}",
        name=name,
        category=category,
        price=price,
    )
    for i, (name, category, price) in enumerate(_ITEMS)
)

#: Currency and Shopify shop offset (hours) per customer region.
CURRENCY = {"US": "USD", "CA": "CAD", "GB": "GBP", "DE": "EUR", "FR": "EUR", "AU": "AUD"}

#: Stores: id, region.  Each has its own email and phone that cashiers type when a customer gives none.
STORES: tuple[tuple[str, str], ...] = tuple(
    (f"store{n:03d}", region)
    for n, region in enumerate(
        ["US"] * 24 + ["CA"] * 3 + ["GB"] * 4 + ["DE"] * 2 + ["FR"] * 1 + ["AU"] * 2, 1
    )
)


def store_email(store_id: str) -> str:
    """The store's own mailbox, often typed at the till for customers who give no email."""
    return f"{store_id}@{BRAND_DOMAIN}"


def stores_in(region: str) -> list[str]:
    """Store ids in `region`."""
    return [store_id for store_id, r in STORES if r == region]
