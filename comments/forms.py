import re
import secrets

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from articles.text import INVISIBLE_CHARACTERS
from comments.models import Comment

STARTED_SALT = "comments.form-started"
NAME_MAX_LENGTH = 80

CONSENT_TEXT = _(
    "أوافق على أن يحفظ الموقع اسمي وبريدي الإلكتروني وتعليقي لنشره بعد المراجعة، وفق القانون 09-08 "
    "المتعلق بحماية الأشخاص الذاتيين تجاه معالجة المعطيات ذات الطابع الشخصي. لا يُحفظ عنوان IP "
    "الخاص بي، ويمكنني طلب حذف تعليقي."
)

# Bidi controls and zero-width characters (the table search folds away) can reorder or
# hide what a reader sees; the other C0/C1 control characters (but tab and newline) have
# no place in a comment either.
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_reader_text(text: str) -> str:
    """Reader input without invisible or direction-changing characters, with Unix line ends."""
    return _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


# Where a "started" value comes from. A page value is rendered into the article page,
# which a cache shares between readers: it is checked for its age only. A typed value
# is fetched by site.js when the reader starts typing (comments:started): one per
# reader, good for one comment. Readers without JavaScript post the page value.
PAGE, TYPED = "p", "t"


# Stands for the "started" value in HTML kept for every reader (comments.templatetags):
# unguessable, so no text a reader typed (a name being replied to) can contain it.
STARTED_MARK = secrets.token_hex(16)


def sign_started(at=None, *, kind: str = PAGE) -> str:
    """The hidden "form shown at" value: a signed timestamp, a nonce and its kind, which the reader cannot forge."""
    return signing.dumps([(at or timezone.now()).timestamp(), secrets.token_urlsafe(12), kind], salt=STARTED_SALT)


def _read_started(started: str) -> tuple[float, str, str] | None:
    """(seconds since the value was made, its nonce, its kind); None if it was forged or is missing."""
    try:
        shown_at, nonce, *kind = signing.loads(started, salt=STARTED_SALT)
        return timezone.now().timestamp() - float(shown_at), str(nonce), str(kind[0]) if kind else PAGE
    except (signing.BadSignature, TypeError, ValueError):
        return None


def seconds_since(started: str) -> float | None:
    """Seconds since a `sign_started` value was made; None if it was forged or is missing."""
    read = _read_started(started)
    return read[0] if read else None


def started_claim(started: str) -> bool:
    """Accept a form's value: a typed one the first time only, a page one (shared by a cache) always."""
    read = _read_started(started)
    if read is None:
        return False
    if read[2] != TYPED:
        return True
    # Kept a little longer than the value is valid, so a replay can never find it gone.
    return cache.add(f"comments:form-used:{read[1]}", 1, timeout=settings.COMMENTS_FORM_MAX_AGE + 3600)


class ReaderTextField(forms.CharField):
    """A CharField that drops invisible characters before checking it is not empty."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_reader_text(value).strip() if value else value


class CommentForm(forms.Form):
    name = ReaderTextField(
        label=_("الاسم"),
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": _("اكتب اسمك."),
            "max_length": ngettext_lazy(
                "الاسم طويل جدا (حرف واحد على الأكثر).",
                "الاسم طويل جدا (%(limit_value)d حرفا على الأكثر).",
                "limit_value",
            ),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("البريد الإلكتروني"),
        max_length=254,
        help_text=_("لن يُنشر بريدك."),
        error_messages={
            "required": _("اكتب بريدك الإلكتروني."),
            "invalid": _("هذا العنوان ليس بريدا إلكترونيا صحيحا."),
            "max_length": _("عنوان البريد طويل جدا."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
    body = ReaderTextField(
        label=_("تعليقك"),
        max_length=settings.COMMENTS_MAX_LENGTH,
        error_messages={
            "required": _("اكتب تعليقك."),
            "max_length": ngettext_lazy(
                "التعليق طويل جدا: حرف واحد، والحد %(limit_value)d حرف.",
                "التعليق طويل جدا: %(show_value)d حرفا، والحد %(limit_value)d حرف.",
                "show_value",
            ),
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("لا يمكن نشر تعليقك دون موافقتك على معالجة معطياتك.")},
    )
    notify_replies = forms.BooleanField(label=_("أعلمني بالبريد حين يُنشر تعليقي أو يردّ عليه أحد"), required=False)
    parent = forms.IntegerField(
        required=False,
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "invalid": _("التعليق الذي تردّ عليه غير موجود؛ يمكنك نشر تعليقك تعليقا مستقلا."),
            "min_value": _("التعليق الذي تردّ عليه غير موجود؛ يمكنك نشر تعليقك تعليقا مستقلا."),
        },
    )
    # Two bot traps. "website" is hidden from people by CSS and from assistive
    # technology by aria-hidden; "started" tells how long the form was open.
    website = forms.CharField(required=False, label=_("اترك هذا الحقل فارغا"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        if not self.is_bound:
            self.initial.setdefault("started", sign_started())
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["body"].widget.attrs["maxlength"] = settings.COMMENTS_MAX_LENGTH

    def clean_parent(self) -> Comment | None:
        """The approved comment of this article being answered, if any."""
        pk = self.cleaned_data.get("parent")
        if not pk:
            return None
        parent = Comment.objects.approved().filter(article=self.article, pk=pk).first()
        if parent is None:
            raise ValidationError(self.fields["parent"].error_messages["invalid"], code="invalid")
        return parent

    def looks_like_a_bot(self) -> bool:
        """True when the honeypot is filled or the form came back too fast (or with a forged time)."""
        if self.data.get("website"):
            return True
        elapsed = seconds_since(self.data.get("started") or "")
        return elapsed is None or elapsed < settings.COMMENTS_MIN_FILL_SECONDS

    def clean(self):
        cleaned = super().clean()
        elapsed = seconds_since(self.data.get("started") or "")
        if elapsed is not None and elapsed > settings.COMMENTS_FORM_MAX_AGE:
            # A reader who left the page open for long is no bot: they send it once more,
            # with everything they typed, under a fresh value.
            self.data = self.data.copy()
            self.data["started"] = sign_started()
            raise ValidationError(_("انتهت مهلة هذه الصفحة. راجع تعليقك ثم أرسله مرة أخرى."), code="form_expired")
        return cleaned
