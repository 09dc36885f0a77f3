#!/usr/bin/env bash
# Create .venv (if needed) and install the bot with its test tools and the Azure Blob Storage
# backend (ASSISTANT_STORE=blob), at the tested versions of requirements.lock. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# The lock as constraints: every package at its tested version, none that is not needed.
.venv/bin/python -m pip install --quiet -c requirements.lock -e ".[test,azure,telemetry]"
