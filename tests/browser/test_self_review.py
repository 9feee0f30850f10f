"""Self review in a browser: a learner writes, comes back to their draft, reveals the
guidance with suggested ticks and saves their marks; a visitor meets the unlock panel."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from revise.catalog.services import course_import
from revise.lessons.models import Question, SelfReviewAnswer, SelfReviewAttempt
from tests.test_gate import marked_course

CHAPTER = "/courses/lenin/foreign-policy/"
PASSWORD = "a long enough password"
ANSWER = (
    "Brest-Litovsk ended the war and bought time, and the trade agreement and Rapallo "
    "broke Soviet isolation. But the Red Army was beaten outside Warsaw."
)


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_learner_drafts_reveals_sees_suggestions_and_saves_marks(
    page: Page, sample_site, django_user_model
):
    learner = django_user_model.objects.create_user("self@example.com", PASSWORD)
    page.goto(f"{sample_site}/accounts/sign-in/?next={CHAPTER}")
    page.get_by_label("Email address").fill("self@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(sample_site + CHAPTER)

    page.locator(".study-tools").get_by_role("link", name="Self review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Consolidation and Maintenance: Lenin's Foreign Policy"
    )
    expect(page.locator('[data-self-review][data-drafts="on"]')).to_be_visible()
    question = Question.objects.get(key__endswith="consolidate-or-weakness")
    card = page.locator(f"#q-{question.pk}")
    answer = card.get_by_label("Your answer")
    answer.click()
    answer.press_sequentially(ANSWER[:40])
    answer.fill(ANSWER)  # the rest at once: both fire input events
    expect(card.locator("[data-draft-status]")).to_have_text("Draft saved.")
    assert SelfReviewAnswer.objects.get(learner=learner, question=question).text == (
        ANSWER
    )

    page.reload()
    expect(page.locator(f"#q-{question.pk}").get_by_label("Your answer")).to_have_value(
        ANSWER
    )

    card = page.locator(f"#q-{question.pk}")
    card.get_by_role("button", name="Reveal the guidance").click()
    card = page.locator(f"#q-{question.pk}")
    expect(
        card.get_by_text("suggested from your words — check them yourself")
    ).to_be_visible()
    expect(card.locator(".sr-label")).to_have_text(["Consolidation", "Weakness"])
    boxes = card.get_by_role("checkbox")
    expect(boxes).to_have_count(5)
    ticked = [boxes.nth(i).is_checked() for i in range(5)]
    assert ticked == [True, True, False, True, False]
    boxes.nth(2).check()  # the learner disagrees with the suggestion: their marks count
    card.get_by_role("button", name="Save my marks").click()

    expect(page.get_by_text("Saved: you covered 4 of 5 points.")).to_be_visible()
    attempt = SelfReviewAttempt.objects.get(learner=learner)
    assert (attempt.covered, attempt.total) == (4, 5)
    assert attempt.marks == [True, True, True, True, False]
    assert attempt.answer == ANSWER
    expect(page.locator(f"#q-{question.pk} .sr-last")).to_contain_text(
        "4 of 5 points covered"
    )


def test_visitor_writes_a_free_question_and_meets_the_unlock_panel_on_a_phone(
    page: Page, live_server, transactional_db, tmp_path
):
    marked_course(tmp_path / "marked")
    course_import(path=tmp_path / "marked")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/courses/marked/chapter-1/")
    page.locator(".study-tools").get_by_role("link", name="Self review").click()

    expect(page.get_by_text("You are trying the free questions")).to_be_visible()
    expect(page.locator('[data-self-review][data-drafts="on"]')).to_be_visible()
    questions = page.locator(".sr-question")
    expect(questions).to_have_count(1)
    expect(questions.first).to_contain_text("A free question?")
    panel = page.get_by_role(
        "region", name="Unlock the rest of this chapter's self review"
    )
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name="Create a free account")).to_be_visible()
    expect(panel).to_contain_text("1 more question with a free account.")
    assert "zqx" not in page.content()
    assert no_sideways_scroll(page)

    answer = questions.first.get_by_label("Your answer")
    answer.fill("A free guidance answer of mine.")
    expect(questions.first.locator("[data-draft-status]")).to_contain_text(
        "this browser only"
    )
    page.reload()  # kept in this browser, not on the server
    expect(
        page.locator(".sr-question").first.get_by_label("Your answer")
    ).to_have_value("A free guidance answer of mine.")
    assert not SelfReviewAnswer.objects.exists()

    page.get_by_role("button", name="Reveal the guidance").click()
    card = page.locator(".sr-question").first
    expect(card.get_by_text("A free guidance point.")).to_be_visible()
    expect(
        card.get_by_text("suggested from your words — check them yourself")
    ).to_be_visible()
    expect(card.get_by_role("checkbox")).to_be_checked()
    card.get_by_role("button", name="Count my marks").click()
    expect(page.get_by_text("You covered 1 of 1 point.")).to_be_visible()
    assert no_sideways_scroll(page)
    assert not SelfReviewAttempt.objects.exists()
