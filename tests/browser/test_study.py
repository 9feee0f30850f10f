"""A learner studies flashcards with the keyboard alone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from revise.study.models import CardState, ReviewLog

DECK = "/decks/lenin/foreign-policy/"
PASSWORD = "a long enough password"


def sign_in(page: Page, site: str, email: str) -> None:
    page.goto(site + "/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def answered(page: Page, key: str) -> None:
    """Press ``key`` and wait for the page that comes back: study.js replaces the page
    with the server's reply (the next card) without a navigation."""
    shown = page.locator("[data-study]").get_attribute("data-page")
    page.keyboard.press(key)
    expect(page.locator(f'[data-study][data-page="{shown}"]')).to_have_count(0)
    expect(page.locator('[data-study][data-keys="on"]')).to_be_visible()


def count(page: Page, name: str) -> int:
    return int(page.locator(f'[data-count="{name}"]').inner_text())


def test_learner_studies_ten_cards_by_keyboard_undoes_one_and_the_deck_counts_change(
    page: Page, sample_site, django_user_model
):
    django_user_model.objects.create_user("keys@example.com", PASSWORD)
    failed, posts = [], []
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    sign_in(page, sample_site, "keys@example.com")
    page.goto(sample_site + DECK)
    new_before = count(page, "new")
    assert count(page, "learning") == 0

    page.get_by_role("link", name="Study now").click()
    ratings = ["3", "1", "4", "3", "2", "3", "1", "4", "3", "3"]
    for key in ratings:
        expect(page.locator('[data-study][data-keys="on"]')).to_be_visible()
        front = page.locator(".card-front").inner_text()
        expect(page.locator("#answer")).to_be_hidden()
        page.keyboard.press("Space")
        expect(page.locator("#answer")).to_be_visible()
        answered(page, key)
        assert page.locator(".card-front").count() == 0 or (
            page.locator(".card-front").inner_text() != front or key == "1"
        )
    assert ReviewLog.objects.filter(kind="review").count() == 10

    answered(page, "u")
    expect(page.get_by_text("Undone: that card is back.")).to_be_visible()
    assert ReviewLog.objects.filter(kind="undo").count() == 1
    # every answer and the undo went to the study page, once, and nothing failed (an
    # undo form's "action" field once hid form.action, so its fetch went astray)
    study = sample_site + "/study/lenin/foreign-policy/"
    assert posts[1:] == [study] * 11
    assert failed == []

    page.goto(sample_site + DECK)
    seen = CardState.objects.count()
    assert seen == 9, "ten new cards answered, the last (Good on a new card) undone"
    assert count(page, "new") == new_before - 9
    assert (
        count(page, "learning")
        == CardState.objects.filter(state__in=[1, 3]).count()
        > 0
    )


def test_a_second_tab_answering_the_same_card_is_told_and_shown_the_next_card(
    page: Page, sample_site, django_user_model
):
    django_user_model.objects.create_user("tabs@example.com", PASSWORD)
    sign_in(page, sample_site, "tabs@example.com")
    session = sample_site + "/study/lenin/foreign-policy/"
    first = page
    second = page.context.new_page()  # a second tab: the same browser, the same cookies
    for tab in (first, second):
        tab.goto(session)
        expect(tab.locator('[data-study][data-keys="on"]')).to_be_visible()
    front = first.locator(".card-front").inner_text()
    assert second.locator(".card-front").inner_text() == front

    for tab, key in ((first, "3"), (second, "1")):
        tab.bring_to_front()
        tab.keyboard.press("Space")
        expect(tab.locator("#answer")).to_be_visible()
        answered(tab, key)

    expect(
        second.get_by_text(
            "This card was already answered in another tab or window; "
            "here is the next card."
        )
    ).to_be_visible()
    assert first.get_by_text("another tab").count() == 0
    next_front = second.locator(".card-front").inner_text()
    assert next_front != front
    assert next_front == first.locator(".card-front").inner_text()
    assert ReviewLog.objects.filter(kind="review").count() == 1
    assert ReviewLog.objects.get().rating == 3, "the first tab's answer stands"


def test_an_answer_comes_back_as_the_next_card_and_a_reload_sends_nothing_again(
    page: Page, sample_site, django_user_model
):
    django_user_model.objects.create_user("fetch@example.com", PASSWORD)
    sign_in(page, sample_site, "fetch@example.com")
    session = sample_site + "/study/lenin/foreign-policy/"
    page.goto(session)
    expect(page.locator('[data-study][data-keys="on"]')).to_be_visible()
    page.keyboard.press("Space")
    answered(page, "3")
    assert page.url == session, "no navigation: the reply replaced the page"
    assert ReviewLog.objects.count() == 1
    page.reload()
    expect(page.locator('[data-study][data-keys="on"]')).to_be_visible()
    assert ReviewLog.objects.count() == 1
    page.keyboard.press("Space")
    answered(page, "4")  # the replaced page still takes keys
    assert ReviewLog.objects.count() == 2


def test_studying_works_without_javascript(browser, sample_site, django_user_model):
    django_user_model.objects.create_user("nojs@example.com", PASSWORD)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, sample_site, "nojs@example.com")
    page.goto(sample_site + "/study/lenin/foreign-policy/")
    front = page.locator(".card-front").inner_text()
    page.get_by_role("link", name="Show answer").click()
    page.get_by_role("button", name="Good").click()
    page.wait_for_url(sample_site + "/study/lenin/foreign-policy/")
    assert page.locator(".card-front").inner_text() != front
    assert ReviewLog.objects.get().rating == 3
    context.close()


def test_a_card_is_suspended_and_brought_back_from_the_deck_page(
    page: Page, sample_site, django_user_model
):
    django_user_model.objects.create_user("deck@example.com", PASSWORD)
    sign_in(page, sample_site, "deck@example.com")
    page.goto(sample_site + DECK)
    first = page.locator("table.cards tbody tr").first
    first.get_by_role("button", name="Suspend").click()
    expect(page.get_by_text("Card suspended")).to_be_visible()
    assert page.url == sample_site + DECK
    first = page.locator("table.cards tbody tr").first
    expect(first.locator("td").nth(2)).to_have_text("Suspended")
    first.get_by_role("button", name="Bring back").click()
    expect(page.get_by_text("Card brought back")).to_be_visible()
    expect(
        page.locator("table.cards tbody tr").first.locator("td").nth(2)
    ).to_have_text("New")
