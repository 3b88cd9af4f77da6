"""JSON endpoints of the reports app, one router per area."""

from ninja import Router

from reports.dashboard.api import router as dashboard_router
from reports.stats.api import router as stats_router

router = Router()
router.add_router("/", stats_router)
router.add_router("/", dashboard_router)
