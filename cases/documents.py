"""The printed notices of a case, filled from its record through the documents app's
forms: 受理通知单, 补办件通知单, 退回件（不予受理）通知单, 办结通知单 and 办理事项延期申请表.

The QR code of every citizen's part leads to the public query page with the receipt
number filled in (`/query/?no=…`). The query password is printed only while the
registering teller's session still holds it (it is shown once; only its hash is kept);
a reprint says where it was given, and a lost password is reset at the window.

Two things the documents app's contexts cannot say yet are added to the built document
here (docs/cases.md "For the documents app"): the query password on the 补办件 and 退回件
notices (a case refused or waiting for materials can be queried too, and a refusal can
be reviewed online), and a deadline that waits for next year's holiday notice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.http import HttpRequest
from django.urls import reverse

from cases import conf
from cases.models import (
    Case,
    CaseMaterial,
    DeliveryMethod,
    Extension,
    MaterialStatus,
    Outcome,
    SupplementRequest,
)
from cases.services import titled
from catalog.models import Situation
from catalog.selectors import phrase_for
from common import clock, hooks
from documents import html as html_writer
from documents import pdf as pdf_writer
from documents.blocks import Audience, Document, Fields, Part
from documents.contexts import (
    AcceptanceNoticeContext,
    AppealRoute,
    Applicant,
    CompletionNoticeContext,
    ExtensionFormContext,
    Handler,
    MaterialLine,
    Opinion,
    RejectionNoticeContext,
    SupplementNoticeContext,
)
from documents.render import build_document
from org.models import Centre, Department, Staff

FORMS = {
    "acceptance": "受理通知单",
    "supplement": "补办件通知单",
    "rejection": "退回件（不予受理）通知单",
    "completion": "办结通知单",
}
PASSWORD_GIVEN = "已在首次出具的通知单上交付（重印件不显示）"
PASSWORD_ON_SUPPLEMENT = "见补办件通知单（申请人联）"


def query_url(request: HttpRequest | None, case: Case) -> str:
    return _public(request, reverse("case_query") + f"?no={case.receipt_no}")


def rating_url(request: HttpRequest | None, case: Case) -> str | None:
    """The case's own online rating page (好差评, minted on completion), so the QR on
    the 办结通知单 opens the rating form directly instead of the query page."""
    path = hooks.ask("case_rating_path", case=case)  # the ratings app knows the token
    return _public(request, path) if path else None


def _public(request: HttpRequest | None, path: str) -> str:
    base = conf.public_base_url()
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return "http://127.0.0.1:8000" + path


def _centre(case: Case) -> Centre:
    return case.branch.centre


def applicant_of(case: Case) -> Applicant:
    if case.applicant_kind == "employer":
        return Applicant(
            name=case.agent_name or case.applicant_name,
            id_number=case.agent_id_number,
            phone=case.applicant_phone,
            employer_name=case.applicant_name,
        )
    return Applicant(name=case.applicant_name, id_number=case.applicant_id_number, phone=case.applicant_phone)


def _phone(*candidates: str) -> str:
    for value in candidates:
        if value:
            return value
    return "12329"


def handler_of(case: Case, staff: Staff | None = None) -> Handler:
    """The first responsible person (承办人) and an office line the applicant can call:
    the department's, else the branch's, else the centre's."""
    staff = staff or case.first_responsible
    department = case.department
    return Handler(
        name=staff.name,
        staff_no=staff.staff_no,
        phone=_phone(department.phone if department else "", case.branch.phone, _centre(case).phone),
        department=department.name if department else case.branch.name,
    )


def _office(case: Case) -> Department | None:
    return Department.objects.filter(code=conf.office_department_code()).first()


def appeal_of(case: Case) -> AppealRoute:
    office = _office(case)
    route = conf.appeal_route()
    centre = _centre(case)
    return AppealRoute(
        review_body=centre.name + (office.name if office else ""),
        review_phone=(office.phone if office else "") or centre.phone,
        reconsideration_body=route["reconsideration_body"],
        reconsideration_period=route["reconsideration_period"],
        litigation_court=route["litigation_court"],
        litigation_period=route["litigation_period"],
    )


def _channels(case: Case, url: str) -> tuple[list[str], list[str], list[str]]:
    centre = _centre(case)
    office = _office(case)
    query = [f"扫描本单二维码或访问 {url.split('?')[0]}", f"服务热线{centre.complaint_phone}"]
    if centre.website:
        query.append(f"中心网站 {centre.website}")
    rating = ["窗口服务评价器", "扫描本单二维码查询时评价", f"服务热线{centre.complaint_phone}"]
    complaint = [f"投诉电话{centre.complaint_phone}"]
    if office is not None:
        complaint.append(f"中心{office.name}" + (f"（{office.phone}）" if office.phone else ""))
    complaint.append("服务大厅意见箱")
    return query, rating, complaint


def _received_materials(case: Case) -> list[str]:
    rows = CaseMaterial.objects.filter(case=case, status=MaterialStatus.RECEIVED).select_related("material")
    return [
        f"{r.material.name}（{r.material.get_form_display()}{r.material.copies}份）"
        for r in rows.order_by("material__order")
    ]


def _pickup_note(case: Case) -> str:
    if case.delivery_method == DeliveryMethod.MAIL:
        return f"办结后邮寄送达：{case.delivery_address}"
    if case.delivery_method == DeliveryMethod.ELECTRONIC:
        return "办结后电子送达"
    return f"办结后凭本通知单到{case.branch.name}领取办理结果"


def acceptance_document(case: Case, *, password: str | None, url: str) -> Document:
    accepted_at = case.accepted_at or case.received_at
    pending = case.deadline is None
    # The context needs a date; a pending deadline is printed as its explanation instead
    # (the placeholder never reaches the page, see _replace_values).
    deadline = case.deadline or clock.local_date(accepted_at)
    query, rating, complaint = _channels(case, url)
    supplement = SupplementRequest.objects.filter(case=case).exists()
    ctx = AcceptanceNoticeContext(
        centre_name=_centre(case).name,
        branch_name=case.branch.name,
        qr_url=url,
        receipt_no=case.receipt_no,
        query_password=password or (PASSWORD_ON_SUPPLEMENT if supplement else PASSWORD_GIVEN),
        applicant=applicant_of(case),
        matter_name=case.version.name,
        matter_code=case.matter.code,
        accepting_body=f"{_centre(case).name}{case.branch.name}",
        handler=handler_of(case),
        promised_days=case.promised_days,
        deadline=deadline,
        accepted_at=accepted_at,
        pickup_on=deadline,
        pickup_note=_pickup_note(case),
        query_channels=query,
        rating_channels=rating,
        complaint_channels=complaint,
        materials_received=_received_materials(case),
    )
    document = build_document("acceptance_notice", ctx)
    if pending:
        when = f"待{case.pending_year}年节假日安排发布后确定，届时短信告知"
        document = _replace_values(
            document, {"⑤承诺办结日期": when, "⑥取件时间": when + "；" + _pickup_note(case)}
        )
    return document


def supplement_document(case: Case, *, password: str | None, url: str) -> Document:
    supplement = SupplementRequest.objects.get(case=case)
    items = CaseMaterial.objects.filter(case=case).select_related("material").order_by("material__order")
    missing = [
        i
        for i in items
        if i.status == MaterialStatus.MISSING or (i.received_at and supplement.issued_at < i.received_at)
    ]
    names = "、".join(titled(i.material.name) for i in missing)
    ctx = SupplementNoticeContext(
        centre_name=_centre(case).name,
        branch_name=case.branch.name,
        qr_url=url,
        number=supplement.number,
        issued_at=supplement.issued_at,
        receipt_no=case.receipt_no,
        applicant=applicant_of(case),
        matter_name=case.version.name,
        matter_code=case.matter.code,
        handler=handler_of(case),
        opening_phrase=phrase_for(Situation.INCOMPLETE_MATERIALS, names) or f"您提交的资料缺少{names}。",
        items=[
            MaterialLine(
                name=i.material.name,
                requirement=i.material.requirement_text,
                form=i.material.get_form_display(),
                copies=i.material.copies,
                source=i.material.source,
                standard=i.material.standard,
                note=i.note,
            )
            for i in missing
        ],
        promised_days=case.promised_days,
        place=case.version.place,
        consultation_phone=case.version.consultation_phone,
        complaint_phone=_centre(case).complaint_phone,
    )
    document = build_document("supplement_notice", ctx)
    return _add_password(document, case, password)


def rejection_reason_text(case: Case) -> str:
    """The 理由 the 退回件通知单 prints: the legal ground chosen, then the teller's
    explanation of it (a refusal from before the grounds were listed: the reason alone)."""
    if case.rejection_ground_label:
        return f"{case.rejection_ground_label}。{case.rejection_reason}"
    return case.rejection_reason


def rejection_document(case: Case, *, password: str | None, url: str) -> Document:
    ctx = RejectionNoticeContext(
        centre_name=_centre(case).name,
        branch_name=case.branch.name,
        qr_url=url,
        number=f"{case.receipt_no}-T",
        issued_at=case.rejected_at or case.received_at,
        applicant=applicant_of(case),
        matter_name=case.version.name,
        matter_code=case.matter.code,
        handler=handler_of(case),
        reason=rejection_reason_text(case),
        legal_basis=case.rejection_basis,
        returned_materials=[line for line in case.returned_materials.splitlines() if line.strip()],
        appeal=appeal_of(case),
        complaint_phone=_centre(case).complaint_phone,
    )
    document = build_document("rejection_notice", ctx)
    return _add_password(
        document, case, password, also=("申请复核", "可凭受理编号和查询密码在办件查询页面在线申请复核")
    )


def completion_document(case: Case, *, url: str, rating_link: str | None = None) -> Document:
    refused = case.outcome == Outcome.REFUSED
    _, rating, _ = _channels(case, url)
    assert case.decided_at is not None
    delivery = case.get_delivery_method_display()
    if case.delivered_at:
        delivery += (
            f"（{clock.local(case.delivered_at):%Y年%m月%d日 %H:%M}"
            + (f"，{case.delivery_note}" if case.delivery_note else "")
            + "）"
        )
    elif case.delivery_method == DeliveryMethod.MAIL:
        delivery += f"：{case.delivery_address}"
    ctx = CompletionNoticeContext(
        centre_name=_centre(case).name,
        branch_name=case.branch.name,
        qr_url=rating_link or url,
        receipt_no=case.receipt_no,
        applicant=applicant_of(case),
        matter_name=case.version.name,
        matter_code=case.matter.code,
        handler=handler_of(case),
        accepted_at=case.accepted_at or case.received_at,
        deadline=case.deadline or clock.local_date(case.decided_at),
        completed_at=case.decided_at,
        outcome=case.outcome,  # type: ignore[arg-type]
        result=case.result,
        transaction_no=case.transaction_no,
        refusal_reason=case.refusal_reason if refused else "",
        appeal=appeal_of(case) if refused else None,
        delivery=delivery,
        rating_channels=rating,
        complaint_phone=_centre(case).complaint_phone,
    )
    return build_document("completion_notice", ctx)


def _opinion(name_of: Staff | None, fallback: str, text: str, at: datetime | None) -> Opinion | None:
    if not text:
        return None
    return Opinion(name=name_of.name if name_of else fallback, text=text, signed_at=at)


def extension_document(extension: Extension) -> Document:
    case = extension.case
    head = getattr(extension.head_by, "staff", None) if extension.head_by_id else None
    leader = getattr(extension.leader_by, "staff", None) if extension.leader_by_id else None
    requester = getattr(extension.requested_by, "staff", None)
    new = extension.granted_deadline or extension.requested_deadline
    from workdays.calendar import calendar_index

    days = calendar_index().workdays_between(extension.original_deadline, new)
    ctx = ExtensionFormContext(
        centre_name=_centre(case).name,
        receipt_no=case.receipt_no,
        department=case.department.name if case.department else case.branch.name,
        applicant=applicant_of(case),
        matter_name=case.version.name,
        matter_code=case.matter.code,
        accepted_at=case.accepted_at or case.received_at,
        promised_days=case.promised_days,
        original_deadline=extension.original_deadline,
        reason=extension.reason,
        extension_days=max(days, 1),
        requested_deadline=new,
        explained_to_applicant=extension.explained_to_applicant,
        explained_note=extension.explained_note,
        handler=handler_of(case, requester),
        applied_at=extension.requested_at,
        head_opinion=_opinion(
            head,
            extension.head_by.get_username() if extension.head_by else "",
            extension.head_opinion,
            extension.head_at,
        ),
        leader_opinion=_opinion(
            leader,
            extension.leader_by.get_username() if extension.leader_by else "",
            extension.leader_opinion,
            extension.leader_at,
        ),
    )
    return build_document("extension_form", ctx)


def render(document: Document, *, as_pdf: bool, pdf_url: str = "", back_url: str = "") -> bytes | str:
    if as_pdf:
        return pdf_writer.render(document)
    return html_writer.render(document, standalone=True, pdf_url=pdf_url, back_url=back_url)


# --- Additions to a built document -------------------------------------------------------


def _replace_values(document: Document, values: dict[str, str]) -> Document:
    """The same document with the values of the named rows changed, in every part."""
    parts = []
    for part in document.parts:
        blocks = tuple(
            replace(b, rows=tuple((label, values.get(label, value)) for label, value in b.rows))
            if isinstance(b, Fields)
            else b
            for b in part.blocks
        )
        parts.append(replace(part, blocks=blocks))
    return replace(document, parts=tuple(parts))


def _add_password(
    document: Document, case: Case, password: str | None, *, also: tuple[str, str] | None = None
) -> Document:
    """The receipt number and query password on the citizen's part (stub: not the password)."""
    parts: list[Part] = []
    for part in document.parts:
        if part.audience == Audience.CITIZEN:
            value = password or PASSWORD_GIVEN
        else:
            value = "已当场交付申请人（存根联不显示）"
        rows: list[tuple[str, str]] = [("受理编号", case.receipt_no), ("查询密码", value)]
        if also is not None and part.audience == Audience.CITIZEN:
            rows.append(also)
        blocks = list(part.blocks)
        index = next((i for i, b in enumerate(blocks) if isinstance(b, Fields)), None)
        if index is None:
            blocks.insert(0, Fields(tuple(rows)))
        else:
            existing = blocks[index]
            assert isinstance(existing, Fields)
            kept = tuple(r for r in existing.rows if r[0] not in {"受理编号", "查询密码"})
            blocks[index] = replace(existing, rows=kept + tuple(rows))
        parts.append(replace(part, blocks=tuple(blocks)))
    return replace(document, parts=tuple(parts))


def document_for(case: Case, form: str, *, password: str | None, request: HttpRequest | None) -> Document:
    url = query_url(request, case)
    if form == "acceptance":
        return acceptance_document(case, password=password, url=url)
    if form == "supplement":
        return supplement_document(case, password=password, url=url)
    if form == "rejection":
        return rejection_document(case, password=password, url=url)
    if form == "completion":
        return completion_document(case, url=url, rating_link=rating_url(request, case))
    raise KeyError(form)


def available_forms(case: Case) -> list[str]:
    """The notices this case has (in the order they were issued)."""
    forms = []
    if SupplementRequest.objects.filter(case=case).exists():
        forms.append("supplement")
    if case.accepted_at is not None:
        forms.append("acceptance")
    if case.rejected_at is not None:
        forms.append("rejection")
    if case.decided_at is not None:
        forms.append("completion")
    return forms
