"""Where the two sources of the working-day calendar disagree, and who is right.

The table is seeded from `chinesecalendar`; the tests check it day by day against
`holidays`, an independent source (DESIGN.md "Working days"). Every date on which
the two packages disagree (2004–2026) is listed here with the State Council notice
that decides it. The seeding applies the decision whenever `chinesecalendar` is
the one that is wrong; the tests fail on any disagreement not listed here, so a
package upgrade that changes history cannot slip in unnoticed.

Found by comparing `chinese_calendar.is_workday` (1.11.0) with
`holidays.China().is_working_day` (0.108) on each of the 8,401 days of 2004–2026.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workdays.kinds import MAKEUP_WORKDAY, WORKDAY_KINDS


@dataclass(frozen=True)
class Disagreement:
    """One date the two sources disagree on, and the decision with its source."""

    date: date
    chinesecalendar_is_workday: bool
    holidays_is_workday: bool
    # The decision: what the table stores.
    kind: str
    name: str
    notice: str  # the deciding notice: title, document number, date
    quote: str  # the sentence of the notice that decides it
    reasoning: str

    @property
    def is_workday(self) -> bool:
        return self.kind in WORKDAY_KINDS

    @property
    def chinesecalendar_is_wrong(self) -> bool:
        return self.chinesecalendar_is_workday != self.is_workday

    @property
    def holidays_is_wrong(self) -> bool:
        return self.holidays_is_workday != self.is_workday


DISAGREEMENTS: tuple[Disagreement, ...] = (
    Disagreement(
        date=date(2005, 12, 31),
        chinesecalendar_is_workday=False,
        holidays_is_workday=True,
        kind=MAKEUP_WORKDAY,
        name="元旦调休",
        notice="国务院办公厅关于2006年部分节假日安排的通知（国办发明电〔2005〕35号，2005年12月16日）",
        quote=(
            "一、元旦：1月1日—3日放假，共3天。其中1月1日为法定假日，将12月31日（星期六）、"
            "1月1日（星期日）两个公休日调至1月2日（星期一）、3日（星期二），12月31日（星期六）上班。"
        ),
        reasoning=(
            "2006年元旦的调休日落在上一年：2005年12月31日（星期六）调为上班，换来2006年1月3日（星期二）休息。"
            "chinesecalendar 只在2006年的数据里记了1月1日至3日放假，漏掉了跨年的这个调休上班日"
            "（其仓库 issue #17、#125 亦有人报告）；holidays 按通知记为调休上班日。以通知为准：上班。"
        ),
    ),
)


def corrections_by_date() -> dict[date, Disagreement]:
    """The decisions the seeding applies over `chinesecalendar`."""
    return {d.date: d for d in DISAGREEMENTS if d.chinesecalendar_is_wrong}
