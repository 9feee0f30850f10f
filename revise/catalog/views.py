from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from revise.catalog import search as catalog_search
from revise.catalog import selectors
from revise.catalog.pagecache import visitor_page, visitor_page_cached
from revise.progress import selectors as progress_selectors
from revise.shells import shell_render
from revise.study import exams

# The home, course and chapter pages a visitor gets are kept in the shared page cache
# (revise/catalog/pagecache.py says why that is safe); a view marks with visitor_page()
# only the page it rendered with nothing locked and nothing of the viewer's own.


@require_safe
@visitor_page_cached
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        # A signed-in learner's home is their dashboard; the courses are at /courses/.
        return redirect("progress:dashboard")
    return _courses(request)


@require_safe
@visitor_page_cached
def course_list(request: HttpRequest) -> HttpResponse:
    """Every subject and its courses: the header's Courses, for everyone."""
    return _courses(request)


def _courses(request: HttpRequest) -> HttpResponse:
    response = render(
        request, "catalog/home.html", {"subjects": selectors.subject_list()}
    )
    return response if request.user.is_authenticated else visitor_page(response)


@require_safe
@visitor_page_cached
def course_detail(request: HttpRequest, course_slug: str) -> HttpResponse:
    course = selectors.course_page_get(slug=course_slug)
    mine, rows = progress_selectors.course_rows_get(learner=request.user, course=course)
    exam = plan = None
    if mine is not None:  # a signed-in learner: their exam too (a visitor: nothing)
        exam = exams.exam_get(learner=request.user, course=course)
        if exam is not None:
            plan = exams.exam_plan_get(
                learner=request.user, course=course, now=timezone.now(), exam=exam
            )
    response = render(
        request,
        "catalog/course_detail.html",
        {"course": course, "mine": mine, "rows": rows, "exam": exam, "plan": plan},
    )
    return visitor_page(response) if mine is None else response


@require_safe
@visitor_page_cached
def chapter_detail(
    request: HttpRequest, course_slug: str, chapter_slug: str
) -> HttpResponse:
    page = selectors.chapter_get(
        course_slug=course_slug, chapter_slug=chapter_slug, viewer=request.user
    )
    mine = due_now = None
    if request.user.is_authenticated:  # with the header's due count, one statement
        mine, due_now = progress_selectors.chapter_page_progress(
            learner=request.user, chapter=page.chapter, now=timezone.now()
        )
    # What a chapter page shows depends on who asks: PrivateByDefaultMiddleware keeps it
    # out of shared caches (the page cache keeps only the visitor's page). All but the
    # viewer's own parts is rendered once per version and access (revise/shells.py).
    response = shell_render(
        request,
        "catalog/chapter_detail.html",
        key=(page.version, page.unlocked),
        # Made with the shell, once: the holes' link and script, the same for everyone.
        shared=lambda: {
            "page": page,
            "read_url": reverse(
                "progress:chapter-read", args=[page.course.slug, page.chapter.slug]
            ),
            "progress_js": static("revise/progress.js"),
        },
        own={"mine": mine, "header_due": due_now},
    )
    if mine is None and page.locked_html is None:
        return visitor_page(response)
    return response


@require_safe
def cheatsheet(request: HttpRequest, course_slug: str) -> HttpResponse:
    sheet = selectors.cheatsheet_get(course_slug=course_slug, viewer=request.user)
    # Like a chapter page, it depends on who asks: kept out of shared caches.
    return render(request, "catalog/cheatsheet.html", {"sheet": sheet})


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    results = catalog_search.search(request.GET.get("q", ""), viewer=request.user)
    # Results depend on who asks (locked documents): kept out of shared caches.
    return render(request, "catalog/search.html", {"results": results})
