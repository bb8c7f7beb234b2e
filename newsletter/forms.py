from django import forms
from django.utils.translation import gettext_lazy as _

from newsletter.models import Rhythm

# Stored with each subscriber as the text they agreed to; the signup box shows the same.
CONSENT_TEXT = _(
    "أوافق على أن يُستعمل بريدي الإلكتروني لإرسال القائمة البريدية وحدها، "
    "وفق إشعار حماية المعطيات الشخصية (القانون 09-08)."
)


class RhythmSelect(forms.RadioSelect):
    def value_from_datadict(self, data, files, name):
        # A form sent without a choice is the daily digest: shown checked again, and cleaned so.
        return super().value_from_datadict(data, files, name) or Rhythm.DAILY


class SubscribeForm(forms.Form):
    """The signup box at the foot of every page and on the subscribe page: one source for its words."""

    email = forms.EmailField(
        label=_("بريدك الإلكتروني"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr", "placeholder": "name@example.ma"}),
        error_messages={
            "required": _("اكتب بريدك الإلكتروني للاشتراك."),
            "invalid": _("هذا العنوان لا يبدو بريدا إلكترونيا صحيحا، مثل: name@example.ma"),
            "max_length": _("هذا العنوان أطول من اللازم."),
        },
    )
    rhythm = forms.ChoiceField(
        label=_("متى تصلك الرسائل؟"),
        choices=Rhythm.choices,
        initial=Rhythm.DAILY,
        required=False,
        widget=RhythmSelect,
        error_messages={"invalid_choice": _("اختر ملخصا يوميا أو أسبوعيا.")},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("لا يمكن الاشتراك دون الموافقة على إشعار حماية المعطيات الشخصية.")},
    )
    source = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # The box's ids are the page's landmarks (labels, error descriptions): one prefix for all.
        kwargs.setdefault("auto_id", "newsletter-%s")
        super().__init__(*args, **kwargs)

    def clean_rhythm(self):
        return self.cleaned_data.get("rhythm") or Rhythm.DAILY
