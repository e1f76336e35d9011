"""One module per source format; `LOADERS` maps each data-folder name to its loader class."""

from __future__ import annotations

from ingest.base import SourceLoader
from ingest.sources.consent import ConsentLoader
from ingest.sources.custom import CustomLoader
from ingest.sources.esp import EspLoader
from ingest.sources.hubspot import HubspotLoader
from ingest.sources.nps import NpsLoader
from ingest.sources.pos import PosLoader
from ingest.sources.segment import SegmentLoader
from ingest.sources.shopify import ShopifyLoader
from ingest.sources.zendesk import ZendeskLoader

LOADERS: dict[str, type[SourceLoader]] = {
    loader.source: loader
    for loader in (
        SegmentLoader,
        ShopifyLoader,
        HubspotLoader,
        PosLoader,
        EspLoader,
        ZendeskLoader,
        NpsLoader,
        ConsentLoader,
        CustomLoader,
    )
}
