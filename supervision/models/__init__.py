"""监督检查 — inspections, patrols, violations and fines, third-party findings, facilities,
the weekly review of a hall and the yearly complaint analysis.

Regulations: 000 §一–§四 (the norms an inspection checks), §五(五)2(2)、4(2) (监督检查
20分: 日常检查10分、突击检查5分、上级领导检查5分; 正负面清单), §五(五)5 (通报批评);
002 篇4 (绩效考核处罚办法: penalty items 1–10, 一月内三次以上通报, 每日巡查与《巡查表》,
每月汇总签批); 004 §四 (第三方监督: 每季度检查报告, 《问题交办函》, 《问题整改报告》,
《个人检查》); 000 §二(一)4 (每周工作总结); 000 §五(四)12 (投诉年度分析).

Every stateful record declares its `TRANSITIONS` and `INITIAL` and has its own event
table built on `common.events.StatusEvent` (`record.events`). Writes go through
`supervision.services`, which move a record only with `audit.transitions.transition`
(the status, its event row and the audit event in one transaction). Nothing is
deleted: a wrong inspection or patrol is voided, a wrong violation is reversed by a
counter-entry.

The models live in sub-modules by sub-domain; this package imports every one of them
(so Django finds them) and re-exports their public names. The photo/scan model stays
here: the migrations name its upload path `supervision.models._upload_path`.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models

from common import clock
from supervision.models._base import NEW, Sequence
from supervision.models.checklist import ChecklistItem, Dimension, InspectionKind, Polarity, Subject
from supervision.models.facilities import Facility, FacilityEvent, FacilityKind, FacilityStatus
from supervision.models.inspections import (
    COUNTED_INSPECTION,
    Inspection,
    InspectionEvent,
    InspectionFinding,
    InspectionStatus,
)
from supervision.models.patrols import (
    Capacity,
    Patrol,
    PatrolEvent,
    PatrolStatus,
    PatrolSummary,
    PatrolSummaryEvent,
    SummarySignature,
    SummaryStatus,
)
from supervision.models.reviews import (
    Adoption,
    AnalysisStatus,
    ComplaintAnalysis,
    ComplaintAnalysisEvent,
    WeeklyReview,
    WeeklyReviewEvent,
    WeeklyReviewStatus,
)
from supervision.models.third_party import (
    AWAITING_ANSWER,
    IssueNotice,
    IssueNoticeEvent,
    NoticeStatus,
    Rectification,
    ThirdPartyFinding,
    ThirdPartyReport,
)
from supervision.models.violations import (
    BREACH_ITEM,
    COMPLAINT_ITEM,
    LIVE_REPORT,
    EntryKind,
    ReportKind,
    ReportStatus,
    UnitReport,
    UnitReportEvent,
    Violation,
    ViolationEvent,
    ViolationSource,
    ViolationStatus,
)

__all__ = [
    "AWAITING_ANSWER",
    "BREACH_ITEM",
    "COMPLAINT_ITEM",
    "COUNTED_INSPECTION",
    "LIVE_REPORT",
    "NEW",
    "Adoption",
    "AnalysisStatus",
    "Capacity",
    "ChecklistItem",
    "ComplaintAnalysis",
    "ComplaintAnalysisEvent",
    "Dimension",
    "EntryKind",
    "Facility",
    "FacilityEvent",
    "FacilityKind",
    "FacilityStatus",
    "Inspection",
    "InspectionEvent",
    "InspectionFinding",
    "InspectionKind",
    "InspectionStatus",
    "IssueNotice",
    "IssueNoticeEvent",
    "NoticeStatus",
    "Patrol",
    "PatrolEvent",
    "PatrolStatus",
    "PatrolSummary",
    "PatrolSummaryEvent",
    "Polarity",
    "Rectification",
    "ReportKind",
    "ReportStatus",
    "Sequence",
    "Subject",
    "SummarySignature",
    "SummaryStatus",
    "ThirdPartyFinding",
    "ThirdPartyReport",
    "UnitReport",
    "UnitReportEvent",
    "Upload",
    "UploadOwner",
    "Violation",
    "ViolationEvent",
    "ViolationSource",
    "ViolationStatus",
    "WeeklyReview",
    "WeeklyReviewEvent",
    "WeeklyReviewStatus",
]


def _upload_path(instance: Upload, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"supervision/{clock.today():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class UploadOwner(models.TextChoices):
    INSPECTION = "inspection", "检查"
    TP_FINDING = "tp_finding", "第三方检查发现的问题"
    RECTIFICATION = "rectification", "整改报告"


class Upload(models.Model):
    """A photo or scan (000 §五(五)4(2) inspections; 004 §四 "实施全程拍照") under a random
    name in MEDIA_ROOT. Served only through the owning record's access check."""

    owner_type = models.CharField("所属", max_length=20, choices=UploadOwner.choices)
    owner_id = models.PositiveBigIntegerField("所属编号")
    file = models.FileField("文件", upload_to=_upload_path)
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField("类型", max_length=100)
    caption = models.CharField("说明", max_length=200, blank=True)
    uploaded_at = models.DateTimeField("上传时间", default=clock.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = verbose_name_plural = "照片与附件"
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="sup_upload_owner_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
