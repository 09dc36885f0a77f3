"""The Teams app package."""
