"""Revise with one view more, for ``bench/http_bench.py --pages signed-in-floor``: a
signed-in request that reads its session and account and answers the account's key,
through all of Revise's middleware. What every signed-in page costs before its own work,
measured beside the bare view like the pages. Never part of Revise itself."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from revise.wsgi import application  # sets Django up

__all__ = ["application"]

FLOOR_PATH = "/bench/signed-in-floor/"


def signed_in_floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(request.user.pk), content_type="text/plain")


def _add_view() -> None:
    from revise import urls  # after the setup: it imports the apps' views

    # Before any request, so the URL resolver is built with it.
    urls.urlpatterns.append(path(FLOOR_PATH.lstrip("/"), signed_in_floor))


_add_view()
