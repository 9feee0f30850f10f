"""The cheatsheet in a browser: found from the course page, two A4 pages on paper, and
no sideways scrolling on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

COURSE = "/courses/lenin/"
SHEET = "/courses/lenin/cheatsheet/"
PASSWORD = "a long enough password"


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF: its page objects (not the /Pages tree nodes)."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    if counts:  # the root of the page tree counts them too: the two must agree
        assert max(counts) == pages
    return pages


def sign_in(page: Page, base: str, django_user_model) -> None:
    django_user_model.objects.create_user("sheet@example.com", PASSWORD)
    page.goto(f"{base}/accounts/sign-in/?next={SHEET}")
    page.get_by_label("Email address").fill("sheet@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + SHEET)


def printed_pages(page: Page) -> int:
    """Print the page as Chromium does (print media, A4, no backgrounds); its pages."""
    page.emulate_media(media="print")
    try:
        return pdf_pages(page.pdf(format="A4", print_background=False))
    finally:
        page.emulate_media(media="screen")


def test_visitor_opens_the_cheatsheet_from_the_course_page(page: Page, sample_site):
    page.goto(sample_site + COURSE)
    page.get_by_role("link", name="Cheatsheet").click()
    expect(page).to_have_url(sample_site + SHEET)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Case study: Vladimir Lenin"
    )
    for part in ("Timeline", "Key figures", "Definitions", "People and their views"):
        expect(page.get_by_role("heading", level=2, name=part)).to_be_visible()
    panel = page.get_by_role(
        "region", name="Unlock the whole cheatsheet with a free account"
    )
    expect(panel).to_be_visible()
    expect(page.get_by_text("Robber peace")).to_have_count(0)
    pages = printed_pages(page)
    assert 1 <= pages <= 2
    page.get_by_role("link", name="Treaty of Brest-Litovsk").click()
    expect(page).to_have_url(re.compile(r"/courses/lenin/foreign-policy/#1-treaty-"))


def test_signed_in_cheatsheet_prints_on_two_a4_pages_at_most(
    page: Page, sample_site, django_user_model
):
    sign_in(page, sample_site, django_user_model)
    expect(page.get_by_text("Robber peace")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".breadcrumbs"):
        expect(page.locator(hidden)).to_be_hidden()
    columns = page.locator(".sheet-parts").evaluate(
        "el => getComputedStyle(el).columnCount"
    )
    assert columns == "2"
    pages = printed_pages(page)
    assert 1 <= pages <= 2


def test_the_unlock_panel_is_not_printed(page: Page, sample_site):
    page.goto(sample_site + SHEET)
    expect(page.locator(".sheet-gate")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".sheet-gate")).to_be_hidden()


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "signed in"])
def test_cheatsheet_fits_a_phone_without_sideways_scrolling(
    page: Page, sample_site, django_user_model, signed_in
):
    page.set_viewport_size({"width": 375, "height": 800})
    if signed_in:
        sign_in(page, sample_site, django_user_model)
    else:
        page.goto(sample_site + SHEET)
    expect(page.get_by_role("heading", level=2, name="Timeline")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375
    columns = page.locator(".sheet-parts").evaluate(
        "el => getComputedStyle(el).columnCount"
    )
    assert columns == "auto"  # one column
