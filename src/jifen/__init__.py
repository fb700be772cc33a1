"""jifen: an append-only points ledger for party branches (党员量化积分管理)."""

__version__ = "0.1.0"
