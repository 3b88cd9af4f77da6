"""Menu entries of this area (imported by ReportsConfig.ready): the 统计分析 group."""

from common import menu
from reports.stats.filters import STATS_ROLES

menu.register("排队叫号统计", "stats_queue", roles=STATS_ROLES, order=100)
menu.register("预约统计", "stats_appointments", roles=STATS_ROLES, order=101)
menu.register("办件统计", "stats_cases", roles=STATS_ROLES, order=102)
menu.register("好差评统计", "stats_ratings", roles=STATS_ROLES, order=103)
menu.register("投诉统计", "stats_complaints", roles=STATS_ROLES, order=104)
