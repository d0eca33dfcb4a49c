"""The account page where a signed-in user creates and revokes their API tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from actions.readers import is_editor

from .models import ApiToken

# Enough for every script a person runs; a new one past this means revoking an old one.
MAX_TOKENS = 10


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = request.user.api_tokens.all()
    form = TokenForm(request.POST or None)
    context = {"tokens": tokens, "form": form, "editor": is_editor(request.user)}
    if request.method != "POST":
        return render(request, "api/tokens.html", context)
    if len(tokens) >= MAX_TOKENS:
        form.add_error(
            None,
            gettext("You have %(count)s tokens: revoke one before creating another.")
            % {"count": len(tokens)},
        )
    if not form.is_valid():
        return render(request, "api/tokens.html", context, status=422)
    record, token = ApiToken.issue(request.user, form.cleaned_data["name"])
    # Shown in this answer only (never stored, never in a redirect or a message). The list is
    # fetched again: the count above read it before the new token existed.
    context = {
        **context,
        "tokens": request.user.api_tokens.all(),
        "form": TokenForm(),
        "new_token": token,
        "new_record": record,
    }
    return render(request, "api/tokens.html", context, status=201)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    token.delete()
    messages.success(request, gettext("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api-tokens")
