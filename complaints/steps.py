"""The steps of a complaint's page (000 §五(四)8) in one table, `STEPS`: for each step
its card (title, button, the clause, whether it is a step of the process or one of the
other acts), its form (class, defaults, options) and what posting it does — the
service call with the cleaned data, and the message the person then reads. Adding a
step is one run function and one entry of the table; `complaints.views` builds the
cards from it and runs the posted step through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from common import clock
from common.actors import staff_of
from complaints import selectors, services
from complaints.forms import (
    AcceptForm,
    AppealDecideForm,
    AppealForm,
    ArchiveForm,
    AttachForm,
    ClassifyForm,
    DelayForm,
    DetermineForm,
    FollowUpForm,
    HandlingForm,
    IncidentForm,
    JointReviewForm,
    ReplyForm,
    ReportForm,
    ReviewForm,
    SanctionForm,
    SettleForm,
)
from complaints.models import Channel, Complaint, ComplaintClass, ContactPreference, Status
from complaints.selectors import Step

# --- what posting a step does: the service call and the message --------------------


def _accept(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    c = services.complaint_accept(
        actor=actor,
        complaint=c,
        owner=d["owner"],
        initial_findings=d["initial_findings"],
        limit_told_via=d["limit_told_via"],
    )
    return f"已受理，首办责任人：{d['owner'].name}。" + _due_message(c)


def _settle(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    services.complaint_settle_on_the_spot(
        actor=actor,
        complaint=c,
        answer=d["answer"],
        responsible_department=d["responsible_department"],
        responsible_staff=list(d["responsible_staff"]),
    )
    return "已登记当场解决，待回访。"


def _classify(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    c = services.complaint_classify(
        actor=actor,
        complaint=c,
        class_code=d["class_code"],
        criteria=d["criteria"],
        reason=d["reason"],
        is_complex=d["is_complex"],
        key_supervision=d["key_supervision"],
    )
    return f"已定性为{c.get_class_code_display()}。" + _due_message(c)


def _determine(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    services.complaint_determine(
        actor=actor, complaint=c, department=d["department"], staff=list(d["staff"]), analysis=d["analysis"]
    )
    return f"已认定责任，转 {d['department'].name} 办理，并报机关党委备案。"


def _handle(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    c = services.complaint_record_handling(actor=actor, complaint=c, **d)
    return "已提交部门办理情况。" + (
        "须集体会审。" if c.status == Status.JOINT_REVIEW else "请撰写投诉办理报告。"
    )


def _joint_review(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    services.complaint_joint_review(actor=actor, complaint=c, **d)
    return "已记录集体会审。"


def _report(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    services.complaint_submit_report(actor=actor, complaint=c, **d)
    return "已提交投诉办理报告，待业务管理处审核。"


def _review(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    approve = d["decision"] == "approve"
    services.complaint_review_report(
        actor=actor,
        complaint=c,
        approve=approve,
        remarks=d["remarks"],
        reported_in_person=d["reported_in_person"],
    )
    return "报告审核通过，请答复投诉人。" if approve else "报告已退回责任部门修改。"


def _reply(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    reply = services.complaint_reply(actor=actor, complaint=c, channel=d["channel"], text=d["text"])
    return "已答复投诉人" + ("。" if reply.on_time else "（已超过答复期限）。") + "下一步：回访。"


def _follow_up(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    c = services.complaint_follow_up(actor=actor, complaint=c, **d)
    if c.status == Status.CLOSED:
        return "已回访，投诉办结。"
    return f"投诉人不满意，已重新交办（第{c.round}轮）。" + _due_message(c)


def _archive(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    services.complaint_archive(actor=actor, complaint=c, note=d["note"])
    return "已归档。"


def _delay(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    services.complaint_report_delay(actor=actor, complaint=c, **d)
    return "已记录：告知投诉人并向中心领导汇报。"


def _sanction(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    s = services.complaint_sanction(
        actor=actor,
        complaint=c,
        staff=d["staff"],
        code=d["code"],
        note=d["note"],
        also_first_inquiry_breach=d["also_first_inquiry_breach"],
    )
    return f"已对 {s.staff.name} 给予{s.label}。"


def _appeal(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    services.complaint_appeal_file(actor=actor, complaint=c, grounds=d["grounds"])
    return "已向机关党委提出异议。"


def _appeal_decide(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    services.complaint_appeal_decide(
        actor=actor,
        complaint=c,
        upheld=d["outcome"] == "upheld",
        decision=d["decision"],
        class_code=d["class_code"],
        department=d["department"],
        staff=list(d["staff"]) if d["change_staff"] else None,
    )
    return "已记录重新审议结论。"


def _attach(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    rows = services.complaint_attach(actor=actor, complaint=c, files=d["documents"])
    return f"已补充 {len(rows)} 个附件。"


def _incident(actor: Any, c: Complaint, d: dict[str, Any]) -> str:
    services.complaint_record_incident(actor=actor, complaint=c, kind=d["kind"], note=d["note"])
    return "已记录处置情况。"


def _due_message(c: Complaint) -> str:
    return f"答复期限 {c.reply_due:%Y-%m-%d}。" if c.reply_due else ""


# --- the forms' defaults and options ---------------------------------------------------


def _accept_initial(c: Complaint, user: Any) -> dict[str, Any]:
    me = staff_of(user) if user is not None else None
    return {"limit_told_via": _told_via_default(c), "owner": me.pk if me else None}


def _determine_initial(c: Complaint, user: Any) -> dict[str, Any]:
    return {"department": c.department_id, "staff": [c.staff_id] if c.staff_id else []}


def _report_initial(c: Complaint, user: Any) -> dict[str, Any]:
    """The report starts from what the department recorded when it handled the case."""
    handling = c.handlings.order_by("-round", "-id").first()
    if handling is None:
        return {}
    return {
        "investigation": handling.facts,
        "causes": handling.causes,
        "measures": handling.measures,
        "communication": handling.answer,
        "prevention": handling.prevention,
    }


def _reply_initial(c: Complaint, user: Any) -> dict[str, Any]:
    initial = {"channel": _reply_channel_default(c)}
    handling = c.handlings.order_by("-round", "-id").first()
    if c.class_code == ComplaintClass.INVALID and c.status == Status.CLASSIFIED:
        initial["text"] = f"经调查核实，您反映的问题属于无效投诉：{c.class_reason}"
    elif handling is not None:
        initial["text"] = handling.answer
    return initial


def _sanction_initial(c: Complaint, user: Any) -> dict[str, Any]:
    responsible = list(c.responsible_staff.all())
    return {"staff": responsible[0].pk} if len(responsible) == 1 else {}


def _rule_set(c: Complaint) -> dict[str, Any]:
    return {"params": selectors.complaint_rules(c)}


def _sanction_options(c: Complaint) -> dict[str, Any]:
    return {"params": selectors.complaint_rules(c), "staff": c.responsible_staff.all()}


# --- the table --------------------------------------------------------------------


@dataclass(frozen=True)
class StepPage:
    """One step on the complaint's page: the card, the form, and what posting it does."""

    title: str
    button: str
    intro: str
    form: type[forms.Form]
    run: Callable[[Any, Complaint, dict[str, Any]], str]  # the service call → the success message
    main: bool = True  # a card of the process; else folded under the other acts
    initial: Callable[[Complaint, Any], dict[str, Any]] | None = None  # (complaint, user) → defaults
    options: Callable[[Complaint], dict[str, Any]] | None = None  # more arguments of the form

    def build(self, complaint: Complaint, data: Any = None, files: Any = None, *, user: Any = None) -> Any:
        """The form, bound to `data` or filled with sensible defaults."""
        initial = self.initial(complaint, user) if self.initial else {}
        options = self.options(complaint) if self.options else {}
        return self.form(data, files, initial=initial, **options)


# In the order of the page's cards.
STEPS: dict[Step, StepPage] = {
    Step.APPEAL_DECIDE: StepPage(
        "机关党委重新审议", "记录审议结论", "§五(四)11", AppealDecideForm, _appeal_decide
    ),
    Step.ACCEPT: StepPage(
        "受理",
        "受理",
        "确定首办责任人，第一时间调查核实、联系投诉人，开展初步调查，并告知投诉人处理时限（§五(四)8(1)）。",
        AcceptForm,
        _accept,
        initial=_accept_initial,
    ),
    Step.CLASSIFY: StepPage(
        "定性",
        "定性",
        "投诉按性质分为重大投诉、一般投诉和无效投诉（§五(四)6）。",
        ClassifyForm,
        _classify,
        options=_rule_set,
    ),
    Step.DETERMINE: StepPage(
        "责任认定",
        "认定并转责任部门办理",
        "根据投诉内容进行责任分析认定，追索责任部门和具体责任人，"
        "报中心机关党委备案；需报中心领导认定的，由中心领导判定（§五(四)8(2)）。",
        DetermineForm,
        _determine,
        initial=_determine_initial,
    ),
    Step.HANDLE: StepPage(
        "部门办理",
        "提交办理情况",
        "梳理事件经过，分析问题产生原因，明确具体涉事人员，"
        "制定具体措施，做好与投诉人的沟通解释，并及时告知处理结果（§五(四)8(3)）。",
        HandlingForm,
        _handle,
    ),
    Step.JOINT_REVIEW: StepPage(
        "集体会审",
        "记录会审结论",
        "对有重大影响、疑难、复杂的投诉，由业务管理处组织讨论，"
        "征询相关处室和法律顾问的意见；会审形成共识后以文件形式确定，"
        "统一对内对外口径（§五(四)8(4)）。",
        JointReviewForm,
        _joint_review,
        initial=lambda c, user: {"held_on": clock.today(), "class_code": c.class_code},
    ),
    Step.REPORT: StepPage(
        "投诉办理报告",
        "提交报告",
        "责任部门按督办固定格式书面撰写，不得以口头形式答复；报告交业务管理处审核（§五(四)8(5)）。",
        ReportForm,
        _report,
        initial=_report_initial,
    ),
    Step.REVIEW: StepPage(
        "审核办理报告", "提交审核结论", "审核通过后按投诉渠道答复投诉人（§五(四)8(5)）。", ReviewForm, _review
    ),
    Step.REPLY: StepPage(
        "答复投诉人",
        "记录答复",
        "按相关投诉渠道答复；无效投诉向投诉人说明理由。",
        ReplyForm,
        _reply,
        initial=_reply_initial,
    ),
    Step.FOLLOW_UP: StepPage(
        "回访",
        "记录回访",
        "告知处理结果并询问投诉人对处理结果的满意程度；仍有意见的，"
        "继续向相关部门提出重新处理要求（§五(四)8(6)）。",
        FollowUpForm,
        _follow_up,
    ),
    Step.ARCHIVE: StepPage(
        "归档",
        "归档",
        "将投诉资料归档整理，对投诉人的建议进行书面总结并提交相关处室（§五(四)8(6)）。",
        ArchiveForm,
        _archive,
        initial=lambda c, user: {"note": c.suggestion},
    ),
    Step.SETTLE: StepPage(
        "当场解决",
        "登记当场解决",
        "对受理的一般投诉，能当场解决的及时解决，在收到投诉当日办结并记录答复（§五(四)7(1)）。",
        SettleForm,
        _settle,
        main=False,
    ),
    Step.DELAY: StepPage(
        "不能按时办结",
        "记录告知和汇报",
        "在规定时限内不能处理完毕的，及时告知投诉人、说明情况，"
        "同时向中心领导汇报，由中心领导作出处理意见（§五(四)7(4)）。",
        DelayForm,
        _delay,
        main=False,
    ),
    Step.SANCTION: StepPage(
        "对责任人的处理",
        "登记处理措施",
        "重大投诉和一般投诉一经核实，视情节轻重给予批评教育、"
        "书面检查、通报等处理，以及警告、记过、记大过的行政处分（§五(四)9）。",
        SanctionForm,
        _sanction,
        main=False,
        initial=_sanction_initial,
        options=_sanction_options,
    ),
    Step.APPEAL: StepPage(
        "对处理决定有异议",
        "向机关党委反映",
        "部门对业务管理处提出的投诉处理决定有异议的，可向中心机关党委反映，"
        "由中心组织重新审议认定（§五(四)11）。",
        AppealForm,
        _appeal,
        main=False,
    ),
    Step.ATTACH: StepPage(
        "补充证明资料",
        "上传",
        "相关部门以书面形式说明情况，提供相关证明资料（§五(四)10）。",
        AttachForm,
        _attach,
        main=False,
    ),
    Step.INCIDENT: StepPage(
        "无理取闹、诉讼或媒体报道的处置",
        "记录处置情况",
        "投诉人无理取闹或捏造事实，经劝阻无效严重影响工作秩序的，报警处理并报中心法务部门；"
        "上诉至法院或经媒体报道严重影响中心声誉的，组成危机处理小组（§五(四)13）。",
        IncidentForm,
        _incident,
        main=False,
    ),
}


def _told_via_default(complaint: Complaint) -> str:
    return {
        ContactPreference.PHONE: "电话",
        ContactPreference.SMS: "短信",
        ContactPreference.EMAIL: "电子邮件",
        ContactPreference.LETTER: "书面",
        ContactPreference.ONLINE: "网上查询页面",
    }[ContactPreference(complaint.contact_preference)]


def _reply_channel_default(complaint: Complaint) -> str:
    """Through the complaint's own channel (§8(5) 按相关投诉渠道进行上报回复)."""
    if complaint.channel in (Channel.HOTLINE, Channel.HOTLINE_TRANSFER):
        return "12329热线回复"
    if complaint.channel == Channel.OFFICE_TRANSFER:
        return "转办渠道书面回复"
    return _told_via_default(complaint)
