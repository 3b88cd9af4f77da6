"""补办件通知单 — 002 篇5 §二4; 002 篇3 §三13.

篇5 §二4：申请人提交的材料不全或不符合要求的，窗口工作人员应当一次性书面告知申请人需要
补齐或补正的全部材料，并填写《补办件通知单》，当场交付申请人。申请人补齐或补正材料之日为该
事项正式受理之日。
篇3 §三13：补办件，要出具《补办件通知书》，一次性告知全部要件。
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
    SignatureLine,
    Signatures,
    Steps,
    Table,
)
from documents.contexts import SupplementNoticeContext
from documents.formatting import days_text, fmt_date, fmt_datetime, id_for, phone_for
from documents.forms.base import FormDefinition, issuer_line, qr_box, register, two_parts

CODE = "supplement_notice"
TITLE = "补办件通知单"


def build(ctx: SupplementNoticeContext) -> Document:
    return Document(
        form_code=CODE,
        title=TITLE,
        issuer=issuer_line(ctx.centre_name, ctx.branch_name),
        number_label="通知单编号",
        number=ctx.number,
        date_text=fmt_datetime(ctx.issued_at),
        parts=two_parts(
            lambda audience: _blocks(ctx, audience),
            citizen_note="此联当场交付申请人",
            archive_note="此联由窗口单位留存",
            qr=qr_box(ctx.qr_url, "扫码查询办理进度"),
        ),
        basis="依据窗口办件工作规程：材料不全或不符合要求的，一次性书面告知需要补齐或补正的全部材料。",
    )


def _blocks(ctx: SupplementNoticeContext, audience: Audience) -> tuple[Block, ...]:
    a = ctx.applicant
    rows = [
        ("申请人", a.name),
        ("身份证号码", id_for(a.id_number, audience)),
        ("联系电话", phone_for(a.phone, audience)),
        ("办理事项", ctx.matter_name + (f"（{ctx.matter_code}）" if ctx.matter_code else "")),
    ]
    if ctx.receipt_no:
        rows.append(("受理编号", ctx.receipt_no))
    rows += [
        ("承办人", ctx.handler.name + (f"（工号 {ctx.handler.staff_no}）" if ctx.handler.staff_no else "")),
        ("承办人电话", ctx.handler.phone or "—"),
    ]
    blocks: list[Block] = [Fields(tuple(rows)), Para(ctx.opening_phrase, "lead")]
    blocks.append(Heading(f"需要补齐或补正的全部材料（共{len(ctx.items)}项）"))
    blocks.append(
        Table(
            headers=("序号", "材料名称", "提交要求", "原件/复印件", "份数", "补齐或补正说明"),
            rows=tuple(
                (
                    str(i),
                    m.name,
                    m.requirement,
                    m.form,
                    str(m.copies),
                    "；".join(x for x in (m.note, m.standard) if x),
                )
                for i, m in enumerate(ctx.items, start=1)
            ),
            widths=(0.5, 2.8, 1.9, 1.9, 0.55, 4.4),
        )
    )
    blocks.append(Para("申请人补齐或补正材料之日为该事项正式受理之日。", "strong"))
    blocks.append(
        Para(
            f"本事项承诺时限为{days_text(ctx.promised_days)}，办理时限从您补全材料的次日起计算。"
            "以上为需要补齐或补正的全部材料，不会再要求您补交其他材料。",
        )
    )
    others = []
    if ctx.place:
        others.append(f"补交地点：{ctx.place}")
    if ctx.consultation_phone:
        others.append(f"咨询电话：{ctx.consultation_phone}")
    others.append(f"投诉电话：{ctx.complaint_phone}")
    blocks.append(Steps(tuple(others)))
    blocks.append(
        Signatures(
            (
                SignatureLine("申请人签收"),
                SignatureLine("承办人", text=ctx.handler.name, date_text=fmt_date(ctx.issued_at)),
            )
        )
    )
    return tuple(blocks)


def sample() -> SupplementNoticeContext:
    return samples.supplement_notice()


DEFINITION = register(
    FormDefinition(
        code=CODE,
        title=TITLE,
        clause="002 篇5 §二4；002 篇3 §三13",
        description="材料不全或不符合要求时，一次性书面告知需要补齐或补正的全部材料，当场交付申请人。",
        context_model=SupplementNoticeContext,
        build=build,
        sample=sample,
    )
)
