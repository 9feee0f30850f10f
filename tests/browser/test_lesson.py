"""A learner takes a lesson by keyboard alone; a visitor takes its free steps."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from revise.catalog.models import Chapter
from revise.lessons.lesson.load import chapter_lesson
from revise.lessons.lesson.steps import (
    CHOICE,
    FILL_BLANK,
    MATCH,
    ORDER,
    TRUE_FALSE,
    Step,
)
from revise.lessons.models import LessonAnswer, LessonAttempt

CHAPTER = "/courses/lenin/foreign-policy/"
PASSWORD = "a long enough password"


def sign_in(page: Page, site: str, email: str) -> None:
    page.goto(site + "/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def key_of(page: Page, selector: str) -> str:
    return page.locator(selector).first.get_attribute("data-key")


def answer_by_keys(page: Page, step: Step, *, right: bool) -> None:
    """Answer the step on the page with the keyboard: number keys, then Enter."""
    expect(page.locator('[data-lesson][data-keys="on"]')).to_be_visible()
    if step.kind == CHOICE:
        value = step.answer if right else (step.answer + 1) % len(step.options)
        page.keyboard.press(key_of(page, f'input[name="choice"][value="{value}"]'))
    elif step.kind == TRUE_FALSE:
        truth = "true" if step.answer == right else "false"
        page.keyboard.press(key_of(page, f'input[name="truth"][value="{truth}"]'))
    elif step.kind == FILL_BLANK:
        for i, blank in enumerate(step.blanks):
            field = page.locator(f'input[name="blank-{i}"]')
            if i == 0:
                expect(field).to_be_focused()
            else:
                page.keyboard.press("Tab")
            # A typo in a word is forgiven; the number stays exact.
            page.keyboard.type(blank if right else "999")
    elif step.kind == ORDER:
        for i in range(len(step.options)):
            page.keyboard.press(key_of(page, f'select[name="place-{i}"]'))
    elif step.kind == MATCH:
        for i in range(len(step.pairs)):
            # Each left, in turn, takes the right-hand side numbered as shown.
            option = page.locator(f'select[name="pair-{i}"] option[value="{i}"]')
            page.keyboard.press(option.inner_text().split(".")[0])
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_learner_takes_the_lesson_by_keyboard_misses_one_and_redoes_it(
    page: Page, sample_site, django_user_model
):
    django_user_model.objects.create_user("lesson@example.com", PASSWORD)
    sign_in(page, sample_site, "lesson@example.com")
    page.goto(sample_site + CHAPTER)
    lesson = chapter_lesson(Chapter.objects.get(slug="foreign-policy"))
    minutes = page.locator(".tool-lesson").inner_text()
    page.locator(".tool-lesson a").click()
    expect(page.locator(".lesson-start .eyebrow")).to_contain_text(
        minutes.rsplit("· ", 1)[1]
    )
    expect(page.locator('[data-lesson][data-keys="on"]')).to_be_visible()
    with page.expect_navigation():
        page.keyboard.press("Enter")  # "Start the lesson" has the focus

    questions = [s for s in lesson.steps if s.is_question]
    missed = next(s for s in questions if s.kind == CHOICE and s.made)
    for number, step in enumerate(lesson.steps, start=1):
        expect(page.locator(".lesson-count")).to_contain_text(
            f"Step {number} of {len(lesson.steps)}"
        )
        expect(page.locator(".step-kind")).to_have_text(step.label)
        if step.is_question:
            answer_by_keys(page, step, right=step is not missed)
            feedback = page.locator("[data-feedback]")
            if step is missed:
                expect(feedback.locator(".verdict")).to_have_text("✗ Not quite")
                expect(feedback).to_contain_text(step.options[step.answer])
                expect(feedback.locator(".explain")).to_have_text(step.explain)
                source = feedback.get_by_role("link", name="Where the chapter says it")
                assert source.get_attribute("href").endswith(f"#{step.anchor}")
            else:
                expect(feedback.locator(".verdict")).to_have_text("✓ Right")
        with page.expect_navigation():
            page.keyboard.press("Enter")  # Continue (or the result, at the end)

    expect(page.locator(".score")).to_contain_text(
        f"{len(questions) - 1} of {len(questions)}"
    )
    expect(page.locator(".missed-step")).to_have_count(1)
    expect(page.locator(".missed-step .step-prompt")).to_have_text(missed.prompt)
    first = LessonAttempt.objects.get()
    assert (first.score, first.total, first.finished_at is not None) == (
        len(questions) - 1,
        len(questions),
        True,
    )
    assert LessonAnswer.objects.filter(attempt=first).count() == len(questions)

    with page.expect_navigation():
        page.keyboard.press("Enter")  # "Redo the 1 missed step" has the focus
    expect(page.locator(".lesson-count")).to_contain_text("Step 1 of 1")
    answer_by_keys(page, missed, right=True)
    expect(page.locator("[data-feedback] .verdict")).to_have_text("✓ Right")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".score")).to_contain_text("1 of 1")
    expect(page.get_by_text("Every step right")).to_be_visible()
    redo = LessonAttempt.objects.exclude(pk=first.pk).get()
    assert redo.redo_of == first and (redo.score, redo.total) == (1, 1)


def test_visitor_on_a_phone_takes_the_free_steps_and_meets_the_unlock_panel(
    page: Page, sample_site
):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(sample_site + CHAPTER)
    short = page.locator(".study-tools-short")
    expect(short).to_be_visible()
    filler = page.locator(".filler")
    assert short.bounding_box()["y"] < filler.bounding_box()["y"]
    short.get_by_role("link", name="Lesson").click()

    lesson = chapter_lesson(Chapter.objects.get(slug="foreign-policy"))
    free = [s for s in lesson.steps if not s.locked]
    expect(page.locator(".lesson-gate")).to_contain_text(
        f"{len(lesson.steps) - len(free)} more steps with a free account"
    )
    page.get_by_role("link", name="Start the free steps").click()
    for number, step in enumerate(free, start=1):
        expect(page.locator(".lesson-count")).to_contain_text(
            f"Step {number} of {len(free)}"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        if step.kind == CHOICE:
            page.locator(f'input[name="choice"][value="{step.answer}"]').check()
            page.get_by_role("button", name="Check").click()
        elif step.kind == TRUE_FALSE:
            truth = "true" if step.answer else "false"
            page.locator(f'input[name="truth"][value="{truth}"]').check()
            page.get_by_role("button", name="Check").click()
        elif step.is_question:
            answer_by_keys(page, step, right=True)
        if step.is_question:
            expect(page.locator("[data-feedback] .verdict")).to_have_text("✓ Right")
        page.locator("[data-continue]").click()

    expect(page.locator(".score")).to_contain_text(
        f"{sum(s.is_question for s in free)} of {sum(s.is_question for s in free)}"
    )
    panel = page.locator(".lesson-gate")
    expect(
        panel.get_by_role("heading", name="Unlock the rest of this lesson")
    ).to_be_visible()
    expect(panel.get_by_role("link", name="Create a free account")).to_be_visible()
    html = page.content()
    for step in lesson.steps:
        if step.locked:
            assert step.prompt not in html
    assert not LessonAttempt.objects.exists()
