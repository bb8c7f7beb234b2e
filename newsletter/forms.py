from django import forms
from django.utils.translation import gettext_lazy as _

from newsletter.models import Rhythm

# Stored with each subscriber as the text they agreed to; the signup box shows the same.
CONSENT_TEXT = _(
    "أوافق على أن يُستعمل بريدي الإلكتروني لإرسال القائمة البريدية وحدها، "
    "وفق إشعار حماية المعطيات الشخصية (القانون 09-08)."
)


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("بريدك الإلكتروني"),
        max_length=254,
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
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("اختر ملخصا يوميا أو أسبوعيا.")},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("لا يمكن الاشتراك دون الموافقة على إشعار حماية المعطيات الشخصية.")},
    )
    source = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def clean_rhythm(self):
        return self.cleaned_data.get("rhythm") or Rhythm.DAILY
