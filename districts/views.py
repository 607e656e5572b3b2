from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import active_memberships


@login_required
def home(request):
    """The landing page: the roles the user holds and where each one works."""
    return render(request, "districts/home.html", {"memberships": active_memberships(request.user)})
