"""``jifen serve``: the branch's web pages over the same book the command line uses.

- ``accounts``: the account file beside the ledger (argon2 hashes, roles, invitations)
"""
