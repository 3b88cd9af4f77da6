"""The choices of the ratings app: channels, levels and reasons of a rating (000 §五(五)4(1)),
the statuses of annotations, appeals, 12329 callbacks (004 §五 一), 差评 follow-ups and
internal surveys (004 §五 二、三), and the result of a push to the provincial platform."""

from __future__ import annotations

from django.db import models

# ---------------------------------------------------------------------------------------
# Ratings (000 §五(五)4(1))


class RatingChannel(models.TextChoices):
    """Where the citizen rated (000 §五(五)4(1): the counter evaluator; the QR code; the
    app, web or WeChat “服务评价” afterwards — here the case query page)."""

    COUNTER = "counter", "窗口评价器"
    QR = "qr", "扫码评价"
    ONLINE = "online", "网上评价"


class RaterType(models.TextChoices):
    """Who rated: an individual (办事职工) or an employer's clerk (缴存单位专管员)."""

    PERSON = "person", "个人"
    EMPLOYER = "employer", "单位"


class ServiceKind(models.TextChoices):
    VISIT = "visit", "窗口服务"
    CASE = "case", "办件"


class BadReason(models.TextChoices):
    """What a bad rating complains about. 索拿卡要 and 跑回头路 are the words of 004 §五 一."""

    ATTITUDE = "attitude", "服务态度差"
    EFFICIENCY = "efficiency", "办事效率低"
    RAN_BACK = "ran_back", "跑回头路（多次跑）"
    FAVOURS = "favours", "索拿卡要"
    OTHER = "other", "其他"


# ---------------------------------------------------------------------------------------
# Annotation (误评/恶意评价) and the citizen's appeal


class AnnotationKind(models.TextChoices):
    MISTAKEN = "mistaken", "误评"
    MALICIOUS = "malicious", "恶意评价"


class AnnotationStatus(models.TextChoices):
    PROPOSED = "proposed", "待复核"
    APPROVED = "approved", "已核准（不计分）"
    REJECTED = "rejected", "已驳回"
    REVOKED = "revoked", "申诉成立，恢复计分"


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", "待处理"
    GRANTED = "granted", "申诉成立"
    DISMISSED = "dismissed", "申诉不成立"


# ---------------------------------------------------------------------------------------
# 12329 callbacks (004 §五 一) and the surveys' three levels


class SatisfactionLevel(models.TextChoices):
    """The three levels of 004 §五 (12329 callbacks and the internal surveys)."""

    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    DISSATISFIED = "dissatisfied", "不满意"


class CallbackStatus(models.TextChoices):
    PENDING = "pending", "待回访"
    COMPLETED = "completed", "已回访"
    REFUSED = "refused", "拒绝回访"
    UNREACHABLE = "unreachable", "无法联系"


class CallOutcome(models.TextChoices):
    REACHED = "reached", "已接通"
    NOT_REACHED = "not_reached", "未接通"
    REFUSED = "refused", "拒绝回访"


# ---------------------------------------------------------------------------------------
# 差评 follow-up and rectification


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "待联系"
    CONTACTED = "contacted", "已联系，核实整改中"
    RECTIFIED = "rectified", "已整改，待回访"
    CLOSED = "closed", "已办结"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    IN_PERSON = "in_person", "当面"
    NOT_POSSIBLE = "not_possible", "无法联系（未留联系方式或无人接听）"


class Verdict(models.TextChoices):
    SUBSTANTIATED = "substantiated", "属实"
    PARTLY = "partly", "部分属实"
    UNFOUNDED = "unfounded", "不属实"


class Satisfaction(models.TextChoices):
    """The citizen's satisfaction with what was done (回访整改结果)."""

    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    DISSATISFIED = "dissatisfied", "不满意"
    UNREACHABLE = "unreachable", "未能联系到本人"


# ---------------------------------------------------------------------------------------
# Internal satisfaction surveys (004 §五 二、三)


class SurveyKind(models.TextChoices):
    """The two internal surveys of 004 §五: 二 网点工作人员 rate the centre's departments
    monthly; 三 全体副科级以上管理人员 rate the leadership (班子成员) monthly."""

    BRANCH_RATES_DEPARTMENT = "branch_rates_department", "网点对科室工作满意度测评"
    MANAGERS_RATE_LEADERS = "managers_rate_leaders", "管理人员对班子成员测评"


class SurveyStatus(models.TextChoices):
    OPEN = "open", "测评中"
    CLOSED = "closed", "已结束"


# ---------------------------------------------------------------------------------------
# Push to the provincial 好差评 platform


class PushStatus(models.TextChoices):
    SENT = "sent", "已推送"
    FAILED = "failed", "推送失败"
