"""A learner signs in, lands on the dashboard, studies three cards and sees them counted."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from revise.study.models import LearnerSettings
from tests.browser.test_study import answered

PASSWORD = "a long enough password"


def test_after_a_short_session_the_dashboard_shows_todays_reviews(
    page: Page, sample_site, django_user_model
):
    learner = django_user_model.objects.create_user("dash@example.com", PASSWORD)
    # A study day that starts twelve hours from now: cards answered "Good" fall due
    # minutes later, which must stay on today's first forecast day whenever CI runs
    # (with the default 4 am start, a run just before 4 am put them on the next day).
    LearnerSettings.objects.create(
        learner=learner,
        time_zone="UTC",
        day_starts_at=(datetime.now(UTC).hour + 12) % 24,
    )
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto(sample_site + "/accounts/sign-in/")
    page.get_by_label("Email address").fill("dash@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(sample_site + "/dashboard/")
    expect(page.locator('[data-stat="reviews-today"]')).to_have_text("0")

    page.get_by_role("link", name="Study now: Case study: Vladimir Lenin").click()
    for _ in range(3):
        expect(page.locator('[data-study][data-keys="on"]')).to_be_visible()
        page.keyboard.press("Space")
        expect(page.locator("#answer")).to_be_visible()
        answered(page, "3")

    page.get_by_role("link", name="Study").first.click()
    expect(page).to_have_url(sample_site + "/dashboard/")
    expect(page.locator('[data-stat="reviews-today"]')).to_have_text("3")
    expect(page.locator('[data-stat="streak"]')).to_have_text("1 day")
    expect(page.locator('.dashboard-course [data-state="learning"]')).to_have_text("3")

    # Today's reviews in the heatmap's data table; the three cards (Good on a new card:
    # due again in minutes) in the forecast's first day.
    heatmap = page.locator('[data-table="reviews-per-day"] tbody tr').first
    expect(heatmap.locator("td")).to_have_text("3")
    forecast = page.locator('[data-table="forecast"] tbody tr').first
    expect(forecast.locator("td")).to_have_text("3")
    week = page.locator('[data-table="weekly"] tbody tr').last
    expect(week.locator("td").first).to_have_text("3")
    # The charts load as images under the page's policy (their own allows their style).
    for name in ("heatmap", "weekly", "forecast"):
        image = page.locator(f'img[src="/dashboard/{name}.svg"]')
        expect(image).to_be_visible()
        page.wait_for_function(
            "el => el.complete && el.naturalWidth > 0", arg=image.element_handle()
        )
    assert not [m for m in messages if "Content Security Policy" in m]


def test_scrolling_a_chapter_to_the_end_marks_it_read_on_the_dashboard(
    page: Page, sample_site, django_user_model
):
    django_user_model.objects.create_user("reader@example.com", PASSWORD)
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    page.goto(sample_site + "/accounts/sign-in/")
    page.get_by_label("Email address").fill("reader@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(sample_site + "/dashboard/")
    expect(page.locator('[data-read="yes"]')).to_have_count(0)

    first = page.locator(".chapter-progress tbody th a").first
    title = first.inner_text()
    first.click()
    form = page.locator("form[data-mark-read]")
    expect(form).to_be_attached()
    page.wait_for_load_state("load")  # the deferred script listens for the scroll
    page.mouse.wheel(0, 100_000)
    expect(page.locator("#chapter-read .read-mark")).to_have_text("Read ✓")

    page.goto(sample_site + "/dashboard/")
    row = page.locator(".chapter-progress tbody tr").filter(
        has=page.get_by_role("link", name=title, exact=True)
    )
    expect(row.locator("[data-read]")).to_have_text("Read ✓")
    expect(page.locator('[data-read="yes"]')).to_have_count(1)
    assert not [m for m in messages if "Content Security Policy" in m]
