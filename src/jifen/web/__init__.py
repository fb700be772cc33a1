"""``jifen serve``: the branch's web pages over the same book the command line uses.

Like Fava for beancount, the pages never compute on their own: every page opens
the ledger with ``jifen.book.open`` and shows what ``jifen.reports`` make of it;
every change is one event appended through ``jifen.book.record`` (the same lock,
the same checks as ``jifen add``), with the signed-in person as ``by``.

- ``accounts``: the account file beside the ledger (argon2 hashes, roles, invitations)
- ``guard``: sessions' CSRF tokens, sign-in rate limits, body size limit, security headers
- ``evidence``: evidence files, checked by their bytes and stored by their BLAKE3 hash
- ``views``: what each page shows, taken from the book and the reports
- ``app``: the Starlette application: routes, permissions, forms
"""
