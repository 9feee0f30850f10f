"""The ``revise`` command as an author uses it."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from revise.catalog.models import Course
from revise.cli import main
from tests.conftest import COURSE_YAML, SAMPLE_COURSE


def test_check_prints_a_summary_for_a_clean_course(capsys):
    assert main(["check", str(SAMPLE_COURSE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{SAMPLE_COURSE}: OK — 3 chapters, ")
    assert re.search(r", \d+ cards \(\d+ derived\), ", out)
    assert out.count("\n") == 1


def test_check_cards_lists_the_derived_cards_before_the_summary(capsys):
    assert main(["check", "--cards", str(SAMPLE_COURSE)]) == 0
    *cards, summary = capsys.readouterr().out.splitlines()
    derived = int(re.search(r"\((\d+) derived\)", summary).group(1))
    assert len(cards) == derived > 0
    assert (
        f"{SAMPLE_COURSE}/01-rise-to-power.md:97: [date-kornilov-affair] "
        "When did the Kornilov affair take place? → August 1917"
    ) in cards
    assert all(re.fullmatch(r".+\.md:\d+: \[[a-z0-9-]+\] .+ → .+", c) for c in cards)


def test_check_prints_every_problem_and_exits_1(write_course, capsys):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": "---\ntitle: One\n---\n::: warning\nx\n:::\n\n::: note\nopen\n",
        }
    )
    assert main(["check", str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{folder}/01-one.md:4: unknown box 'warning' (known: note, analogy, definition, "
        "tip, flashcards, self-review)",
        f"{folder}/01-one.md:8: '::: note' is never closed",
    ]
    assert "2 problems" in captured.err


def test_check_does_not_touch_the_database(write_course):
    """`revise check` parses only: Django's database layer is never even imported."""
    folder = write_course()
    code = (
        "import sys; from revise.cli import main; rc = main(['check', sys.argv[1]]); "
        "assert 'django.db' not in sys.modules, 'database imported'; sys.exit(rc)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


@pytest.mark.django_db
def test_import_reports_counts_then_says_nothing_changed(write_course, capsys):
    folder = write_course()
    assert main(["import", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "imported course 'course'" in out
    assert "cards: created 1, updated 0, unchanged 0, retired 0" in out
    assert main(["import", str(folder)]) == 0
    assert "is up to date; nothing changed" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_of_a_broken_course_changes_nothing(write_course, capsys):
    folder = write_course({"course.yaml": "title: [\n", "01-one.md": "x"})
    assert main(["import", str(folder)]) == 1
    captured = capsys.readouterr()
    assert "course.yaml:1: malformed YAML" in captured.out
    assert "nothing was changed" in captured.err
    assert not Course.objects.exists()


@pytest.mark.django_db
def test_sample_course_is_loaded_only_into_an_empty_database(settings):
    from revise.cli import sample_courses_load

    settings.REVISE_COURSES_DIR = SAMPLE_COURSE.parent
    assert sample_courses_load() == ["lenin"]
    assert sample_courses_load() == []


@pytest.mark.django_db
def test_export_anki_writes_a_deck_and_refuses_unknown_courses(tmp_path, capsys):
    from revise.catalog.services import course_import

    course_import(path=SAMPLE_COURSE)
    target = tmp_path / "deck.apkg"
    args = ["export-anki", "lenin", "foreign-policy", "-o", str(target), "--free-only"]
    assert main(args) == 0
    assert target.stat().st_size > 1000
    assert "cards to" in capsys.readouterr().out
    assert main(["export-anki", "nope"]) == 1
    assert "nope" in capsys.readouterr().err


def test_check_cards_json_lists_every_card_and_question_with_its_source(capsys):
    assert main(["check", "--cards", "--json", str(SAMPLE_COURSE)]) == 0
    document = json.loads(capsys.readouterr().out)
    items = document["items"]
    assert {i["kind"] for i in items} == {"card", "question"}
    assert {i["origin"] for i in items} == {"authored", "derived"}
    for item in items:
        assert set(item) >= {"id", "question", "answer", "source", "anchor", "locked"}
        assert re.fullmatch(r".+\.md:\d+", item["source"])
        assert item["anchor"]
    # a made card dropped as a repeat names the authored card it repeats
    dropped = [i for i in items if i.get("duplicates")]
    assert dropped and not any(i["kept"] for i in dropped)
    ids = {i["id"] for i in items if i["origin"] == "authored"}
    assert {"carr-view", "brest-farmland"} <= {i["duplicates"] for i in dropped}
    assert {i["duplicates"] for i in dropped} <= ids


def test_check_json_keeps_standard_output_json_when_a_course_has_problems(
    write_course, capsys
):
    bad = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": "---\ntitle: One\nauthor: me\n---\nHi.\n",
        },
        name="bad",
    )
    assert main(["check", "--json", str(SAMPLE_COURSE), str(bad)]) == 1
    out, err = capsys.readouterr()
    documents = json.loads(out)  # the good course's document, nothing else
    assert [d["course"] for d in documents] == ["lenin"]
    assert re.search(r"01-one\.md:3: unknown field 'author'", err)


def test_a_reader_that_stops_early_gets_no_traceback():
    # as `revise check --cards … | head -0` does: the pipe is closed before the
    # command writes (it parses the course first)
    revise = f"{sys.executable[: -len('python')]}revise"
    process = subprocess.Popen(
        [revise, "check", "--cards", str(SAMPLE_COURSE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == 1
    assert "Traceback" not in stderr and "Error" not in stderr


def test_check_facts_json_gives_every_fact_with_its_fields(capsys):
    assert main(["check", "--facts", "--json", str(SAMPLE_COURSE)]) == 0
    facts = json.loads(capsys.readouterr().out)["facts"]
    assert {f["kind"] for f in facts} == {"definition", "event", "figure", "view"}
    rapallo = next(f for f in facts if f["key"] == "treaty-of-rapallo")
    assert (rapallo["value"], rapallo["verb"], rapallo["detail"]) == (
        "1922",
        "signed",
        "16 April 1922",
    )
    assert rapallo["chapter"] == "foreign-policy"


@pytest.mark.django_db
def test_import_force_parses_an_unchanged_folder_again(monkeypatch, capsys):
    from revise.catalog import services

    parsed = []
    real = services.parse_course
    monkeypatch.setattr(
        services, "parse_course", lambda folder: parsed.append(folder) or real(folder)
    )
    assert main(["import", str(SAMPLE_COURSE)]) == 0
    assert main(["import", str(SAMPLE_COURSE)]) == 0
    assert len(parsed) == 1, "an unchanged folder is not parsed again"
    assert main(["import", "--force", str(SAMPLE_COURSE)]) == 0
    assert len(parsed) == 2
    assert "is up to date" in capsys.readouterr().out
