"""退回件（不予受理）通知单 — 002 篇5 §二5, §四2–3; 002 篇3 §三13.

篇5 §二5：申请事项不符合法定条件、窗口单位决定不予受理的，应当填写《退回件通知单》，当场交付
当事人，并告知申请人不予受理的理由。窗口单位不得以申请人提交的材料不全为由拒绝受理。
篇5 §四3：对不予批准的事项有异议的，可向中心申请复核，也可依法申请行政复议或提起行政诉讼。
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
)
from documents.contexts import AppealRoute, RejectionNoticeContext
from documents.formatting import fmt_date, fmt_datetime, id_for, phone_for
from documents.forms.base import FormDefinition, issuer_line, qr_box, register, two_parts

CODE = "rejection_notice"
TITLE = "退回件（不予受理）通知单"


def appeal_blocks(appeal: AppealRoute) -> list[Block]:
    """The review and appeal route (002 篇5 §四3), shared with the completion notice."""
    review = f"向{appeal.review_body}申请复核" + (
        f"（电话 {appeal.review_phone}）" if appeal.review_phone else ""
    )
    return [
        Heading("如有异议"),
        Para("对不予批准的事项有异议的，可向中心申请复核，也可依法申请行政复议或提起行政诉讼：", "body"),
        Steps(
            (
                review + "；",
                f"依法{appeal.reconsideration_period}向{appeal.reconsideration_body}申请行政复议；",
                f"依法{appeal.litigation_period}向{appeal.litigation_court}提起行政诉讼。",
            )
        ),
    ]


def build(ctx: RejectionNoticeContext) -> Document:
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
            qr=qr_box(ctx.qr_url, "扫码查看说明"),
        ),
        basis="依据窗口办件工作规程：决定不予受理的，填写退回件通知单当场交付，并告知不予受理的理由。",
    )


def _blocks(ctx: RejectionNoticeContext, audience: Audience) -> tuple[Block, ...]:
    a = ctx.applicant
    blocks: list[Block] = [
        Fields(
            (
                ("申请人", a.name),
                ("身份证号码", id_for(a.id_number, audience)),
                ("联系电话", phone_for(a.phone, audience)),
                ("申请事项", ctx.matter_name + (f"（{ctx.matter_code}）" if ctx.matter_code else "")),
                (
                    "承办人",
                    ctx.handler.name + (f"（工号 {ctx.handler.staff_no}）" if ctx.handler.staff_no else ""),
                ),
                ("承办人电话", ctx.handler.phone or "—"),
            )
        ),
        Para(f"经审查，您申请办理的“{ctx.matter_name}”不符合法定条件，决定不予受理。", "lead"),
        Heading("不予受理的理由"),
        Para(ctx.reason),
        Heading("依据"),
        Para(ctx.legal_basis),
        Heading("退回的申请材料"),
        Steps(tuple(ctx.returned_materials)) if ctx.returned_materials else Para("无", "note"),
    ]
    blocks += appeal_blocks(ctx.appeal)
    blocks.append(Para(f"投诉电话：{ctx.complaint_phone}", "note"))
    blocks.append(
        Signatures(
            (
                SignatureLine("申请人签收"),
                SignatureLine("承办人", text=ctx.handler.name, date_text=fmt_date(ctx.issued_at)),
            )
        )
    )
    return tuple(blocks)


def sample() -> RejectionNoticeContext:
    return samples.rejection_notice()


DEFINITION = register(
    FormDefinition(
        code=CODE,
        title=TITLE,
        clause="002 篇5 §二5、§四2、3；002 篇3 §三13",
        description="不符合法定条件、决定不予受理时出具，写明理由、依据和复核、行政复议、行政诉讼途径。",
        context_model=RejectionNoticeContext,
        build=build,
        sample=sample,
    )
)
