from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from revise.accounts.access import can_read_locked
from revise.accounts.views import safe_next
from revise.shells import shell_render
from revise.study import anki, fitting, selectors, services
from revise.study.forms import AnswerForm, LearnerSettingsForm
from revise.study.models import Card
from revise.study.scheduling import LEECH_LAPSES, Rating

MAX_DURATION_MS = 10 * 60 * 1000
UNREADABLE = "That answer could not be read; please answer again."
# What a learner is told when their answer is not recorded, by the service's reason.
REFUSALS = {
    services.UNREADABLE: (messages.ERROR, UNREADABLE),
    services.REPEATED: (
        messages.INFO,
        "That answer was already recorded; here is the next card.",
    ),
    services.ANSWERED_ELSEWHERE: (
        messages.INFO,
        "This card was already answered in another tab or window; "
        "here is the next card.",
    ),
}


def _deck(course_slug: str, chapter_slug: str | None) -> selectors.Deck:
    return selectors.deck_get(course_slug=course_slug, chapter_slug=chapter_slug)


@require_safe
def deck_detail(
    request: HttpRequest, course_slug: str, chapter_slug: str | None = None
) -> HttpResponse:
    deck = _deck(course_slug, chapter_slug)
    cards = selectors.deck_card_list(
        deck=deck, learner=request.user, page=request.GET.get("page", 1)
    )
    counts = None
    if request.user.is_authenticated:
        counts = selectors.deck_counts(
            deck=deck, learner=request.user, now=timezone.now()
        )
    # The deck, its links and which page of cards: the same for every viewer with the
    # same access, rendered once per import (revise/shells.py); the rows' states and
    # the counts are the viewer's own.
    return shell_render(
        request,
        "study/deck_detail.html",
        key=cards.shared_key,
        shared={
            "deck": deck,
            "deck_links": selectors.deck_links(deck=deck),
            "card_page": cards.page,
        },
        own={
            "cards": cards,
            "counts": counts,
            "header_due": counts.due_now if counts else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def study(
    request: HttpRequest, course_slug: str, chapter_slug: str | None = None
) -> HttpResponse:
    deck = _deck(course_slug, chapter_slug)
    if not request.user.is_authenticated:
        if request.method == "POST":
            query = urlencode({"next": request.path})
            return redirect(f"{reverse('accounts:sign_in')}?{query}")
        return _try_free_cards(request, deck)
    if request.method == "POST":
        return _study_post(request, deck)
    return _session_page(request, deck)


def _session_page(request: HttpRequest, deck: selectors.Deck) -> HttpResponse:
    """The study page: the next card, today's counts, and undo."""
    now = timezone.now()
    today, item = selectors.study_start(deck=deck, learner=request.user, now=now)
    counts = selectors.study_counts(
        deck=deck, learner=request.user, now=now, today=today, due_now=True
    )
    context = {
        "deck": deck,
        "item": item,
        # ?show=1 is the answer link without JavaScript; an answer's reply starts hidden.
        "show": request.method != "POST" and request.GET.get("show") == "1",
        "shown_at": int(now.timestamp() * 1000),
        "counts": counts,
        "header_due": counts.due_now,  # the header's, read with the counts
        "undoable": selectors.last_review_undoable(
            learner=request.user, today=today, deck=deck
        ),
    }
    return render(request, "study/session.html", context)


# study.js sends answers with this header and shows the page it gets back: the next card
# in one round trip. A plain form (no JavaScript) gets a redirect to the study page, so a
# reload never sends the answer again.
NEXT_CARD_HEADER = "X-Revise-Next"


def _after_post(request: HttpRequest, deck: selectors.Deck) -> HttpResponse:
    if request.headers.get(NEXT_CARD_HEADER) == "card":
        return _session_page(request, deck)
    return redirect(request.path)


def _study_post(request: HttpRequest, deck: selectors.Deck) -> HttpResponse:
    now = timezone.now()
    if request.POST.get("action") == "undo":
        undone = services.review_undo(learner=request.user, now=now, deck=deck)
        messages.info(
            request,
            "Undone: that card is back."
            if undone
            else "There is nothing to undo on this deck.",
        )
        return _after_post(request, deck)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, UNREADABLE)
        return _after_post(request, deck)
    card = selectors.deck_card_get(
        deck=deck, learner=request.user, card_id=form.cleaned_data["card"]
    )
    if card is None:
        raise Http404("No such card in this deck")
    shown_at = form.cleaned_data.get("shown_at")
    duration = None
    if shown_at:
        duration = min(max(0, int(now.timestamp() * 1000) - shown_at), MAX_DURATION_MS)
    outcome = services.card_review_record(
        learner=request.user,
        card=card,
        rating=form.cleaned_data["rating"],
        token=form.cleaned_data["token"],
        now=now,
        duration_ms=duration,
        page=form.cleaned_data["page"],
    )
    if not outcome.recorded:
        messages.add_message(request, *REFUSALS[outcome.reason])
    elif outcome.became_leech:
        messages.warning(
            request,
            f"Leech: you have forgotten “{card.front_text}” {LEECH_LAPSES} times. "
            "Reread its source, rewrite it in your own words, or suspend it from the "
            "deck page.",
        )
    return _after_post(request, deck)


def _try_free_cards(request: HttpRequest, deck: selectors.Deck) -> HttpResponse:
    try:
        index = max(0, int(request.GET.get("i", "0")))
    except ValueError:
        index = 0
    card, total = selectors.free_card_at(deck=deck, viewer=request.user, index=index)
    context = {
        "deck": deck,
        "card": card,
        "index": index,
        "next_index": index + 1,
        "total": total,
        "show": request.GET.get("show") == "1",
        "ratings": list(Rating),
    }
    return render(request, "study/try.html", context)


@login_required
@require_POST
def card_suspension(request: HttpRequest, card_id: int, action: str) -> HttpResponse:
    card = Card.objects.filter(pk=card_id, retired_at__isnull=True).first()
    if card is None or (card.locked and not can_read_locked(request.user)):
        raise Http404("No such card")
    if action == "suspend":
        services.card_suspend(learner=request.user, card=card, now=timezone.now())
        messages.info(
            request,
            "Card suspended: it stays out of your reviews until you bring it back.",
        )
    else:
        services.card_unsuspend(learner=request.user, card=card)
        messages.info(request, "Card brought back into your reviews.")
    return HttpResponseRedirect(_back_to(request, card))


def _back_to(request: HttpRequest, card: Card) -> str:
    """Where a card form returns: its ``next`` path on this site, else the card's deck.

    Only a path is taken: ``redirect()`` would read a bare word as a view name and fail,
    and "//" alone would be a link to no host.
    """
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return safe_next(request, target)
    return reverse("study:deck", args=[card.course.slug, card.chapter.slug])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings_edit(request: HttpRequest) -> HttpResponse:
    prefs = selectors.learner_settings_get(learner=request.user)
    form = LearnerSettingsForm(request.POST or None, instance=prefs)
    if request.method == "POST" and form.is_valid():
        services.learner_settings_update(
            learner=request.user,
            **{
                name: form.cleaned_data[name]
                for name in LearnerSettingsForm.Meta.fields
            },
        )
        messages.success(request, "Study settings saved.")
        return redirect("study:settings")
    fit = prefs.last_fit if prefs.pk and prefs.last_fit_id else None
    in_force = prefs.parameters if prefs.pk and prefs.parameters_id else None
    return render(
        request,
        "study/settings.html",
        {
            "form": form,
            "fit": fit,
            "in_force": in_force,
            "min_reviews": fitting.MIN_REVIEWS,
        },
    )


@require_safe
def deck_export(
    request: HttpRequest, course_slug: str, chapter_slug: str | None = None
) -> HttpResponse:
    """The deck as an Anki package: free cards only, unless the viewer may read locked ones."""
    deck = _deck(course_slug, chapter_slug)
    export = anki.deck_export(
        course=deck.course,
        chapter=deck.chapter,
        viewer=request.user,
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(export.content, content_type="application/apkg")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
