"""The store on Azure Blob Storage, tested against Azurite (tests/support/azurite.py)."""
