from __future__ import annotations

from django.urls import path

from desk.payments import views

app_name = "payments"
urlpatterns = [
    path("requests/<digits:code>/", views.request_payments, name="request"),
    path("charges/<uuid:public_id>/choose/", views.choose, name="choose"),
    path("charges/<uuid:public_id>/pay/", views.pay, name="pay"),
    path("return/<uuid:public_id>/", views.gateway_return, name="return"),
    path("<uuid:public_id>/", views.result, name="result"),
    path("<uuid:public_id>/receipt/", views.receipt, name="receipt"),
    path("staff/requests/<digits:code>/charge/", views.staff_charge, name="staff_charge"),
    path("staff/<uuid:public_id>/refund/", views.staff_refund, name="staff_refund"),
    path("staff/revenue/", views.revenue, name="revenue"),
    path("staff/revenue.xlsx", views.revenue_xlsx, name="revenue_xlsx"),
    path("fake-gateway/<str:token>/", views.fake_gateway, name="fake_gateway"),
]
