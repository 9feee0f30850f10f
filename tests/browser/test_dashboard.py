"""A learner signs in, lands on the dashboard, studies three cards and sees them counted."""

from __future__ import annotations

from playwright.sync_api import Page, expect

PASSWORD = "a long enough password"


def test_after_a_short_session_the_dashboard_shows_todays_reviews(
    page: Page, sample_site, django_user_model
):
    django_user_model.objects.create_user("dash@example.com", PASSWORD)
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
        with page.expect_navigation():
            page.keyboard.press("3")

    page.get_by_role("link", name="Study").first.click()
    expect(page).to_have_url(sample_site + "/dashboard/")
    expect(page.locator('[data-stat="reviews-today"]')).to_have_text("3")
    expect(page.locator('[data-stat="streak"]')).to_have_text("1 day")
    expect(page.locator('.dashboard-course [data-state="learning"]')).to_have_text("3")
