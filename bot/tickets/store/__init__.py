"""Where tickets, deliveries and bot state are kept: SQLite (one instance)
or Azure Blob (several)."""
