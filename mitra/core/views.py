from django.shortcuts import render


def profile(request):
    """Show the signed-in user's role and the units they act for."""
    return render(
        request,
        "core/profile.html",
        {"units": request.user.units.select_related("parent")},
    )
