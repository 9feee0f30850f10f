"""Account emails, sent by the task worker (``manage.py db_worker``, run by ``revise serve``).

A request that may email someone only queues one of these, with the same arguments
whatever the address: whether the address has an account is looked up here, in the worker,
so neither the answer nor its timing tells. Arguments are JSON and hold no password.
"""

from __future__ import annotations

from django_tasks import task


@task()
def password_reset_mail_send(email: str, domain: str, use_https: bool) -> None:
    """Email a reset link to the account with ``email``, if there is one; else nothing."""
    from revise.accounts import services

    services.password_reset_mail(email=email, domain=domain, use_https=use_https)


@task()
def signup_mail_send(pending_id: int, origin: str) -> None:
    """Email the link for a pending sign-up, or a reminder if the address has an account."""
    from revise.accounts import services

    services.signup_mail(pending_id=pending_id, origin=origin)
