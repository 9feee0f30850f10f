"""Every page fits a phone: nothing makes the page scroll sideways at 320 pixels wide.

A table wider than the screen scrolls inside its own box (``.table-scroll``), the
header's search box narrows, the deck's counts and the rating buttons wrap.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_study import PASSWORD, sign_in

PAGES = [
    "/",
    "/courses/lenin/",
    "/courses/lenin/rise-to-power/",
    "/courses/lenin/cheatsheet/",
    "/decks/lenin/",
    "/decks/lenin/rise-to-power/",
    "/study/lenin/rise-to-power/?show=1",
    "/lessons/lenin/rise-to-power/",
    "/self-review/lenin/rise-to-power/",
    "/search/?q=Trotsky",
    "/exams/lenin/",
    "/settings/study/",
    "/accounts/",
]


@pytest.mark.parametrize("width", [320, 375])
def test_no_page_scrolls_sideways_on_a_phone(
    browser: Browser, sample_site, django_user_model, width
):
    django_user_model.objects.create_user("phone@example.com", PASSWORD)
    context = browser.new_context(
        viewport={"width": width, "height": 700}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    sign_in(page, sample_site, "phone@example.com")
    # one answer, so the dashboard has its tables and the deck a learning card
    page.goto(sample_site + "/study/lenin/rise-to-power/?show=1")
    page.locator('button[data-rating="3"]').click()
    expect(page.locator("[data-study]")).to_be_visible()
    wide = {}
    for path in PAGES:
        response = page.goto(sample_site + path)
        assert response.status == 200, path
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            wide[path] = scroll
    context.close()
    assert wide == {}
