from django.urls import path, register_converter

from catalog import views


class MatterCode:
    regex = "[A-Za-z]{2}[A-Za-z0-9-]{1,18}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


class NoticeNumber:
    regex = "[A-Za-z0-9]{2,20}-[0-9]{8}-[0-9]{4,6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MatterCode, "matter")
register_converter(NoticeNumber, "notice")

urlpatterns = [
    # Public guide (no login). Fixed paths before the matter code.
    path("guide/", views.guide_index, name="guide_index"),
    path("guide/results/", views.guide_results, name="guide_results"),
    path("guide/commitments/", views.guide_commitments, name="guide_commitments"),
    path("guide/manage/", views.guide_manage, name="guide_manage"),
    path("guide/manage/new/", views.guide_create, name="guide_create"),
    path("guide/manage/<matter:code>/", views.guide_manage_matter, name="guide_manage_matter"),
    path("guide/manage/<matter:code>/revise/", views.guide_revise, name="guide_revise"),
    path("guide/<matter:code>/", views.guide_matter, name="guide_matter"),
    path("guide/<matter:code>/v<int:number>/", views.guide_matter, name="guide_matter_version"),
    path("guide/<matter:code>/print/", views.guide_print, name="guide_print"),
    # One-time notices (staff).
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/new/<matter:code>/", views.notice_new_matter, name="notice_new_matter"),
    path("notices/new/<matter:code>/preview/", views.notice_preview, name="notice_preview"),
    path("notices/<notice:number>/", views.notice_detail, name="notice_detail"),
    path("notices/<notice:number>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("notices/<notice:number>/print/", views.notice_print, name="notice_print"),
    path("notices/<notice:number>/sign/", views.notice_sign, name="notice_sign"),
    path("notices/<notice:number>/paper/", views.notice_paper, name="notice_paper"),
    path("notices/<notice:number>/refuse/", views.notice_refuse, name="notice_refuse"),
    path("notices/<notice:number>/void/", views.notice_void, name="notice_void"),
    path("notices/<notice:number>/signature/", views.notice_signature, name="notice_signature"),
    # Standard phrases (staff).
    path("phrases/", views.phrase_list, name="phrase_list"),
]
