from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from revise.accounts import services, throttle
from revise.accounts.backends import BACKEND
from revise.accounts.forms import AccountDeleteForm, SignInForm, SignupForm

NEXT_MAX_LENGTH = 500  # PendingSignup.next_url keeps no more


def safe_next(request: HttpRequest, url: str | None) -> str:
    """``url`` if it is a path into this site (and of sane length), else the home page.

    Only a path will do: ``redirect()`` would read any other word as a view name (a 500
    when it names none), and a bare ``//`` is a scheme-relative address.
    """
    if (
        url
        and len(url) <= NEXT_MAX_LENGTH
        and url.startswith("/")
        and not url.startswith("//")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return reverse("catalog:home")


def _origin(request: HttpRequest) -> str:
    """``scheme://host`` of this request, for links in emails sent later by the worker."""
    return f"{request.scheme}://{request.get_host()}"


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(
            email=form.cleaned_data["email"],
            domain=request.get_host(),
            use_https=request.is_secure(),
        )
        return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("catalog:home")
    post_reset_login = True
    post_reset_login_backend = BACKEND

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # Whoever set a new password by the emailed link holds the mailbox: the account's
        # wrong-password count is wiped everywhere, and any pause on it ends.
        throttle.failures_clear(email=form.user.email)
        messages.success(
            self.request, "Your new password is set, and you are signed in."
        )
        return response


class SignInView(LoginView):
    form_class = SignInForm
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()
        return url if url and safe_next(self.request, url) == url else ""

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        warning = throttle.last_attempt_warning(self.request)
        if warning:
            form.add_error(None, warning)
        return super().form_invalid(form)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    next_url = safe_next(request, next_url) if next_url else ""
    if request.user.is_authenticated:
        return redirect(next_url or "catalog:home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.signup_request(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            next_url=next_url,
            origin=_origin(request),
        )
        request.session["signup_email"] = form.cleaned_data["email"]
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def signup_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get("signup_email", "")
    return render(request, "accounts/signup_sent.html", {"email": email})


@require_http_methods(["GET", "HEAD", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        # A GET changes nothing: mail scanners that open links must not use them up.
        pending = services.signup_pending_get(token=token)
        status = 200 if pending else 400
        return render(
            request, "accounts/signup_confirm.html", {"pending": pending}, status=status
        )
    result = services.signup_confirm(token=token)
    if result is None:
        return render(
            request, "accounts/signup_confirm.html", {"pending": None}, status=400
        )
    next_url = safe_next(request, result.next_url)
    if result.user is None:
        messages.info(request, "You already have an account: sign in to continue.")
        return redirect(services.path_with_next("accounts:sign_in", next_url))
    login(request, result.user, backend=BACKEND)
    messages.success(request, "Welcome to Revise: your account is ready.")
    return redirect(next_url)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html")


@login_required
@sensitive_post_parameters("password")
@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(
            request, "Your account and everything in it have been deleted."
        )
        return redirect("catalog:home")
    return render(request, "accounts/account_delete.html", {"form": form})
