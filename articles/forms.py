from django import forms
from django.utils.translation import gettext_lazy as _


class SecondFactorCodeForm(forms.Form):
    """One field for the code: six digits from the app, or a recovery code."""

    code = forms.CharField(
        label=_("الرمز"),
        max_length=32,
        strip=True,
        error_messages={"required": _("اكتب الرمز.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "dir": "ltr", "spellcheck": "false"}
        ),
    )
