"""The newsroom's admin site: Django's, with a second sign-in step and the lockout page.

Installed as the default site (`articles.apps.NewsroomAdminConfig`), so `admin.site`
and every `@admin.register` stay as they are.
"""

from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from articles import mfa
from articles.forms import SecondFactorCodeForm


class NewsroomLoginView(LoginView):
    """The password step. An account with a second factor is left pending, not logged in."""

    def form_valid(self, form):
        user = form.get_user()
        if not mfa.second_factor_needed(user):
            return super().form_valid(form)
        mfa.pending_begin(self.request, user)
        step = "admin:second_factor" if mfa.has_second_factor(user) else "admin:second_factor_enrol"
        return redirect(_with_next(reverse(step), self.get_redirect_url()))


class NewsroomAdminSite(admin.AdminSite):
    site_header = "كواليس اليوم — غرفة التحرير"
    site_title = "غرفة التحرير"
    index_title = "إدارة الموقع"

    def has_permission(self, request):
        return mfa.newsroom_access_allowed(request)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        from django.contrib.admin.forms import AdminAuthenticationForm

        context = {
            **self.each_context(request),
            "title": gettext("تسجيل الدخول"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return NewsroomLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
        )(request)

    def get_urls(self):
        steps = [
            path("second-factor/", self._step(self.second_factor_view), name="second_factor"),
            path("second-factor/enrol/", self._step(self.enrol_view), name="second_factor_enrol"),
            path(
                "second-factor/recovery-codes/",
                self.admin_view(self.recovery_codes_view),
                name="second_factor_recovery_codes",
            ),
        ]
        return steps + super().get_urls()

    @staticmethod
    def _step(view):
        # The sign-in steps are reached before the session is an admin one: no admin_view.
        return sensitive_post_parameters("code")(csrf_protect(never_cache(view)))

    def _render(self, request, template, context, status=200):
        request.current_app = self.name
        return TemplateResponse(request, template, {**self.each_context(request), **context}, status=status)

    def second_factor_view(self, request):
        """The code step: six digits from the authenticator app, or one recovery code."""
        user = mfa.pending_user(request)
        if user is None:
            return redirect(_with_next(reverse("admin:login"), _next(request)))
        if not mfa.has_second_factor(user):
            return redirect(_with_next(reverse("admin:second_factor_enrol"), _next(request)))
        credentials = {"username": user.get_username()}
        form = SecondFactorCodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if AxesProxyHandler.is_locked(request, credentials):
                return lockout_response(request)
            # django-otp makes each wrong code double the wait before the next try.
            throttled = mfa.code_throttled(user=user)
            device = mfa.code_verify(user=user, code=form.cleaned_data["code"])
            if device is not None:
                mfa.pending_complete(request, user, device)
                return HttpResponseRedirect(_next(request))
            if throttled:
                form.add_error("code", gettext("محاولات خاطئة متتالية: انتظر قليلا ثم أعد المحاولة."))
            else:
                form.add_error("code", gettext("الرمز غير صحيح أو انتهت صلاحيته. اكتب الرمز الظاهر الآن في التطبيق."))
            # A wrong code counts against the account like a wrong password (django-axes).
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        context = {"title": gettext("التحقق بخطوتين"), "form": form, "next": _next(request), "pending": user}
        return self._render(request, "admin/second_factor/verify.html", context)

    def enrol_view(self, request):
        """Set up the authenticator app: QR code and key, a first code, then recovery codes once."""
        user = mfa.pending_user(request)
        signed_in = user is None and self.has_permission(request)
        if signed_in:
            user = request.user
        elif user is None:
            return redirect(_with_next(reverse("admin:login"), _next(request)))
        elif mfa.has_second_factor(user):
            # A pending sign-in with a device proves itself with a code first.
            return redirect(_with_next(reverse("admin:second_factor"), _next(request)))
        device = mfa.totp_device_for_enrolment(user=user)
        form = SecondFactorCodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            throttled = mfa.code_throttled(user=user)
            codes = mfa.totp_device_confirm(device=device, code=form.cleaned_data["code"])
            if codes is not None:
                device.refresh_from_db()
                if not signed_in:
                    mfa.pending_complete(request, user, device)
                else:
                    mfa.device_login(request, device)
                return self._recovery_codes(request, codes, _next(request))
            if throttled:
                form.add_error("code", gettext("محاولات خاطئة متتالية: انتظر قليلا ثم أعد المحاولة."))
            else:
                form.add_error("code", gettext("الرمز غير صحيح. تأكد من ساعة الهاتف واكتب الرمز الظاهر الآن."))
        context = {
            "title": gettext("تفعيل التحقق بخطوتين"),
            "form": form,
            "next": _next(request),
            "qr_svg": mfa.qr_svg(device),
            "secret": mfa.secret_text(device),
            "required": mfa.second_factor_required(user),
            "enrolling_user": user,
        }
        return self._render(request, "admin/second_factor/enrol.html", context)

    def recovery_codes_view(self, request):
        """New recovery codes for a signed-in account (the old ones stop working)."""
        if request.method != "POST":
            return redirect("admin:index")
        if not mfa.has_second_factor(request.user):
            raise PermissionDenied
        return self._recovery_codes(request, mfa.recovery_codes_issue(user=request.user), reverse("admin:index"))

    def _recovery_codes(self, request, codes, next_url):
        context = {"title": gettext("رموز الاسترداد"), "codes": codes, "next": next_url}
        return self._render(request, "admin/second_factor/recovery_codes.html", context)


def _next(request) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else url


def duration_text(delta: timedelta) -> str:
    """How long a lockout lasts, in Arabic plural forms: "ساعة واحدة", "ساعتان", "30 دقيقة"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d ساعة", "%(count)d ساعات", hours) % {"count": hours}
    return ngettext("%(count)d دقيقة", "%(count)d دقائق", minutes) % {"count": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout, as an admin page: for how long, and whom to ask (AXES_LOCKOUT_CALLABLE)."""
    site = admin.site
    request.current_app = site.name
    context = {
        **site.each_context(request),
        "title": gettext("الدخول موقوف مؤقتا"),
        "duration": duration_text(get_cool_off(request) or timedelta(hours=1)),
    }
    return TemplateResponse(request, "admin/lockout.html", context, status=429).render()
