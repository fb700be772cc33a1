"""The store: reading and writing what lives in files — YAML, the ledger, schemes, the cache, git."""
