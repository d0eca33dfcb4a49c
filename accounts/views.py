from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from .forms import ProfileForm
from .models import Profile


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE), in the site layout."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_hours": int(settings.AXES_COOLOFF_TIME.total_seconds() // 3600),
    }
    return render(request, "registration/locked_out.html", context, status=429)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """The signed-in user's preferences: the language the tracker writes to them in."""
    profile = Profile.objects.filter(user=request.user).first() or Profile(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, gettext("Your preferences are saved."))
        return redirect("account_preferences")
    return render(request, "account/preferences.html", {"form": form})
