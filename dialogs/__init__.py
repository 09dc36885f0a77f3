"""Conversation flows on botbuilder-dialogs: thin steps that call the pure core."""
