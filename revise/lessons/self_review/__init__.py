"""Self review: a chapter's questions on one page.

The learner writes an answer to each question (kept as a draft), reveals the author's
guidance points and marks each one covered or missed; a marking is saved as a
:class:`~revise.lessons.models.SelfReviewAttempt`.

- ``matching``: plain text work, no database: which guidance points an answer seems to
  cover (stemmed words), and the labels authors write at the start of points.
- ``selectors``: what a viewer may see of a chapter's questions (locked ones only through
  ``revise/accounts/access.py``), and reading a submitted form.
- ``services``: saving drafts and markings, each inside a transaction.
"""
