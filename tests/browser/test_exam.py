"""A learner sets an exam date for a course and sees the plan, then sees it on the
dashboard."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from revise.study.models import Exam, LearnerSettings
from tests.browser.test_study import PASSWORD, sign_in


def test_learner_sets_an_exam_from_the_course_page_and_sees_the_plan(
    page: Page, sample_site, django_user_model
):
    learner = django_user_model.objects.create_user("exam@example.com", PASSWORD)
    # A study day that starts at midnight UTC: the exam 30 calendar days ahead is 30
    # study days ahead whenever the test runs.
    LearnerSettings.objects.create(learner=learner, time_zone="UTC", day_starts_at=0)
    exam_day = datetime.now(UTC).date() + timedelta(days=30)
    sign_in(page, sample_site, "exam@example.com")
    expect(page).to_have_url(sample_site + "/dashboard/")

    page.goto(sample_site + "/courses/lenin/")
    page.get_by_role("link", name="Set an exam date").click()
    expect(page).to_have_url(sample_site + "/exams/lenin/")
    page.get_by_label("Exam date").fill(exam_day.isoformat())
    page.get_by_label("Minutes a day").fill("20")
    page.get_by_role("button", name="Save and see the plan").click()

    expect(page.get_by_text("Exam saved; here is your plan.")).to_be_visible()
    expect(page.locator('[data-exam="days-left"]')).to_have_text("30")
    expect(page.locator('[data-exam="new-today"]')).to_have_text(
        re.compile(r"^[1-9]\d*$")
    )
    expect(page.locator('[data-exam="predicted"]')).to_have_text(re.compile(r"^\d+%$"))
    expect(page.locator('[data-table="exam-days"] tbody tr')).to_have_count(14)
    exam = Exam.objects.get(learner=learner)
    assert (exam.exam_date, exam.daily_minutes) == (exam_day, 20)

    page.goto(sample_site + "/courses/lenin/")
    expect(page.locator("[data-exam-summary]")).to_contain_text("30 days left")

    page.goto(sample_site + "/dashboard/")
    row = page.locator('[data-exam-row="lenin"]')
    expect(row.locator('[data-exam="days-left"]')).to_have_text("30")
    expect(row.locator('[data-exam="predicted"]')).to_have_text(re.compile(r"^\d+%$"))
    expect(row.locator('[data-exam="today"]')).to_contain_text("new")
    row.get_by_role("link", name="Case study: Vladimir Lenin").click()
    expect(page).to_have_url(sample_site + "/exams/lenin/")
