"""Interactive lessons: a chapter's steps built from its facts and its author's steps
(``builder``), their answers read and marked (``graders``), their length (``timing``),
and a learner's or visitor's run through them (``selectors``, ``services``)."""
