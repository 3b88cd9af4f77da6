"""The printed 《一次性告知清单》 of a notice: its record turned into the context of the
documents app's `one_time_notice` form."""

from __future__ import annotations

from catalog import selectors
from catalog.models import ItemStatus, NoticeChannel, NoticeStatus, OneTimeNotice, SignatureMethod, Situation
from documents.contexts import Applicant, Handler, MaterialLine, OneTimeNoticeContext, Signature


def _signature(notice: OneTimeNotice) -> Signature:
    if notice.signature_method == SignatureMethod.PAD and notice.signature_file:
        with notice.signature_file.open("rb") as f:
            return Signature(method="pad", image_png=f.read(), signed_at=notice.signed_at)
    if notice.signature_method == SignatureMethod.PAPER:
        return Signature(method="paper", signed_at=notice.signed_at)
    if notice.status == NoticeStatus.REFUSED:
        event = notice.events.filter(to_status=NoticeStatus.REFUSED).order_by("-at").first()
        return Signature(
            method="refused", signed_at=event.at if event else None, note=event.note if event else ""
        )
    return Signature()


def notice_context(notice: OneTimeNotice, *, qr_url: str | None) -> OneTimeNoticeContext:
    version = notice.version
    items = list(notice.items.select_related("material").order_by("material__order"))
    missing = [i for i in items if i.status == ItemStatus.MISSING]
    names = "、".join(f"《{i.material.name}》" for i in missing)
    staff = getattr(notice.issued_by, "staff", None)
    branch = notice.branch
    if notice.channel == NoticeChannel.PHONE:
        opening = "根据您电话咨询的事项，现将办理所需的全部申请材料、办理程序和受理时限一次性告知如下。"
    else:
        opening = selectors.phrase_for(Situation.INCOMPLETE_MATERIALS, names)
    written = selectors.phrases_for(Situation.INCOMPLETE_MATERIALS)
    closing = written[-1].text if written else ""
    time_limit = (
        "即办（材料齐全、符合条件的当场办结）"
        if version.promised_days == 0
        else f"{version.promised_label}（自材料齐全受理之日的次日起计算）"
    )
    statutory = ""
    if version.statutory_days is not None:
        # The citation without its quotation: "《住房公积金管理条例》第二十五条".
        law = version.statutory_basis.split("：")[0]
        statutory = f"{version.statutory_days}日" + (f"（{law}）" if law else "")
    return OneTimeNoticeContext(
        centre_name=branch.centre.name,
        branch_name=branch.name,
        qr_url=qr_url,
        number=notice.number,
        issued_at=notice.issued_at,
        channel=notice.channel,  # type: ignore[arg-type]
        matter_name=version.name,
        matter_code=notice.matter.code,
        version_number=version.number,
        version_effective_from=version.effective_from,
        applicant=Applicant(
            name=notice.citizen_name,
            id_number=notice.citizen_id_number,
            phone=notice.citizen_phone,
            employer_name=notice.employer_name,
        ),
        opening_phrase=opening,
        closing_phrase=closing,
        missing=[
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
        provided=[i.material.name for i in items if i.status == ItemStatus.BROUGHT],
        not_applicable=[i.material.name for i in items if i.status == ItemStatus.NOT_APPLICABLE],
        procedure=list(version.procedure),
        time_limit=time_limit,
        statutory_limit=statutory,
        place=version.place,
        hours=version.hours,
        consultation_phone=version.consultation_phone,
        complaint_phone=version.complaint_phone,
        other_notes=[line.strip() for line in notice.other_notes.splitlines() if line.strip()],
        handler=Handler(
            name=staff.name if staff else notice.issued_by.get_username(),
            staff_no=staff.staff_no if staff else "",
            department=staff.department.name if staff and staff.department_id else "",
        ),
        signature=_signature(notice),
    )
