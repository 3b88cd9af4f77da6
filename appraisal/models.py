"""考核评价 — the quarterly appraisal of window staff (002 篇2) and its inputs that no
other record holds (manual entries with evidence, peer review), and the published
results (公示栏, 002 篇2 二(二)). The window score of 000 §五(五) is computed from the
ratings and the inspections on demand (appraisal.selectors) and stores nothing.

Writes go through `appraisal.services`; a quarter and an entry declare their
`TRANSITIONS` and move only through `audit.transitions.transition`, which writes the
row of their own event table (`AppraisalQuarterEvent`, `AppraisalEntryEvent`,
`record.events`) and the audit event in the same transaction. Nothing is deleted: an
entry is withdrawn with a reason, a publication is withdrawn and replaced by the next
(both kept), a peer vote is final.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath
from typing import ClassVar

from django.conf import settings
from django.db import models

from common import clock
from common.events import StatusEvent

NEW = ""  # the "from" status of a creating event


class QuarterStatus(models.TextChoices):
    OPEN = "open", "考核中"
    PUBLISHED = "published", "已公示"


class AppraisalQuarter(models.Model):
    """One quarter's appraisal of the window staff (002 篇2 二(一) 按季度考核): who is
    appraised, while open the inputs are collected (entries, peer review), then the
    office publishes the results on the notice board (公示栏, 二(二)); `publication`
    counts the publications, the current results carry its number."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        QuarterStatus.OPEN: frozenset({QuarterStatus.PUBLISHED}),
        # A published result found wrong is withdrawn, corrected and published again;
        # the withdrawn publication stays on record (AppraisalResult.publication).
        # Or it is corrected and published again in one step (更正公示): the next
        # publication replaces it on the notice board, both stay on record.
        QuarterStatus.PUBLISHED: frozenset({QuarterStatus.OPEN, QuarterStatus.PUBLISHED}),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({QuarterStatus.OPEN})

    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度")
    status = models.CharField("状态", max_length=20, choices=QuarterStatus.choices)
    publication = models.PositiveSmallIntegerField("公示次数", default=0)
    rules_ref = models.CharField("考核规则集", max_length=80)
    opened_at = models.DateTimeField("开始时间", default=clock.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="开始人", on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公示人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField("公示说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "季度考核"
        ordering = ["-year", "-quarter"]
        constraints = [models.UniqueConstraint(fields=["year", "quarter"], name="appraisal_quarter_unique")]

    def __str__(self) -> str:
        return f"{self.year}年第{self.quarter}季度"

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}"


class Participant(models.Model):
    """A staff member appraised in a quarter (参加考核的窗口工作人员)."""

    quarter = models.ForeignKey(AppraisalQuarter, on_delete=models.CASCADE, related_name="participants")
    staff = models.ForeignKey(
        "org.Staff", verbose_name="工作人员", on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField("加入时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "考核对象"
        constraints = [
            models.UniqueConstraint(fields=["quarter", "staff"], name="appraisal_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.staff}"


class EntryStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    WITHDRAWN = "withdrawn", "已撤销"


def _evidence_path(instance: AppraisalEntry, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"appraisal/{clock.today():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class AppraisalEntry(models.Model):
    """A deduction or bonus item of 002 篇2 一(一)–(四) that no other record shows — a
    meeting missed (A2), a network fault caused (B6), a thank-you letter (D1), media
    praise (D2), an adopted suggestion (D3), overtime on a holiday (D5-1), a red-flag
    window (D6) … — entered by the office with its evidence. `quantity` counts times,
    cases, days or articles as the item says. C5 (代为签到, 双方各扣) is entered for
    both people at once and the two entries point at each other."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        EntryStatus.ACTIVE: frozenset({EntryStatus.WITHDRAWN}),
        EntryStatus.WITHDRAWN: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({EntryStatus.ACTIVE})

    quarter = models.ForeignKey(AppraisalQuarter, on_delete=models.PROTECT, related_name="entries")
    staff = models.ForeignKey(
        "org.Staff", verbose_name="工作人员", on_delete=models.PROTECT, related_name="+"
    )
    item_code = models.CharField("考核项目", max_length=10)
    item_text = models.CharField("项目内容", max_length=200)
    points_each = models.PositiveSmallIntegerField("每次分值")
    is_bonus = models.BooleanField("加分项目", default=False)
    quantity = models.PositiveSmallIntegerField("次数/件数/天数/篇数")
    occurred_on = models.DateField("发生日期")
    evidence = models.TextField("依据（证明材料）")
    evidence_file = models.FileField("证明材料扫描件", upload_to=_evidence_path, blank=True)
    pair = models.OneToOneField(
        "self", verbose_name="另一方的记录", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField("状态", max_length=20, choices=EntryStatus.choices)
    withdrawn_reason = models.TextField("撤销理由", blank=True)
    rules_ref = models.CharField("考核规则集", max_length=80)
    recorded_at = models.DateTimeField("登记时间", default=clock.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField("登记人", max_length=100)

    class Meta:
        verbose_name = verbose_name_plural = "考核登记"
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["quarter", "staff"], name="appraisal_entry_qs_idx")]

    def __str__(self) -> str:
        return f"{self.staff} {self.item_code}×{self.quantity}"


class PeerBallot(models.Model):
    """That a staff member has cast their peer-review ballot for a quarter (互评,
    002 篇2 一(三)7) — who took part is known, what they voted is not (PeerVote)."""

    quarter = models.ForeignKey(AppraisalQuarter, on_delete=models.PROTECT, related_name="ballots")
    rater = models.ForeignKey("org.Staff", verbose_name="评议人", on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField("提交日期", default=clock.today)
    votes = models.PositiveSmallIntegerField("票数")

    class Meta:
        verbose_name = verbose_name_plural = "互评提交记录"
        constraints = [models.UniqueConstraint(fields=["quarter", "rater"], name="appraisal_one_ballot")]

    def __str__(self) -> str:
        return f"{self.quarter} {self.rater}"


class PeerVote(models.Model):
    """One peer-review vote (好/中/差) for one colleague in one quarter. The rater is not
    stored: `rater_key` is a keyed hash (HMAC with the site's secret key) of the quarter
    and the rater, enough to refuse a second vote for the same colleague and to show a
    rater their own ballot, not to tell anyone else who voted what. No timestamp is kept
    beyond the ballot's day, so votes cannot be matched to ballots by time."""

    quarter = models.ForeignKey(AppraisalQuarter, on_delete=models.PROTECT, related_name="votes")
    rater_key = models.CharField("评议人标识", max_length=64)
    target = models.ForeignKey(
        "org.Staff", verbose_name="被评议人", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("评议", max_length=10)

    class Meta:
        verbose_name = verbose_name_plural = "互评票"
        constraints = [
            models.UniqueConstraint(
                fields=["quarter", "rater_key", "target"], name="appraisal_one_vote_per_target"
            )
        ]
        indexes = [models.Index(fields=["quarter", "target"], name="appraisal_vote_target_idx")]

    def __str__(self) -> str:
        return f"{self.quarter} → {self.target_id}"


class AppraisalResult(models.Model):
    """One person's published result of a quarter: the three section scores, the peer
    review, the bonuses, the total, the rank in the ranking scope, the grade and the
    flags (veto, return to the unit), with every line it was computed from and the rule
    set used. Written when the quarter is published; a later publication writes new
    rows (the earlier stay, with their publication number)."""

    quarter = models.ForeignKey(AppraisalQuarter, on_delete=models.PROTECT, related_name="results")
    publication = models.PositiveSmallIntegerField("第几次公示")
    staff = models.ForeignKey(
        "org.Staff", verbose_name="工作人员", on_delete=models.PROTECT, related_name="+"
    )
    staff_name = models.CharField("姓名", max_length=50)
    staff_no = models.CharField("工号", max_length=20)
    branch_name = models.CharField("管理部", max_length=100, blank=True)
    sections = models.JSONField("各部分得分")
    bonus = models.IntegerField("加分")
    bonuses = models.JSONField("加分项目", default=list)
    peer = models.JSONField("互评")
    total = models.IntegerField("季度得分")
    rank = models.PositiveSmallIntegerField("名次")
    grade_code = models.CharField("等次", max_length=20)
    grade_label = models.CharField("等次", max_length=20)
    valid_complaint = models.BooleanField("本季度有有效投诉", default=False)
    veto_applied = models.BooleanField("一票否决", default=False)
    return_to_unit = models.BooleanField("连续不称职", default=False)
    flags = models.JSONField("提示", default=list)
    rules_ref = models.CharField("考核规则集", max_length=80)
    computed_at = models.DateTimeField("计算时间", default=clock.now)
    lines = models.JSONField(
        "计分依据",
        null=True,
        blank=True,
        help_text="公示时计入的每一条记录：项目、数量、来源、编号、说明（空 = 本字段之前的公示，未记录）",
    )

    class Meta:
        verbose_name = verbose_name_plural = "季度考核结果"
        ordering = ["quarter", "publication", "rank", "staff_no"]
        constraints = [
            models.UniqueConstraint(fields=["quarter", "publication", "staff"], name="appraisal_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} {self.staff_name} {self.total} {self.grade_label}"

    @property
    def irregularities(self) -> list[str]:
        """The deduction items as the notice board lists them (所有不规范行为)."""
        found = [f"{i['text']}×{i['quantity']}" for s in self.sections for i in s["items"]]
        if self.peer.get("deduction"):
            found.append(f"互评“好”的比例{self.peer['counted']}/{self.peer['total']}")
        return found


class AppraisalQuarterEvent(StatusEvent):
    """One change of a quarter's appraisal: opened, published, a publication withdrawn."""

    quarter = models.ForeignKey(AppraisalQuarter, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "季度考核变更"


class AppraisalEntryEvent(StatusEvent):
    """One change of an entry: recorded, withdrawn."""

    entry = models.ForeignKey(AppraisalEntry, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "考核登记变更"


class AppraisalPublication(models.Model):
    """One publication of a quarter's results on the notice board (公示, 002 篇2 二(二)):
    its number, when and by whom, and — for a correction (更正公示) — what it corrects.
    A publication ends when it is withdrawn or replaced by the next; all stay on record."""

    quarter = models.ForeignKey(AppraisalQuarter, on_delete=models.PROTECT, related_name="publications")
    number = models.PositiveSmallIntegerField("第几次公示")
    published_at = models.DateTimeField("公示时间")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="公示人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_by_label = models.CharField("公示人", max_length=100, blank=True)
    people = models.PositiveSmallIntegerField("人数", default=0)
    note = models.TextField("公示说明", blank=True)
    corrects = models.TextField("更正原因", blank=True, help_text="更正公示：更正了上一次公示的什么")
    ended_at = models.DateTimeField("撤下时间", null=True, blank=True)
    ended_note = models.CharField("撤下原因", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "考核结果公示"
        ordering = ["quarter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["quarter", "number"], name="appraisal_publication_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quarter} 第{self.number}次公示"


class ChangeStatus(models.TextChoices):
    OPEN = "open", "待更正"
    RESOLVED = "resolved", "已处理"


class PublishedChange(models.Model):
    """A published quarter whose records changed afterwards (a fine reversed, an
    inspection voided, a complaint's finding corrected …): computed again from the
    records, its results differ from the publication. `changes` holds, per person, the
    records added and removed and the total, rank and grade as published and as they
    are now. Found by `appraisal.services.publication_check` (the nightly sweep and the
    quarter's page); open until the quarter is published again (更正公示) or the records
    agree with the publication again."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        ChangeStatus.OPEN: frozenset({ChangeStatus.OPEN, ChangeStatus.RESOLVED}),
        ChangeStatus.RESOLVED: frozenset(),
    }
    INITIAL: ClassVar[frozenset[str]] = frozenset({ChangeStatus.OPEN})

    quarter = models.ForeignKey(AppraisalQuarter, on_delete=models.PROTECT, related_name="changes")
    publication = models.PositiveSmallIntegerField("公示次数")
    status = models.CharField("状态", max_length=20, choices=ChangeStatus.choices)
    found_at = models.DateTimeField("发现时间", default=clock.now)
    checked_at = models.DateTimeField("最近核对时间", default=clock.now)
    changes = models.JSONField("变动", default=list)
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolution = models.CharField("处理结果", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "公示结果变动"
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quarter", "publication"],
                condition=models.Q(status="open"),
                name="appraisal_one_open_change",
            ),
        ]
        indexes = [models.Index(fields=["status", "quarter"], name="appraisal_change_open_idx")]

    def __str__(self) -> str:
        return f"{self.quarter} 第{self.publication}次公示后的变动"


class PublishedChangeEvent(StatusEvent):
    """Found, changed again, resolved (corrected publication, or agreeing again)."""

    change = models.ForeignKey(PublishedChange, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        verbose_name = verbose_name_plural = "公示结果变动记录"
