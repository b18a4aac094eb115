"""The public audience, at the site's root: the catalogue of calls, «¿Estoy en el banco de
pares?» and the peers' requests, the published audit heads, and the account pages
(sign up, sign in, recover the password; the signed-in pages check sign-in themselves).
No entry gate: anyone may come in."""

from django.urls import include, path

from merito.web.public.views import accounts, calls, home, peers

app_name = "public"

ACCOUNTS = [
    path("registro/", accounts.signup, name="signup"),
    path("registro/enviado/", accounts.signup_done, name="signup_done"),
    path("verificar/<str:token>/", accounts.verify_email, name="verify_email"),
    path("verificar-reenviar/", accounts.resend_verification, name="resend_verification"),
    path("ingresar/", accounts.login_view, name="login"),
    path("ingresar/codigo/", accounts.login_otp, name="login_otp"),
    path("salir/", accounts.logout_view, name="logout"),
    path("contrasena/olvido/", accounts.password_reset_request, name="password_reset"),
    path("contrasena/olvido/enviado/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "contrasena/restablecer/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "contrasena/restablecida/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("contrasena/cambiar/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "contrasena/cambiada/",
        accounts.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("seguridad/", accounts.security, name="security"),
    path("seguridad/codigos/", accounts.recovery_codes, name="recovery_codes"),
    path("correo/", accounts.email_change, name="email_change"),
    path("correo/confirmar/<str:token>/", accounts.email_confirm, name="email_confirm"),
]

CALLS = [
    path("", calls.call_list, name="list"),
    path("<str:code>/", calls.call_detail, name="detail"),
    path("<str:code>/vacantes.csv", calls.positions_csv, name="positions_csv"),
    path("<str:code>/documentos/<int:pk>/", calls.document_download, name="document"),
]

PEERS = [
    path("consulta/", peers.lookup, name="lookup"),
    path("cambio-de-correo/", peers.email_change, name="email_change"),
    path("reconocimiento/", peers.recognition, name="recognition"),
    path("activar/<uidb64>/<token>/", peers.ActivateView.as_view(), name="activate"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("registro-de-auditoria/", home.audit_heads, name="audit_heads"),
    path("registro-de-auditoria/cabeza.txt", home.audit_checkpoint, name="audit_checkpoint"),
    path("cuentas/", include((ACCOUNTS, "accounts"))),
    path("convocatorias/", include((CALLS, "calls"))),
    path("banco-de-pares/", include((PEERS, "peers"))),
]
