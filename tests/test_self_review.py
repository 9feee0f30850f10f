"""Self review: suggested ticks, labels, drafts, markings, and what visitors get."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from revise.accounts.models import User
from revise.catalog.services import course_import
from revise.lessons.models import Question, SelfReviewAnswer, SelfReviewAttempt
from revise.lessons.self_review.matching import (
    content_words,
    group_points,
    label_of,
    split_label_html,
    stems,
    suggest,
)
from tests.conftest import SAMPLE_COURSE
from tests.gate_crawl import crawl
from tests.test_gate import MARKER, leaks, marked_course

PASSWORD = "a long enough password"
PAGE = "/self-review/lenin/foreign-policy/"
RISE = "/self-review/lenin/rise-to-power/"


# --- suggested ticks -----------------------------------------------------------------------


def test_stemming_matches_a_word_in_another_form():
    (land,) = suggest(
        "The land was nationalised.",
        ["Nationalisation of all land and the landlords' estates."],
    )
    assert land.suggested
    assert "nationalised" in land.words
    assert stems("nationalised") == stems("nationalisation") == stems("nationalized")


def test_a_point_with_no_shared_content_word_is_not_suggested():
    answer = "The Red Army defended Petrograd against the Whites."
    (point,) = suggest(answer, ["Confiscation of estates and nationalisation of land."])
    assert not point.suggested and point.words == ()


def test_stop_words_alone_never_suggest():
    assert content_words("It was the one that they had to be for all of it") == []
    point = "The war and the peace were not what they had been."
    answer = "It was what they had been and not the one of the and were"
    (suggestion,) = suggest(answer, [point])
    assert not suggestion.suggested and suggestion.words == ()
    # A point of stop words only has nothing to match.
    assert suggest("this is it", ["It is what it is."])[0].suggested is False


def test_words_of_the_question_and_of_the_label_do_not_count():
    prompt = "Did Lenin's foreign policy consolidate his power?"
    points = [
        "Consolidation: Brest-Litovsk ended the war and bought time.",
        "Weakness: every Comintern-backed rising failed.",
    ]
    echo = suggest("Lenin's foreign policy consolidated his power.", points, prompt)
    assert [s.suggested for s in echo] == [False, False]
    answer = "Brest-Litovsk ended the war; the Comintern risings all failed."
    assert [s.suggested for s in suggest(answer, points, prompt)] == [True, True]


def test_a_long_point_needs_several_of_its_words():
    point = (
        "The setback (3–4 July): Pravda wrecked, Trotsky and Kamenev arrested, "
        "Lenin branded a German agent and in hiding in Finland."
    )
    assert not suggest("Lenin went to Finland.", [point])[0].suggested
    assert suggest("Lenin, called a German agent, hid in Finland.", [point])[
        0
    ].suggested


def test_accents_case_and_possessives_are_read_alike():
    point = "Béla Kun's Hungarian Soviet Republic lasted only months."
    assert suggest("BELA KUN and the hungarian republic", [point])[0].suggested


# --- labels ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "label"),
    [
        ("Consolidation: Brest-Litovsk ended the war.", "Consolidation"),
        (
            "A balanced judgement: weakness forced the compromises.",
            "A balanced judgement",
        ),
        (
            "Kornilov affair (late August): prisoners released.",
            "Kornilov affair (late August)",
        ),
        ("The old army had melted away: the Germans advanced.", ""),  # five words
        ("The setback (3–4 July): Pravda wrecked.", ""),  # a date, not a label
        ("Kronstadt (March 1921): the sailors rose.", ""),
        ("Founded in Moscow in March 1919, under Zinoviev.", ""),
        ("Credit any judgement, e.g. that: it worked.", ""),
        ("Why:no space after the colon", ""),
    ],
)
def test_a_label_is_a_short_phrase_before_a_colon(point, label):
    assert label_of(point) == label


def test_points_are_grouped_by_label_in_order_of_first_appearance():
    labels = ["Consolidation", "Weakness", "consolidation", "", "", "Weakness"]
    groups = group_points(labels)
    assert [(g.label, g.indexes) for g in groups] == [
        ("Consolidation", (0, 2)),
        ("Weakness", (1, 5)),
        ("", (3, 4)),
    ]


def test_one_label_alone_does_not_group():
    assert [(g.label, g.indexes) for g in group_points(["", "Limits", ""])] == [
        ("", (0, 1, 2))
    ]
    assert group_points([]) == []


def test_the_label_is_taken_off_a_point_only_when_it_is_plain_text():
    assert split_label_html("Weakness: it <em>failed</em>.", "Weakness") == (
        "It <em>failed</em>."
    )
    assert split_label_html("Limits: <em>Pravda</em>", "Limits") == "<em>Pravda</em>"
    marked_up = "<strong>Weakness</strong>: it failed."
    assert split_label_html(marked_up, "Weakness") == marked_up


# --- the page ----------------------------------------------------------------------------


@pytest.fixture
def sample(db):
    course_import(path=SAMPLE_COURSE)


@pytest.fixture
def learner(sample):
    return User.objects.create_user("learner@example.com", PASSWORD)


@pytest.fixture
def signed_in(client, learner) -> Client:
    client.force_login(learner)
    return client


def questions(chapter: str = "foreign-policy") -> list[Question]:
    return list(
        Question.objects.filter(
            chapter__slug=chapter, retired_at__isnull=True
        ).order_by("position")
    )


def text(response) -> str:
    return unescape(response.content.decode())


def test_the_chapter_study_panel_links_self_review_with_its_count(client, sample):
    html = client.get("/courses/lenin/foreign-policy/").content.decode()
    panel = html[html.index('class="study-tools"') :]
    link = re.search(r'<a href="([^"]+)">Self review</a>', panel)
    assert link and link.group(1) == PAGE
    assert "5 questions" in panel


def test_the_page_shows_every_question_without_its_guidance(signed_in):
    response = signed_in.get(PAGE)
    assert response.status_code == 200
    html = text(response)
    for question in questions():
        assert question.prompt_text in html
        assert f'name="answer-{question.pk}"' in html
    for question in questions():  # the guidance is not revealed yet
        assert not any(point in html for point in question.guidance_html)
    assert "sr-guidance" not in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_draft_saved_by_the_javascript_endpoint_and_kept(signed_in, learner):
    question = questions()[0]
    url = f"{PAGE}{question.pk}/draft/"
    response = signed_in.post(url, {"answer": "The army had collapsed."})
    assert response.status_code == 200
    assert response.json()["saved"] is True
    row = SelfReviewAnswer.objects.get(learner=learner, question=question)
    assert row.text == "The army had collapsed." and row.submitted_at is None
    signed_in.post(url, {"answer": "The army had collapsed.\r\nLenin needed peace."})
    row.refresh_from_db()
    assert row.text == "The army had collapsed.\nLenin needed peace."
    assert "Lenin needed peace." in text(signed_in.get(PAGE))
    assert SelfReviewAnswer.objects.count() == 1


def test_draft_saved_by_plain_submit_without_javascript(signed_in, learner):
    first, second = questions()[:2]
    response = signed_in.post(
        PAGE,
        {
            f"answer-{first.pk}": "Peace at any price.",
            f"answer-{second.pk}": "",
            "save": str(first.pk),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#q-{first.pk}"
    assert SelfReviewAnswer.objects.get(question=first).text == "Peace at any price."
    page = signed_in.get(PAGE)
    assert "Peace at any price." in text(page)
    assert "Your answers are saved." in text(page)


def test_reveal_shows_grouped_guidance_with_suggested_ticks(signed_in, learner):
    question = questions()[4]  # the judgement question
    answer = (
        "Brest-Litovsk ended the war and bought time. But every Comintern rising "
        "failed and the Red Army was beaten at Warsaw."
    )
    response = signed_in.post(
        PAGE, {f"answer-{question.pk}": answer, "reveal": str(question.pk)}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?show={question.pk}#q-{question.pk}"
    row = SelfReviewAnswer.objects.get(question=question)
    assert row.text == answer and row.submitted_at is not None
    html = text(signed_in.get(response["Location"]))
    assert "suggested from your words — check them yourself" in html
    labels = re.findall(r'<h3 class="sr-label">([^<]+)</h3>', html)
    assert labels == ["Consolidation", "Weakness"]
    ticked = re.findall(rf'name="covered-{question.pk}" value="(\d)" checked', html)
    assert ticked == ["0", "3"]
    assert f'name="points-{question.pk}" value="5"' in html


def test_marks_are_saved_as_an_attempt_with_covered_and_total(signed_in, learner):
    question = questions()[0]
    response = signed_in.post(
        PAGE,
        {
            f"answer-{question.pk}": "The army had melted away.",
            "shown": str(question.pk),
            f"points-{question.pk}": "5",
            f"covered-{question.pk}": ["0", "2"],
            "mark": str(question.pk),
        },
    )
    assert response.status_code == 302
    attempt = SelfReviewAttempt.objects.get()
    assert (attempt.learner, attempt.question) == (learner, question)
    assert (attempt.covered, attempt.total) == (2, 5)
    assert attempt.marks == [True, False, True, False, False]
    assert attempt.answer == "The army had melted away."
    html = text(signed_in.get(response["Location"]))
    assert "Saved: you covered 2 of 5 points." in html
    assert "Ticked: your saved marks for this answer." in html
    assert "2 of 5 points covered" in html


def test_the_same_marks_sent_twice_make_one_attempt(signed_in):
    question = questions()[0]
    form = {
        f"answer-{question.pk}": "An answer.",
        f"points-{question.pk}": "5",
        f"covered-{question.pk}": ["1"],
        "mark": str(question.pk),
    }
    signed_in.post(PAGE, form)
    signed_in.post(PAGE, form)
    assert SelfReviewAttempt.objects.count() == 1
    signed_in.post(PAGE, {**form, f"covered-{question.pk}": ["1", "4"]})
    assert SelfReviewAttempt.objects.count() == 2


def test_wrong_marks_count_is_a_clear_400_that_keeps_the_answer(signed_in):
    question = questions()[0]
    response = signed_in.post(
        PAGE,
        {
            f"answer-{question.pk}": "My careful answer.",
            f"points-{question.pk}": "4",
            f"covered-{question.pk}": ["0"],
            "mark": str(question.pk),
        },
    )
    assert response.status_code == 400
    html = text(response)
    assert "Question 1 has 5 guidance points, but the marks sent were for 4" in html
    assert "My careful answer." in html
    assert not SelfReviewAttempt.objects.exists()
    assert not SelfReviewAnswer.objects.exists()
    for covered in (["5"], ["x"], ["1", "1"]):
        response = signed_in.post(
            PAGE,
            {
                f"points-{question.pk}": "5",
                f"covered-{question.pk}": covered,
                "mark": str(question.pk),
            },
        )
        assert response.status_code == 400
    assert signed_in.post(PAGE, {"mark": str(question.pk)}).status_code == 400


def test_an_answer_too_long_is_a_400_that_says_so(signed_in):
    question = questions()[0]
    long = "word " * 4001
    response = signed_in.post(
        PAGE, {f"answer-{question.pk}": long, "save": str(question.pk)}
    )
    assert response.status_code == 400
    assert "20,000" in text(response)
    draft = signed_in.post(f"{PAGE}{question.pk}/draft/", {"answer": long})
    assert draft.status_code == 400 and "20,000" in draft.json()["error"]
    assert not SelfReviewAnswer.objects.exists()


def test_unknown_course_chapter_or_question_is_404(signed_in):
    other = questions("rise-to-power")[0]
    own = questions()[0]
    assert signed_in.get("/self-review/nope/foreign-policy/").status_code == 404
    assert signed_in.get("/self-review/lenin/nope/").status_code == 404
    assert signed_in.get(f"{PAGE}?show={other.pk}").status_code == 404
    assert signed_in.get(f"{PAGE}?show=abc").status_code == 404
    assert (
        signed_in.post(f"{PAGE}{other.pk}/draft/", {"answer": "x"}).status_code == 404
    )
    assert signed_in.post(f"{PAGE}999999/draft/", {"answer": "x"}).status_code == 404
    for form in (
        {f"answer-{other.pk}": "x"},
        {"reveal": str(other.pk)},
        {"mark": str(other.pk), f"points-{other.pk}": "5"},
        {"shown": str(other.pk), f"answer-{own.pk}": "x"},
    ):
        assert signed_in.post(PAGE, form).status_code == 404
    assert not SelfReviewAnswer.objects.exists()


def test_methods_allowed(signed_in):
    question = questions()[0]
    assert signed_in.head(PAGE).status_code == 200
    assert signed_in.put(PAGE).status_code == 405
    assert signed_in.get(f"{PAGE}{question.pk}/draft/").status_code == 405
    assert signed_in.post(f"{PAGE}{question.pk}/draft/").status_code == 400


def test_forms_need_the_csrf_token(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    question = questions()[0]
    assert client.post(PAGE, {"save": str(question.pk)}).status_code == 403
    draft = client.post(f"{PAGE}{question.pk}/draft/", {"answer": "x"})
    assert draft.status_code == 403
    assert not SelfReviewAnswer.objects.exists()


# --- visitors ------------------------------------------------------------------------------


def test_a_visitor_writes_reveals_and_counts_marks_with_nothing_saved(client, sample):
    question = questions()[0]
    answer = "Germany resumed its advance and the army had melted away."
    response = client.post(
        PAGE, {f"answer-{question.pk}": answer, "reveal": str(question.pk)}
    )
    assert response.status_code == 200
    html = text(response)
    assert answer in html  # kept in the form
    assert "suggested from your words — check them yourself" in html
    assert "met almost no resistance" in html  # the free guidance
    assert f'name="shown" value="{question.pk}"' in html
    response = client.post(
        PAGE,
        {
            f"answer-{question.pk}": answer,
            "shown": str(question.pk),
            f"points-{question.pk}": "5",
            f"covered-{question.pk}": ["0", "1"],
            "mark": str(question.pk),
        },
    )
    html = text(response)
    assert "You covered 2 of 5 points. Nothing is saved for visitors" in html
    assert re.findall(rf'name="covered-{question.pk}" value="(\d)" checked', html) == [
        "0",
        "1",
    ]
    assert not SelfReviewAnswer.objects.exists()
    assert not SelfReviewAttempt.objects.exists()
    draft = client.post(f"{PAGE}{question.pk}/draft/", {"answer": answer})
    assert draft.status_code == 403 and "error" in draft.json()
    assert "data-draft-url" not in text(client.get(PAGE))


@pytest.fixture
def marked(tmp_path, db) -> list[str]:
    markers = marked_course(tmp_path / "marked")
    course_import(path=tmp_path / "marked")
    return markers


MARKED = "/self-review/marked/chapter-1/"


def test_a_visitor_gets_the_free_questions_and_the_unlock_panel_not_the_locked(
    client, marked
):
    free = Question.objects.get(chapter__slug="chapter-1", locked=False)
    locked = Question.objects.get(chapter__slug="chapter-1", locked=True)
    response = client.get(f"{MARKED}?show={free.pk}")
    html = text(response)
    assert response.status_code == 200
    assert "A free question?" in html and "A free guidance point." in html
    assert "Unlock the rest of this chapter" in html and "1 more question" in html
    locked_words = re.findall(
        rf"{MARKER}\d+", locked.prompt_text + str(locked.guidance_html)
    )
    assert len(locked_words) == 2
    assert MARKER not in html
    assert f"answer-{locked.pk}" not in html
    assert client.get(f"{MARKED}?show={locked.pk}").status_code == 404


def test_a_visitor_posting_to_a_locked_question_gets_404_never_its_guidance(
    client, marked
):
    locked = Question.objects.get(chapter__slug="chapter-1", locked=True)
    free = Question.objects.get(chapter__slug="chapter-1", locked=False)
    responses = [
        client.post(f"{MARKED}{locked.pk}/draft/", {"answer": "x"}),
        client.post(MARKED, {"reveal": str(locked.pk)}),
        client.post(MARKED, {f"answer-{locked.pk}": "x", "save": str(free.pk)}),
        client.post(MARKED, {"mark": str(locked.pk), f"points-{locked.pk}": "1"}),
        client.post(MARKED, {"shown": str(locked.pk), "save": str(free.pk)}),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    assert not any(MARKER in r.content.decode() for r in responses)
    free_draft = client.post(f"{MARKED}{free.pk}/draft/", {"answer": "x"})
    assert free_draft.status_code == 403 and MARKER not in free_draft.content.decode()


def test_the_gate_crawl_reaches_self_review_and_leaks_nothing(client, marked):
    pages = crawl(client)
    review = [p for p in pages if p.url.startswith("/self-review/marked/")]
    assert any("A free question?" in p.text for p in review)
    assert any("Unlock the rest of this chapter" in p.text for p in review)
    assert leaks(review, marked) == []


def test_a_signed_in_learner_gets_the_locked_questions_and_guidance(client, marked):
    client.force_login(User.objects.create_user("in@example.com", PASSWORD))
    locked = Question.objects.get(chapter__slug="chapter-1", locked=True)
    html = text(client.get(f"{MARKED}?show={locked.pk}"))
    assert all(m in html for m in re.findall(rf"{MARKER}\d+", locked.prompt_text))
    assert re.findall(rf"{MARKER}\d+", locked.guidance_html[0])[0] in html
    assert "Unlock" not in html
    draft = client.post(f"{MARKED}{locked.pk}/draft/", {"answer": "mine"})
    assert draft.status_code == 200 and MARKER not in draft.content.decode()


def test_every_self_review_form_response_to_a_visitor_is_free_of_locked_text(
    client, marked
):
    responses = []
    for question in Question.objects.select_related("course", "chapter"):
        page = f"/self-review/{question.course.slug}/{question.chapter.slug}/"
        pk = str(question.pk)
        for form in (
            {f"answer-{pk}": "an answer", "reveal": pk},
            {f"answer-{pk}": "an answer", "save": pk},
            {"shown": pk, f"points-{pk}": "1", f"covered-{pk}": "0", "mark": pk},
            {f"points-{pk}": "7", "mark": pk},
        ):
            responses.append(client.post(page, form))
        responses.append(client.post(f"{page}{pk}/draft/", {"answer": "x"}))
        responses.append(client.get(f"{page}?show={pk}"))
    statuses = {r.status_code for r in responses}
    assert statuses <= {200, 400, 403, 404} and 200 in statuses
    bodies = [unescape(r.content.decode()) for r in responses]
    assert not any(MARKER in body for body in bodies)
    assert not any(m in body for body in bodies for m in marked)
