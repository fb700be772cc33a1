"""The core: the model, the kinds of events, rules and categories, the pure replay and its outcomes.

Nothing here touches a file, the clock or git (tests/test_layers.py).
"""
