"""The ``revise`` command: check and import courses, serve the app.

``revise check`` needs no database: it only parses. The other commands set up Django.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _setup_django(*, migrate: bool = False) -> None:
    """Set up Django; with ``migrate``, bring the database schema up to date first.

    Commands that write (import, serve) migrate, so that they work on a fresh database
    instead of failing with "no such table"; the database cache's table (the shared page
    cache, when Redis is not configured) is made at the same time.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revise.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0, skip_checks=False)
        call_command("createcachetable", verbosity=0)


def cmd_check(args: argparse.Namespace) -> int:
    from revise.content.parser import parse_course
    from revise.content.report import card_lines, fact_lines, items_json

    status = 0
    documents = []
    for path in args.paths:
        course, problems = parse_course(Path(path))
        for problem in problems:  # with --json, standard output is the JSON alone
            print(problem, file=sys.stderr if args.json else sys.stdout)
        if problems or course is None:
            noun = "problem" if len(problems) == 1 else "problems"
            print(f"{path}: {len(problems)} {noun}", file=sys.stderr)
            status = 1
            continue
        if args.json:
            documents.append(items_json(course, cards=args.cards, facts=args.facts))
            continue
        if args.cards:
            print(*card_lines(course), sep="\n")
        if args.facts:
            print(*fact_lines(course), sep="\n")
        print(f"{path}: OK — {course.summary_line()}")
    if args.json:  # one path: its document (null if it has problems); several: a list
        one = documents[0] if documents else None
        print(json.dumps(documents if len(args.paths) != 1 else one, indent=2))
    return status


def cmd_import(args: argparse.Namespace) -> int:
    _setup_django(migrate=True)
    from revise.catalog.services import CourseInvalid, course_import

    status = 0
    for path in args.paths:
        try:
            report = course_import(path=Path(path), force=args.force)
        except CourseInvalid as exc:
            for problem in exc.problems:
                print(problem)
            print(f"{path}: not imported; nothing was changed", file=sys.stderr)
            status = 1
            continue
        if report.changed:
            print(f"{path}: imported course '{report.course}'")
            for line in report.lines():
                print(f"  {line}")
        else:
            print(f"{path}: course '{report.course}' is up to date; nothing changed")
    return status


def sample_courses_load() -> list[str]:
    """Import the bundled courses if the database holds no course; returns their slugs."""
    from django.conf import settings

    from revise.catalog.models import Course
    from revise.catalog.services import course_import

    if Course.objects.exists():
        return []
    root = Path(settings.REVISE_COURSES_DIR)
    folders = sorted(p.parent for p in root.glob("*/course.yaml"))
    return [course_import(path=folder).course for folder in folders]


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django(migrate=True)
    from django.core.management import call_command

    from revise.serving import default_workers, gunicorn_argv, supervise, worker_argv

    call_command("collectstatic", interactive=False, verbosity=0)
    for slug in sample_courses_load():
        print(f"Loaded the sample course '{slug}'")
    workers = args.workers or default_workers()
    print(
        f"Serving Revise at http://{args.host}:{args.port}/ with {workers} workers"
        " and a background task worker"
    )
    sys.stdout.flush()
    return supervise(gunicorn_argv(args.host, args.port, workers), worker_argv())


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revise.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["revise manage", *args.rest])
    return 0


def cmd_export_anki(args: argparse.Namespace) -> int:
    _setup_django(migrate=True)
    from django.core.management import call_command
    from django.core.management.base import CommandError

    argv = [args.course] + ([args.chapter] if args.chapter else [])
    argv += ["--output", args.output] if args.output else []
    argv += ["--free-only"] if args.free_only else []
    try:
        call_command("export_anki", *argv)
    except CommandError as exc:
        print(f"revise export-anki: {exc}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revise", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate course folders; changes nothing")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.add_argument(
        "--cards",
        action="store_true",
        help="also list the cards made from the notes, with the ids skip_cards takes",
    )
    check.add_argument(
        "--facts",
        action="store_true",
        help="also list the facts found in the notes (definitions, events, figures, views)",
    )
    check.add_argument(
        "--json",
        action="store_true",
        help="print the course's items (with --cards: every card and question; with "
        "--facts: every fact) as JSON instead of lines",
    )
    check.set_defaults(func=cmd_check)

    imp = sub.add_parser(
        "import", help="import or update course folders, all or nothing"
    )
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument(
        "--force",
        action="store_true",
        help="parse and import even folders whose files have not changed",
    )
    imp.set_defaults(func=cmd_import)

    serve = sub.add_parser(
        "serve", help="migrate, load the sample course, serve with gunicorn"
    )
    serve.add_argument("--host", default=os.environ.get("REVISE_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    serve.add_argument(
        "--workers", type=int, default=0, help="default: cores + 1 (at most 9)"
    )
    serve.set_defaults(func=cmd_serve)

    export = sub.add_parser("export-anki", help="write a deck as an Anki .apkg")
    export.add_argument("course", metavar="COURSE")
    export.add_argument("chapter", metavar="CHAPTER", nargs="?", default=None)
    export.add_argument("-o", "--output", metavar="FILE")
    export.add_argument(
        "--free-only", action="store_true", help="leave locked cards out"
    )
    export.set_defaults(func=cmd_export_anki)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # The reader went away (`revise check … | head`): stop quietly, as Unix tools
        # do, with standard output sent nowhere so that flushing it at exit cannot fail.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:
        # Imported here: `revise check` never loads Django's database layer.
        from django.core.management.base import SystemCheckError

        if not isinstance(error, SystemCheckError):
            raise
        print(f"revise: {error}", file=sys.stderr)  # e.g. an SQLite too old
        return 1


if __name__ == "__main__":
    sys.exit(main())
