from __future__ import annotations

from django.urls import path

from desk.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.home, name="home"),
    path("cycles/new/", views.cycle_new, name="cycle_new"),
    path("cycles/<int:cycle_id>/", views.cycle, name="cycle"),
    path("cycles/<int:cycle_id>/ranking/", views.ranking, name="ranking"),
    path("cycles/<int:cycle_id>/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("cycles/<int:cycle_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("a/<uuid:public_id>/", views.assessment, name="assessment"),
    path("a/<uuid:public_id>/i/<int:indicator_id>/", views.answer, name="answer"),
    path("a/<uuid:public_id>/submit/", views.submit, name="submit"),
    path("a/<uuid:public_id>/sent/", views.sent, name="sent"),
    path("a/<uuid:public_id>/review/", views.review, name="review"),
    path("a/<uuid:public_id>/finalize/", views.finalize, name="finalize"),
    path("a/<uuid:public_id>/object/", views.object_, name="object"),
    path("a/<uuid:public_id>/decide/", views.decide, name="decide"),
    path("evidence/<uuid:public_id>/", views.evidence, name="evidence"),
    path("evidence/<uuid:public_id>/remove/", views.evidence_remove, name="evidence_remove"),
]
