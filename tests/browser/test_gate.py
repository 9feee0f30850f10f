"""An anonymous reader meets the gate, signs up from it and reads on."""

from __future__ import annotations

import re

from django.core.management import call_command
from playwright.sync_api import Page, expect

CHAPTER = "/courses/lenin/foreign-policy/"


def test_reader_signs_up_from_the_unlock_panel_and_reads_the_locked_part(
    page: Page, sample_site, mailoutbox
):
    page.goto(sample_site + CHAPTER)
    panel = page.get_by_role(
        "region", name="Unlock the rest of this chapter with a free account"
    )
    expect(panel).to_be_visible()
    filler = page.locator(".filler")
    expect(filler).to_have_attribute("aria-hidden", "true")
    assert "blur" in filler.evaluate("el => getComputedStyle(el).filter")
    expect(page.locator("#locked-part")).to_have_count(0)

    panel.get_by_role("link", name="Create a free account").click()
    page.get_by_label("Email address").fill("new.learner@example.com")
    page.get_by_label("Password").fill("tea and revision every day")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    # The email goes out from the task worker, not the request: run it once.
    assert len(mailoutbox) == 0
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )
    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/sign-up/confirm/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Finish signing up").click()

    expect(page).to_have_url(sample_site + CHAPTER)
    expect(page.get_by_text("your account is ready")).to_be_visible()
    expect(page.locator("#locked-part .callout-tip")).to_be_visible()
    expect(page.locator(".filler")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_returning_learner_signs_in_from_the_panel_and_lands_on_the_chapter(
    page: Page, sample_site, django_user_model
):
    django_user_model.objects.create_user("back@example.com", "a long enough password")
    page.goto(sample_site + CHAPTER)
    page.locator(".gate").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email address").fill("BACK@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(sample_site + CHAPTER)
    expect(page.locator("#locked-part")).to_be_visible()
