import re

from django import forms

from .models import GoverningBodySession, ProgressUpdate, Status, StatusReport


class StatusReportForm(forms.ModelForm):
    """An editor's change to an item's status for the reporting session, with its reason."""

    reason = forms.CharField(
        max_length=300,
        required=False,
        help_text="Why the status changes. Required when it does; kept in the history.",
    )
    note = forms.CharField(
        label="Progress note",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Added to the item's progress updates.",
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = StatusReport
        fields = ["status", "wording"]
        labels = {"wording": "Wording for the document"}
        help_texts = {
            "wording": "As the Appendix will print it. Left unchanged, a new status uses its "
            "own name."
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Status.choices
        # Focus lands on the first control when the form replaces the row's Status cell.
        self.fields["status"].widget.attrs["autofocus"] = True
        self.fields["wording"].required = False
        if not self.is_bound:
            self.initial["version"] = self.instance.version if self.instance.pk else 0

    def clean(self) -> dict:
        data = super().clean()
        status = data.get("status")
        changed = status and status != self.instance.status
        if changed and not data.get("reason", "").strip():
            self.add_error("reason", "Say briefly why the status changes.")
        if status and (
            not data.get("wording") or (changed and data["wording"] == self.instance.wording)
        ):
            data["wording"] = Status(status).label
        return data


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["date", "narrative", "evidence_url", "session"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "narrative": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"date": "Format: YYYY-MM-DD.", "evidence_url": "Optional: https://…"}


class SessionForm(forms.ModelForm):
    """Open the next reporting session, to which editors then write statuses."""

    class Meta:
        model = GoverningBodySession
        fields = ["code", "held_in", "period", "document_symbol", "document_title"]
        labels = {"held_in": "Month of the session"}
        widgets = {"held_in": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "code": "GB. and the session's number, e.g. GB.341.",
            "held_in": "Any day of the month (YYYY-MM-DD); it orders the sessions.",
            "period": "As the session's documents say it, e.g. March 2021.",
        }

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"GB\.\d{3}", code):
            raise forms.ValidationError("Write the code as GB. and three digits, e.g. GB.341.")
        return code

    def clean_held_in(self):
        held_in = self.cleaned_data["held_in"]
        latest = GoverningBodySession.objects.order_by("-held_in").first()
        if latest and held_in <= latest.held_in:
            raise forms.ValidationError(
                f"A new session comes after the latest one, {latest.code} ({latest.period})."
            )
        return held_in.replace(day=1)

    def clean(self) -> dict:
        data = super().clean()
        draft = GoverningBodySession.objects.reporting()
        if draft is not None:
            raise forms.ValidationError(
                f"{draft.code} is still open as a draft: publish it before opening another."
            )
        return data


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        required=False,
        label="Publish despite the warnings above",
    )
