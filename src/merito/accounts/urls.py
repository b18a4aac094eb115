from django.urls import path

from merito.accounts import views

app_name = "accounts"

urlpatterns = [
    path("registro/", views.signup, name="signup"),
    path("registro/enviado/", views.signup_done, name="signup_done"),
    path("verificar/<str:token>/", views.verify_email, name="verify_email"),
    path("verificar-reenviar/", views.resend_verification, name="resend_verification"),
    path("ingresar/", views.login_view, name="login"),
    path("ingresar/codigo/", views.login_otp, name="login_otp"),
    path("salir/", views.logout_view, name="logout"),
    path("contrasena/olvido/", views.password_reset_request, name="password_reset"),
    path("contrasena/olvido/enviado/", views.password_reset_done, name="password_reset_done"),
    path(
        "contrasena/restablecer/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "contrasena/restablecida/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("contrasena/cambiar/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "contrasena/cambiada/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("seguridad/", views.security, name="security"),
    path("seguridad/codigos/", views.recovery_codes, name="recovery_codes"),
    path("correo/", views.email_change, name="email_change"),
    path("correo/confirmar/<str:token>/", views.email_confirm, name="email_confirm"),
]
