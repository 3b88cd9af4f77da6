"""The seeded service guide: 81 matters across 归集, 提取, 贷款 and 其他, written in
plain data (catalog/seed/*.py) and loaded by migration 0003 and by the idempotent
command `manage.py seed_catalog`."""

from catalog.seed.collection import MATTERS as COLLECTION
from catalog.seed.common import Mat, MatterSeed
from catalog.seed.loan import MATTERS as LOAN
from catalog.seed.other import EXTRA_COLLECTION
from catalog.seed.other import MATTERS as OTHER
from catalog.seed.withdrawal import MATTERS as WITHDRAWAL

MATTERS: tuple[MatterSeed, ...] = COLLECTION + EXTRA_COLLECTION + WITHDRAWAL + LOAN + OTHER

__all__ = ["MATTERS", "Mat", "MatterSeed"]
