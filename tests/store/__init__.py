"""The storage contract (bot/tickets/store/contract.py), run on every backend."""
