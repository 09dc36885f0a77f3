#!/usr/bin/env bash
# Create .venv (if needed) and install the bot with its test tools and the Azure Blob Storage
# backend (ASSISTANT_STORE=blob). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test,azure]"
