import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from articles.audit import Action, audit_record
from newsletter import services
from newsletter.emails import DigestMail
from newsletter.models import Dispatch, Rhythm, Subscriber

CSV_COLUMNS = [
    ("email", _("البريد الإلكتروني")),
    ("get_status_display", _("الحالة")),
    ("get_rhythm_display", _("الإيقاع")),
    ("created_at", _("تاريخ التسجيل")),
    ("confirmed_at", _("تاريخ التأكيد")),
    ("consent_at", _("تاريخ الموافقة")),
    ("consent_text", _("نص الموافقة")),
    ("source_page", _("صفحة الاشتراك")),
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(subscriber, attribute):
    value = getattr(subscriber, attribute)
    if callable(value):
        value = value()
    if hasattr(value, "isoformat"):
        value = timezone.localtime(value).isoformat(timespec="seconds")
    text = "" if value is None else str(value)
    # A spreadsheet runs a cell that starts like a formula ("=HYPERLINK(...)" typed into
    # the signup form): an apostrophe makes it plain text again.
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "status", "rhythm", "created_at", "confirmed_at"]
    list_filter = ["status", "rhythm"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    actions = ["export_csv"]
    fields = [
        "email",
        "status",
        "rhythm",
        "consent_at",
        "consent_text",
        "source_page",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "bounced_at",
        "bounce_reason",
    ]
    # Status moves only through the reader's own links, bounces and complaints: an editor
    # who could set "confirmed" could mail someone who never confirmed. Erasing is delete.
    readonly_fields = [name for name in fields if name != "rhythm"]

    def has_add_permission(self, request):
        # A subscriber exists only by their own confirmed consent, never typed in by hand.
        return False

    @admin.action(description=_("تصدير المشتركين المحددين (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        response.write("\ufeff")  # lets spreadsheet programs read the Arabic as UTF-8
        writer = csv.writer(response)
        writer.writerow([str(label) for _attr, label in CSV_COLUMNS])
        count = 0
        for subscriber in queryset.order_by("pk").iterator(chunk_size=2000):
            writer.writerow([_csv_value(subscriber, attribute) for attribute, _label in CSV_COLUMNS])
            count += 1
        detail = ngettext("%(count)d مشترك", "%(count)d مشتركين", count) % {"count": count}
        audit_record(actor=request.user, action=Action.SUBSCRIBERS_EXPORTED, target=gettext("المشتركون"), detail=detail)
        return response


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ["subject", "rhythm", "status", "progress", "created_at"]
    list_filter = ["status", "rhythm"]
    fields = [
        "subject",
        "heading",
        "rhythm",
        "status",
        "progress",
        "period_start",
        "period_end",
        "articles",
        "created_by",
        "created_at",
        "queued_at",
        "finished_at",
    ]
    readonly_fields = fields
    change_form_template = "admin/newsletter/dispatch/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()

    @admin.display(description=_("التقدم (أُرسلت / فشلت / في الانتظار)"))
    def progress(self, dispatch):
        return gettext("%(sent)d أُرسلت · %(failed)d فشلت · %(waiting)d في الانتظار") % {
            "sent": dispatch.sent_count,
            "failed": dispatch.failed_count,
            "waiting": dispatch.waiting_count,
        }

    def has_delete_permission(self, request, obj=None):
        # A dispatch that went out is the record of what was sent: only drafts go.
        if obj is not None and obj.status != Dispatch.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="newsletter_dispatch_preview"),
            path("<int:pk>/send-test/", wrap(require_POST(self.send_test_view)), name="newsletter_dispatch_send_test"),
            path("<int:pk>/send/", wrap(self.send_view), name="newsletter_dispatch_send"),
        ] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        """Prepare the due digest of a rhythm: the articles since the last one of that rhythm."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("rhythm") in Rhythm.values:
            dispatch = services.dispatch_prepare(rhythm=request.POST["rhythm"], user=request.user)
            if dispatch is None:
                messages.warning(request, gettext("لا جديد: لم يُنشر أي مقال منذ آخر نشرة بهذا الإيقاع."))
                return redirect("admin:newsletter_dispatch_changelist")
            messages.success(request, gettext("أُعدّت النشرة. عاينها وجرّبها قبل الإرسال."))
            return redirect("admin:newsletter_dispatch_change", dispatch.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("إعداد نشرة"),
            "rhythms": Rhythm.choices,
        }
        return TemplateResponse(request, "admin/newsletter/dispatch/prepare.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_send": request.user.has_perm("newsletter.send_dispatch")}
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, pk):
        dispatch = self._dispatch(request, pk)
        response = HttpResponse(DigestMail(dispatch).preview_html())
        # The preview is shown in a frame on the dispatch page, from this site only.
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def send_test_view(self, request, pk):
        dispatch = self._dispatch(request, pk, send=True)
        if not request.user.email:
            messages.error(request, gettext("لا بريد إلكتروني في حسابك: أضفه أولا لتصلك التجربة."))
        else:
            services.dispatch_send_test(dispatch=dispatch, email=request.user.email)
            messages.success(request, gettext("أُرسلت نسخة تجريبية إلى %(email)s.") % {"email": request.user.email})
        return redirect("admin:newsletter_dispatch_change", dispatch.pk)

    def send_view(self, request, pk):
        """GET: the confirmation page, with how many readers will get the dispatch; POST: send."""
        dispatch = self._dispatch(request, pk, send=True)
        if request.method != "POST":
            if not dispatch.is_draft:
                return redirect("admin:newsletter_dispatch_change", dispatch.pk)
            count = Subscriber.objects.receiving(dispatch.rhythm).count()
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": dispatch,
                "title": gettext("تأكيد إرسال النشرة"),
                "audience": ngettext("%(count)d مشترك", "%(count)d مشتركين", count) % {"count": count},
                "count": count,
            }
            return TemplateResponse(request, "admin/newsletter/dispatch/send_confirmation.html", context)
        if services.dispatch_send(dispatch=dispatch):
            audit_record(actor=request.user, action=Action.NEWSLETTER_SENT, target=dispatch)
            messages.success(request, gettext("بدأ إرسال النشرة في الخلفية. تابع التقدم في هذه الصفحة."))
        elif dispatch.status == Dispatch.Status.SENDING:
            services.dispatch_enqueue(dispatch_id=dispatch.pk)
            messages.info(request, gettext("النشرة قيد الإرسال؛ طُلب استئناف ما تبقى منها."))
        else:
            messages.warning(request, gettext("أُرسلت هذه النشرة من قبل، ولن تُرسل مرة ثانية."))
        return redirect("admin:newsletter_dispatch_change", dispatch.pk)

    def _dispatch(self, request, pk, *, send=False):
        dispatch = get_object_or_404(Dispatch, pk=pk)
        if not self.has_view_permission(request, dispatch):
            raise PermissionDenied
        if send and not request.user.has_perm("newsletter.send_dispatch"):
            raise PermissionDenied
        return dispatch
