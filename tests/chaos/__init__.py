"""The bounded chaos test: the app killed at random moments, restarted; nothing lost."""
