"""The course cheatsheet: facts stored at import, four parts, and the locked ones gated."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revise.accounts.models import User
from revise.catalog.models import Chapter, Fact
from revise.catalog.selectors import cheatsheet_get, date_key
from revise.catalog.services import course_import
from tests.conftest import COURSE_YAML, SAMPLE_COURSE

pytestmark = pytest.mark.django_db

URL = "/courses/lenin/cheatsheet/"
PASSWORD = "a long enough password"


@pytest.fixture
def sample() -> None:
    course_import(path=SAMPLE_COURSE)


@pytest.fixture
def learner() -> User:
    return User.objects.create_user("sheet@example.com", PASSWORD)


def text_of(response) -> str:
    return unescape(response.content.decode())


def part(html: str, title: str) -> str:
    """The HTML of the part headed ``title`` (empty if the page has no such part)."""
    match = re.search(
        rf'<h2 id="[a-z]+-title">{title}</h2>(.*?)</section>', html, flags=re.S
    )
    return match.group(1) if match else ""


def entries(html: str, title: str) -> list[str]:
    """The entries of a part as plain text, one per list item or term."""
    body = part(html, title)
    if title == "People and their views":
        items = re.findall(r"<li>\s*(<a .*?)</li>", body, flags=re.S)
    else:
        items = re.findall(r"<(?:li|div)>(.*?)</(?:li|div)>", body, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", i).split()) for i in items]


# --- import ------------------------------------------------------------------------------


def test_import_stores_every_fact_of_every_chapter(sample):
    from revise.content.parser import parse_course

    parsed, _ = parse_course(SAMPLE_COURSE)
    expected = [
        (ch.slug, f.key, f.kind, f.subject, f.value, f.anchor, f.locked)
        for ch in parsed.chapters
        for f in ch.facts
    ]
    stored = [
        (f.chapter.slug, f.key, f.kind, f.subject, f.value, f.anchor, f.locked)
        for f in Fact.objects.select_related("chapter").order_by(
            "chapter__position", "position"
        )
    ]
    assert stored == expected
    assert {f[2] for f in stored} == {"definition", "event", "figure", "view"}
    assert any(f[-1] for f in stored) and not all(f[-1] for f in stored)


def test_unchanged_reimport_writes_no_fact(sample):
    with CaptureQueriesContext(connection) as queries:
        report = course_import(path=SAMPLE_COURSE)
    assert not report.changed
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


CHAPTER = """\
---
title: {title}
---
Intro.

## Treaty of Somewhere (1920)

The treaty cost the loser **30%** of its land.

::: definition Buffer state
A small country between two larger rivals, which keeps them apart.
:::

<!-- locked -->

The Treaty of Somewhere was signed on 3 March 1920 by both sides.

::: definition Secret clause
A clause of a treaty kept from the public.
:::
"""


def test_changed_chapter_has_its_facts_rewritten_and_the_others_kept(write_course):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": CHAPTER.format(title="One"),
            "02-two.md": CHAPTER.format(title="Two"),
        }
    )
    course_import(path=folder)
    two = list(Fact.objects.filter(chapter__slug="two").values_list("pk", flat=True))
    write_course({"01-one.md": CHAPTER.format(title="One").replace("30%", "40%")})
    report = course_import(path=folder)
    assert report.facts["chapters"] == 1
    assert Fact.objects.get(chapter__slug="one", kind="figure").value == "40%"
    assert (
        list(Fact.objects.filter(chapter__slug="two").values_list("pk", flat=True))
        == two
    )
    assert any(
        line.startswith("facts: rewritten in 1 chapter") for line in report.lines()
    )


def test_facts_follow_the_rules_even_when_no_chapter_changed(write_course):
    """Facts depend on more than a chapter's text (a view's role on the course's
    subject), so they are compared, not trusted to the chapter's hash."""
    chapter = (
        "---\ntitle: One\n---\nRichard Pipes argues that the treaty was a blunder.\n"
    )
    folder = write_course({"course.yaml": COURSE_YAML, "01-one.md": chapter})
    course_import(path=folder)
    assert Fact.objects.get(kind="view").role == ""
    write_course({"course.yaml": COURSE_YAML.replace("Testing", "History")})
    report = course_import(path=folder)
    assert report.unchanged["chapters"] == 1 and report.changed
    assert Fact.objects.get(kind="view").role == "historian"


def test_a_removed_chapter_takes_its_facts_away(write_course):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": CHAPTER.format(title="One"),
            "02-two.md": CHAPTER.format(title="Two"),
        }
    )
    course_import(path=folder)
    write_course({"02-two.md": None})
    course_import(path=folder)
    assert Chapter.objects.get(slug="two").retired_at is not None
    assert not Fact.objects.filter(chapter__slug="two").exists()
    assert Fact.objects.filter(chapter__slug="one").exists()


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("1922", (1922, 0, 0)),
        ("March 1918", (1918, 3, 0)),
        ("3 March 1918", (1918, 3, 3)),
        ("3rd Sept. 1918", (1918, 9, 3)),
        ("March 3, 1918", (1918, 3, 3)),
        ("1918–1920", (1918, 0, 0)),
        ("1918-20", (1918, 0, 0)),
        ("January–March 1918", (1918, 1, 0)),
        ("24–26 October 1917", (1917, 10, 24)),
        ("December 1918 – March 1919", (1918, 12, 0)),
        ("44 BC", (-44, 0, 0)),
        ("the 1920s", (1920, 0, 0)),
        ("the twenties", None),
    ],
)
def test_date_key_reads_year_month_day_of_the_start(text, key):
    assert date_key(text) == key


# --- the page ----------------------------------------------------------------------------


def test_signed_in_learner_gets_the_four_parts(client, sample, learner):
    client.force_login(learner)
    response = client.get(URL)
    assert response.status_code == 200
    html = text_of(response)
    facts = Fact.objects.all()
    timeline = entries(html, "Timeline")
    figures = entries(html, "Key figures")
    definitions = entries(html, "Definitions")
    views = entries(html, "People and their views")
    assert len(timeline) == facts.filter(kind="event").count() > 10
    # Brest-Litovsk's three figures share their lead-in: one entry, a link each
    assert len(figures) == facts.filter(kind="figure").count() - 2 >= 3
    assert len(definitions) == facts.filter(kind="definition").count() > 10
    assert len(views) == facts.filter(kind="view").count() >= 4
    assert "March 1918 — Treaty of Brest-Litovsk (3 March 1918)" in timeline
    assert re.search(
        r"<li>Russia gave up Poland, the Baltic provinces, Finland and Ukraine, and "
        r"with them <a [^>]+><strong>27%</strong> of its farmland</a>, "
        r"<a [^>]+><strong>26%</strong> of its railways</a> and "
        r"<a [^>]+><strong>74%</strong> of its iron and coal production</a>\. "
        r'<span class="sheet-context">Treaty of Brest-Litovsk</span></li>',
        part(html, "Key figures"),
    )
    # a figure alone is its sentence, linked whole
    assert re.search(
        r"<li><a [^>]+>The Socialist Revolutionaries, [^<]*<strong>40%</strong> of "
        r"the vote\.</a>",
        part(html, "Key figures"),
    )
    assert "___" not in html
    # each term with its whole first sentence, as its card answers: what follows the
    # colon is part of the meaning
    assert (
        "Consolidation Making a newly won hold on power firm and lasting after a "
        "revolution or change of government: removing rivals, securing obedience and "
        "building institutions, so that the new rulers cannot easily be overthrown."
    ) in definitions
    assert definitions == sorted(definitions, key=str.casefold)
    people = part(html, "People and their views")
    assert re.search(
        r"E\.H\. Carr</strong>\s*<span[^>]*>\(historian\)</span>\s*<ul>\s*<li><a [^>]*>"
        r"treats Brest-Litovsk as a gamble for survival<",
        people,
    )


def test_timeline_is_in_chronological_order(learner, sample):
    sheet = cheatsheet_get(course_slug="lenin", viewer=learner)
    keys = [date_key(e.detail) or date_key(e.date) for e in sheet.timeline]
    assert None not in keys
    assert keys == sorted(keys)
    names = [e.name for e in sheet.timeline]
    # Course order is not date order: the Constituent Assembly (chapter 1, January
    # 1918) comes after War Communism (chapter 3, from 1918) and before Brest-Litovsk.
    assert (
        names.index("War Communism")
        < names.index("The Constituent Assembly")
        < names.index("Treaty of Brest-Litovsk")
        < names.index("Comintern")
        < names.index("Treaty of Rapallo")
    )
    assert names[0] == "Lenin's return and the April Theses"
    # dated headings that name no event are no entries
    assert "The gamble pays off" not in names
    assert "Trade and recognition" not in names


def test_every_entry_links_to_its_paragraph_in_its_chapter(client, sample, learner):
    client.force_login(learner)
    html = text_of(client.get(URL))
    body = html.split('<div class="sheet-parts">', 1)[1]
    links = re.findall(r'href="(/courses/lenin/[^"]+)"', body)
    facts = Fact.objects.select_related("chapter")
    expected = {
        f"/courses/lenin/{f.chapter.slug}/" + (f"#{f.anchor}" if f.anchor else "")
        for f in facts
    }
    assert set(links) == expected
    assert len(links) == facts.count()
    pages = {}
    for link in links:
        path, _, anchor = link.partition("#")
        if path not in pages:
            pages[path] = client.get(path).content.decode()
        assert not anchor or f'id="{anchor}"' in pages[path], link


def locked_words() -> list[str]:
    """What every locked fact says that no free fact says."""
    free = " ".join(
        " ".join([f.subject, f.value, f.text, f.detail, f.context])
        for f in Fact.objects.filter(locked=False)
    )
    return sorted(
        {
            words
            for f in Fact.objects.filter(locked=True)
            for words in (f.subject, f.value, f.text, f.detail)
            if len(words) >= 4 and words not in free
        }
    )


def test_visitor_gets_no_locked_fact(client, sample):
    words = locked_words()
    assert len(words) > 20
    assert "the Polish–Soviet War" in words and "Robber peace" in words
    for method in (client.get, client.head):
        response = method(URL)
        assert response.status_code == 200
        html = text_of(response)
        # case aside: the timeline starts each name with a capital
        assert [w for w in words if w.lower() in html.lower()] == []
    html = text_of(client.get(URL))
    assert "Unlock the whole cheatsheet with a free account" in html
    assert "sign in to print the whole cheatsheet" in html
    assert "/accounts/sign-up/?next=/courses/lenin/cheatsheet/" in html
    assert "Treaty of Brest-Litovsk" in html and "<strong>27%</strong>" in html
    free = Fact.objects.filter(locked=False)
    body = html.split('<div class="sheet-parts">', 1)[1]
    assert body.count('<a href="/courses/lenin/') == free.count()


def test_signed_in_learner_gets_every_locked_fact(client, sample, learner):
    client.force_login(learner)
    html = text_of(client.get(URL))
    assert "Unlock the whole cheatsheet" not in html
    assert "sign in to print" not in html
    for fact in Fact.objects.filter(locked=True):
        shown = fact.value if fact.kind != "figure" else fact.text.split("___")[0]
        assert shown in html, fact.key
    # the timeline starts each name with a capital ("Holding on: the Constituent
    # Assembly" names "the Constituent Assembly")
    assert "The Polish–Soviet War" in html and "Robber peace" in html
    assert "The Constituent Assembly" in html


def test_a_precise_date_stated_only_in_the_locked_part_stays_there(
    client, write_course, learner
):
    folder = write_course(
        {"course.yaml": COURSE_YAML, "01-one.md": CHAPTER.format(title="One")}
    )
    course_import(path=folder)
    event = Fact.objects.get(kind="event")
    # a free event takes nothing from the locked part (revise/content/facts.py)
    assert not event.locked and event.detail == ""
    html = text_of(client.get("/courses/course/cheatsheet/"))
    assert "1920 — Treaty of Somewhere" in " ".join(
        re.sub(r"<[^>]+>", " ", html).split()
    )
    assert "3 March" not in html and "Secret clause" not in html
    assert "Unlock the whole cheatsheet" in html
    client.force_login(learner)
    html = text_of(client.get("/courses/course/cheatsheet/"))
    assert "Secret clause" in html


def test_course_page_and_study_panel_link_to_the_cheatsheet(client, sample):
    assert f'href="{URL}"' in client.get("/courses/lenin/").content.decode()
    chapter = client.get("/courses/lenin/foreign-policy/").content.decode()
    assert re.search(
        rf'<a href="{URL}">Cheatsheet</a></strong>\s*<span>View a summary cheatsheet '
        r"for Case study: Vladimir Lenin</span>",
        chapter,
    )


def test_unknown_course_is_404_and_only_get_and_head_are_allowed(client, sample):
    assert client.get("/courses/nope/cheatsheet/").status_code == 404
    assert client.head(URL).status_code == 200
    for method in (client.post, client.put, client.delete, client.options):
        assert method(URL).status_code == 405


def test_a_course_without_facts_says_so(client, write_course):
    chapter = "---\ntitle: One\n---\nNothing to note here.\n"
    course_import(path=write_course({"course.yaml": COURSE_YAML, "01-one.md": chapter}))
    html = text_of(client.get("/courses/course/cheatsheet/"))
    assert "give no dates, figures, definitions or views" in html
    assert 'class="sheet-part"' not in html and "Unlock" not in html


def test_cheatsheet_takes_a_fixed_number_of_queries(
    client, sample, learner, django_assert_max_num_queries
):
    client.force_login(learner)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200


def test_facts_are_read_only_in_the_admin(client, sample):
    client.force_login(User.objects.create_superuser("admin@example.com", PASSWORD))
    listing = client.get("/admin/catalog/fact/?kind=view")
    assert listing.status_code == 200
    assert "E.H. Carr" in listing.content.decode()
    fact = Fact.objects.first()
    assert client.get("/admin/catalog/fact/add/").status_code == 403
    assert client.post(f"/admin/catalog/fact/{fact.pk}/delete/").status_code == 403
