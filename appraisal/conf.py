"""Product settings of the appraisal: which record counts under which item of the
staff-appraisal rule set (002 篇2). These links are the product's reading of which
clause covers which behaviour — the regulation gives the items and their points (in the
rule set), not the links. Overridable in settings.py by the same names.

* `APPRAISAL_FINE_ITEMS` (below): penalty item of the fines rule set (002 篇4) →
  appraisal item, for violations found on patrols or entered by the office.
* `APPRAISAL_COMPLAINT_SCOPES` (integrity → A5, service_rules → A3, irregular → B4): a
  valid complaint's scope (000 §五(四)5) → appraisal item; "time_limit" maps to nothing
  because overdue cases count under B5 from the cases themselves.
* `APPRAISAL_BREACH_ITEM` (A8): a first-inquiry breach (003 §十) —
  不积极主动协调，而要服务对象来回奔波.
* `APPRAISAL_OVERDUE_ITEM` (B5): overdue cases, 每超一天 (working days).
* `APPRAISAL_LATE_REGISTRATION_ITEM` (A6): a case registered on a later day than it
  was received — 办件后不及时登记或输入微机.
* `APPRAISAL_MAX_RANK_APPRAISED` (20, 副科级): who is appraised by default — active
  staff of a branch up to this rank (the heads are not window staff).
"""

from __future__ import annotations

from django.conf import settings

# 002 篇4 penalty item → 002 篇2 appraisal item. Item 3 (逾期件) is left out: overdue cases
# count under B5 from the cases app, once. Items 5 and 10 have no appraisal item.
FINE_ITEMS_DEFAULT: dict[str, str] = {
    "1": "C4",  # 无故迟到或早退 → 迟到、早退
    "2.1": "C1",  # 旷工 → 旷工（每天）
    "2.2": "C6",  # 未挂胸牌 → 上岗不佩证
    "4": "A1",  # 影响快捷高效形象的其他行为 → 违反规章制度不服从管理
    "6": "A7",  # 工作台面脏乱 → 卫生不整洁
    "7": "A4",  # 与群众争吵 → 与服务对象争吵
    "8": "C6",  # 串岗聊天、玩手机、吃东西、打瞌睡 → 行为不文明、做与工作无关的事
    "9": "C6",  # 未按规定着装 → 未按规定着装
}
COMPLAINT_SCOPES_DEFAULT: dict[str, str] = {"integrity": "A5", "service_rules": "A3", "irregular": "B4"}


def fine_items() -> dict[str, str]:
    return dict(getattr(settings, "APPRAISAL_FINE_ITEMS", FINE_ITEMS_DEFAULT))


def complaint_scopes() -> dict[str, str]:
    return dict(getattr(settings, "APPRAISAL_COMPLAINT_SCOPES", COMPLAINT_SCOPES_DEFAULT))


def breach_item() -> str:
    return str(getattr(settings, "APPRAISAL_BREACH_ITEM", "A8"))


def overdue_item() -> str:
    return str(getattr(settings, "APPRAISAL_OVERDUE_ITEM", "B5"))


def late_registration_item() -> str:
    return str(getattr(settings, "APPRAISAL_LATE_REGISTRATION_ITEM", "A6"))


def max_rank_appraised() -> int:
    return int(getattr(settings, "APPRAISAL_MAX_RANK_APPRAISED", 20))
