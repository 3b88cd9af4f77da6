"""《一次性告知清单》 — 000 §五(三) 一次性告知制度.

2、……应当使用书面告知方式，填写《一次性告知清单》，对需要提交、补办、补正的手续、
材料及办理程序和办理时限给以详细的说明，接收清单的办事职工须在《一次性告知清单》上签名，
《一次性告知清单》一式两份，一份交办事职工，一份由经办部门留底备查。
3、办事职工电话咨询有关办理事宜时，经办人应一次性告知办理事项的申请材料、办理程序和受理时限、
告知形式为口头告知，并做好一次性告知的记录。
"""

from __future__ import annotations

from documents import samples
from documents.blocks import (
    Audience,
    Block,
    Document,
    Fields,
    Heading,
    Para,
    Part,
    SignatureLine,
    Signatures,
    Steps,
    Table,
)
from documents.contexts import OneTimeNoticeContext
from documents.formatting import fmt_date, fmt_datetime, id_for, phone_for
from documents.forms.base import FormDefinition, issuer_line, qr_box, register, two_parts

CODE = "one_time_notice"
TITLE = "一次性告知清单"


def build(ctx: OneTimeNoticeContext) -> Document:
    parts: tuple[Part, ...]
    if ctx.channel == "phone":
        parts = (
            Part(
                "口头告知记录",
                Audience.ARCHIVE,
                _blocks(ctx, Audience.ARCHIVE),
                "电话咨询口头告知，此记录由经办部门留底备查",
            ),
        )
    else:
        parts = two_parts(
            lambda audience: _blocks(ctx, audience),
            citizen_note="此联交办事职工",
            archive_note="此联由经办部门留底备查",
            qr=qr_box(ctx.qr_url, "扫码查看办事指南"),
        )
    return Document(
        form_code=CODE,
        title=TITLE,
        issuer=issuer_line(ctx.centre_name, ctx.branch_name),
        number_label="清单编号",
        number=ctx.number,
        date_text=fmt_datetime(ctx.issued_at),
        parts=parts,
        basis="依据一次性告知制度：《一次性告知清单》一式两份，一份交办事职工，一份由经办部门留底备查。",
    )


def _blocks(ctx: OneTimeNoticeContext, audience: Audience) -> tuple[Block, ...]:
    applicant = ctx.applicant
    rows = [
        ("办事职工", applicant.name),
        ("身份证号码", id_for(applicant.id_number, audience)),
        ("联系电话", phone_for(applicant.phone, audience)),
        ("告知方式", "电话咨询 · 口头告知" if ctx.channel == "phone" else "窗口 · 书面告知"),
    ]
    if applicant.employer_name:
        rows.append(("所在单位", applicant.employer_name))
    rows += [
        ("办理事项", f"{ctx.matter_name}（{ctx.matter_code}）"),
        ("办事指南版本", f"第{ctx.version_number}版，{fmt_date(ctx.version_effective_from)}起施行"),
        (
            "经办人",
            f"{ctx.handler.name}（工号 {ctx.handler.staff_no}）"
            if ctx.handler.staff_no
            else ctx.handler.name,
        ),
    ]
    if ctx.handler.department:
        rows.append(("经办部门", ctx.handler.department))
    blocks: list[Block] = [Fields(tuple(rows)), Para(ctx.opening_phrase, "lead")]

    blocks.append(Heading(f"一、尚需提交的材料（共{len(ctx.missing)}项）"))
    blocks.append(
        Table(
            headers=("序号", "材料名称", "提交要求", "原件/复印件", "份数", "受理标准及说明"),
            rows=tuple(
                (
                    str(i),
                    m.name,
                    m.requirement,
                    m.form,
                    str(m.copies),
                    "；".join(x for x in (m.standard, f"来源：{m.source}" if m.source else "", m.note) if x),
                )
                for i, m in enumerate(ctx.missing, start=1)
            ),
            widths=(0.5, 2.8, 1.7, 1.9, 0.55, 4.6),
            empty_text="无",
        )
    )
    if ctx.provided:
        blocks.append(Para("已提交并核对的材料：" + "、".join(ctx.provided), "note"))
    if ctx.not_applicable:
        blocks.append(Para("经核对不适用的材料：" + "、".join(ctx.not_applicable), "note"))

    blocks.append(Heading("二、办理流程"))
    blocks.append(Steps(tuple(ctx.procedure)))

    blocks.append(Heading("三、办理时限"))
    limit = f"承诺时限：{ctx.time_limit}。"
    if ctx.statutory_limit:
        limit += f"法定时限：{ctx.statutory_limit}。"
    blocks.append(Para(limit))
    blocks.append(
        Para(
            "限时办结的时限以日计算，开始之日不计算在办理时限内；材料不齐全或不符合法定形式的，"
            "办理时限从补全材料的次日起计算。",
            "note",
        )
    )

    blocks.append(Heading("四、其他告知事项"))
    if ctx.other_notes:
        blocks.append(Steps(tuple(ctx.other_notes)))
    blocks.append(
        Fields(
            (
                ("办理地点", ctx.place or "—"),
                ("办理时间", ctx.hours or "—"),
                ("咨询电话", ctx.consultation_phone or "—"),
                ("投诉电话", ctx.complaint_phone),
            )
        )
    )
    blocks.append(
        Para(
            "本清单已一次性告知办理该事项所需的全部材料；如工作人员再要求您补交本清单未列、"
            "而本版办事指南已列明的材料，您可以拨打投诉电话投诉。",
            "note",
        )
    )
    blocks.append(Para(ctx.closing_phrase, "phrase"))

    if ctx.channel == "phone":
        citizen_line = SignatureLine("办事职工签名", text="电话咨询，口头告知，无需签名")
    else:
        citizen_line = _citizen_signature(ctx)
    blocks.append(
        Signatures(
            (
                citizen_line,
                SignatureLine("经办人", text=ctx.handler.name, date_text=fmt_date(ctx.issued_at)),
            )
        )
    )
    return tuple(blocks)


def _citizen_signature(ctx: OneTimeNoticeContext) -> SignatureLine:
    sig = ctx.signature
    when = fmt_date(sig.signed_at) if sig.signed_at else ""
    if sig.method == "pad":
        return SignatureLine("办事职工签名", image_png=sig.image_png, date_text=when)
    if sig.method == "paper":
        return SignatureLine("办事职工签名", text="已在纸质清单上签字（扫描件已存档）", date_text=when)
    if sig.method == "refused":
        note = f"：{sig.note}" if sig.note else ""
        return SignatureLine("办事职工签名", text=f"办事职工拒绝签名（经办人注明{note}）", date_text=when)
    return SignatureLine("办事职工签名")


def sample() -> OneTimeNoticeContext:
    return samples.one_time_notice()


DEFINITION = register(
    FormDefinition(
        code=CODE,
        title=TITLE,
        clause="000 §五(三)2、3",
        description="窗口书面告知一式两份（申请人联、存根联），办事职工签名；电话咨询为口头告知记录。",
        context_model=OneTimeNoticeContext,
        build=build,
        sample=sample,
    )
)
