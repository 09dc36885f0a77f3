"""Helpers shared by the tests (imported by test modules and conftest.py files; nothing imports
from a conftest.py)."""
