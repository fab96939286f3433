"""The submission and review package of a published CSR version (issue 18): ``nox -s
submission -- VERSION [--check]`` writes ``report/<VERSION>/submission/``
(:mod:`submission.package`).

One module per part, each with ``write(ctx) -> list[Path]`` and ``check(ctx) -> list[str]``
(:mod:`submission.context`): the analysis datasets (:mod:`submission.datasets`), define.xml
(:mod:`submission.define`), the ARS reporting event (:mod:`submission.ars`), the reviewer's
guide (:mod:`submission.adrg`) and the programs (:mod:`submission.programs`).
"""
