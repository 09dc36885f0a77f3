"""Adaptive Card builders (pure functions returning dicts) and the reply renderer."""
