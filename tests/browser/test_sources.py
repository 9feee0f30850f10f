"""A learner follows a card's source link and lands on the marked paragraph."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

STUDY = "/study/lenin/foreign-policy/"


def test_a_cards_source_link_opens_the_chapter_at_its_marked_paragraph(
    page: Page, sample_site
):
    # the first free card that links to a paragraph (not a heading)
    for index in range(40):
        page.goto(f"{sample_site}{STUDY}?i={index}&show=1")
        link = page.get_by_role("link", name="Open the source")
        anchor = re.search(r"#(p\d+)$", link.get_attribute("href") or "")
        if anchor:
            break
    assert anchor, "no free card links to a paragraph"
    anchor = anchor.group(1)

    link.click()
    expect(page).to_have_url(re.compile(rf"/courses/lenin/foreign-policy/#{anchor}$"))
    target = page.locator(f"#{anchor}")
    expect(target).to_be_in_viewport()
    # :target marks it: an outline round the paragraph, and no other
    assert target.evaluate("el => el.matches(':target')")
    assert target.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    others = page.locator("[id^='p']").evaluate_all(
        "els => els.filter(e => getComputedStyle(e).outlineStyle === 'solid').length"
    )
    assert others == 1
