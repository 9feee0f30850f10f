"""Search in a browser: from the header box on the home page to the section itself."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

SECTION = "/courses/lenin/foreign-policy/#4-treaty-of-rapallo-1922"


def test_search_rapallo_from_the_home_page_and_land_on_the_section(
    page: Page, sample_site: str
):
    page.goto(sample_site + "/")
    box = page.get_by_role("search").get_by_label("Search")
    box.fill("Rapallo")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Rapallo$"))
    expect(page.get_by_role("heading", name="Search")).to_be_visible()
    result = page.locator(".search-hit-section").first
    expect(result.locator("mark").first).to_have_text("Rapallo")
    result.get_by_role("link").click()
    expect(page).to_have_url(sample_site + SECTION)
    heading = page.locator('[id="4-treaty-of-rapallo-1922"]')
    expect(heading).to_have_text(re.compile("Treaty of Rapallo"))
    expect(heading).to_be_in_viewport()


def test_a_misspelt_search_offers_the_right_spelling(page: Page, sample_site: str):
    page.goto(sample_site + "/search/?q=Rapalo")
    expect(page.get_by_text("Did you mean")).to_be_visible()
    page.get_by_role("link", name="Rapallo", exact=True).click()
    expect(page).to_have_url(re.compile(r"/search/\?q=Rapallo$"))
    expect(page.locator(".search-hit").first).to_be_visible()


def test_search_page_fits_a_phone(page: Page, sample_site: str):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(sample_site + "/search/?q=Lenin")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
