"""A reader finds a chapter from the home page and reads it."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_reader_follows_home_to_a_chapter_and_sees_a_definition(
    page: Page, sample_site
):
    page.goto(sample_site + "/")
    page.get_by_role("link", name="Case study: Vladimir Lenin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Case study: Vladimir Lenin"
    )
    page.get_by_role(
        "link", name="Consolidation and Maintenance: Lenin's Foreign Policy"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Consolidation and Maintenance: Lenin's Foreign Policy"
    )
    definition = page.locator(".callout-definition").first
    expect(definition).to_be_visible()
    expect(definition.locator(".callout-label")).to_have_text("Definition")
    expect(definition.locator("dfn")).to_have_text("Consolidation")
    # The contents link to sections of the article.
    page.get_by_role("navigation", name="Contents").get_by_role("link").first.click()
    assert "#" in page.url


def test_chapter_reads_on_a_phone_without_sideways_scrolling(page: Page, sample_site):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(sample_site + "/courses/lenin/foreign-policy/")
    expect(page.locator(".callout-analogy")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
