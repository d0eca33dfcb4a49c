from django import forms

from .models import ProgressUpdate, Status, StatusReport


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
