"""Reading the self-review form: the page is one form holding every answer.

Fields: ``answer-<id>`` (the text of each answer), ``shown`` (the questions whose guidance
is revealed), ``points-<id>`` (how many guidance points the page showed) with
``covered-<id>`` (the indexes of the points ticked), and the button pressed: ``save``,
``reveal`` or ``mark``, valued with a question id. Any id that is not one of the chapter's
questions the viewer may see is "no such question" (404); anything else malformed is a
:class:`BadSubmission` (400) with a message that says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404, QueryDict

from revise.lessons.self_review.selectors import Sheet

MAX_ANSWER_CHARS = 20_000
ACTIONS = ("mark", "reveal", "save")


class BadSubmission(Exception):
    """A form that cannot be taken as sent; ``str()`` is the message for the learner."""


@dataclass(frozen=True)
class Submission:
    answers: dict[int, str]
    shown: set[int]
    action: str  # "save", "reveal" or "mark"
    target: int | None  # the question the button belongs to
    marks: dict[int, list[bool]] = field(default_factory=dict)


def answer_check(text: str, number: int | None = None) -> str:
    """``text`` with its line breaks as "\\n" (forms send "\\r\\n") if it is short
    enough to keep, else :class:`BadSubmission`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_ANSWER_CHARS:
        which = f"Your answer to question {number}" if number else "Your answer"
        raise BadSubmission(
            f"{which} is {len(text):,} characters long; answers are kept up to "
            f"{MAX_ANSWER_CHARS:,}. Shorten it and save again: nothing was saved."
        )
    return text


def _question_id(value: str, sheet: Sheet) -> int:
    """The id of one of the sheet's questions, or 404."""
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise Http404("No such question in this chapter")
    return sheet.question(int(value)).pk


def submission_read(data: QueryDict, sheet: Sheet) -> Submission:
    """The form as sent, checked against the sheet's questions."""
    numbers = {q.pk: n for n, q in enumerate(sheet.questions, start=1)}
    answers: dict[int, str] = {}
    points: dict[int, str] = {}
    for name in data:
        prefix, dash, value = name.partition("-")
        if not dash or prefix not in ("answer", "points", "covered"):
            continue
        question_id = _question_id(value, sheet)
        if prefix == "answer":
            answers[question_id] = answer_check(
                data.get(name, ""), numbers[question_id]
            )
        elif prefix == "points":
            points[question_id] = data.get(name, "")
    shown = {_question_id(value, sheet) for value in data.getlist("shown")}
    pressed = [name for name in ACTIONS if name in data]
    action, target = "save", None
    if pressed:
        action = pressed[0]
        target = _question_id(data.get(action, ""), sheet)
    marks = {}
    for question_id, sent in points.items():
        try:
            marks[question_id] = _marks(
                data, sheet, question_id, sent, numbers[question_id]
            )
        except BadSubmission:
            if action == "mark" and question_id == target:
                raise
            # Another question's boxes: they fall back to the suggestions.
    if action == "mark" and not sheet.question(target).guidance_html:
        raise BadSubmission(
            f"Question {numbers[target]} has no guidance points to mark."
        )
    if action == "mark" and target not in marks:
        raise BadSubmission(
            f"The marks for question {numbers[target]} did not arrive: reveal its "
            "guidance and mark it again."
        )
    if action in ("reveal", "mark"):
        shown.add(target)
    return Submission(
        answers=answers, shown=shown, action=action, target=target, marks=marks
    )


def _marks(
    data: QueryDict, sheet: Sheet, question_id: int, sent: str, number: int
) -> list[bool]:
    """One bool per guidance point: ticked or not. The page's count of points must be
    the question's: a page from before the guidance changed is refused, not guessed at."""
    total = len(sheet.question(question_id).guidance_html)
    if not sent.isascii() or not sent.isdigit() or int(sent) != total:
        raise BadSubmission(
            f"Question {number} has {total} guidance point{'s' if total != 1 else ''}, "
            f"but the marks sent were for {sent or 'no'} points: the guidance may have "
            "changed since the page was loaded. Nothing was saved; mark it again below."
        )
    ticked = data.getlist(f"covered-{question_id}")
    indexes = set()
    for value in ticked:
        if not value.isascii() or not value.isdigit() or int(value) >= total:
            raise BadSubmission(
                f"The marks for question {number} could not be read: tick the points "
                "you covered and save again."
            )
        indexes.add(int(value))
    if len(indexes) != len(ticked):
        raise BadSubmission(
            f"The marks for question {number} name a point twice: tick the points you "
            "covered and save again."
        )
    return [index in indexes for index in range(total)]


def submission_salvage(
    data: QueryDict, sheet: Sheet
) -> tuple[dict[int, str], set[int]]:
    """The answers and revealed questions of a form that was refused, as far as they
    can be read, to show them again: a refused form loses nothing the learner wrote."""
    visible = {str(q.pk): q.pk for q in sheet.questions}
    answers = {
        visible[name[len("answer-") :]]: data.get(name, "").replace("\r\n", "\n")
        for name in data
        if name.startswith("answer-") and name[len("answer-") :] in visible
    }
    shown = {visible[v] for v in data.getlist("shown") if v in visible}
    return answers, shown
