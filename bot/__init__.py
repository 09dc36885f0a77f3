"""Interact Communities assistant: the catalogue, understanding and answers (no botbuilder)."""
