#!/usr/bin/env bash
# Creates reference/.venv with the FastAPI reference's packages; quick and
# silent when it is already in place. Used by `npm run test:reference`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
req="$here/requirements.txt"
stamp="$venv/.requirements.installed"

if [ ! -x "$venv/bin/python" ]; then
  echo "reference: creating $venv" >&2
  python3 -m venv "$venv"
fi

# Reinstall only when requirements.txt changed since the last good install.
if [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  exit 0
fi

echo "reference: installing $req into $venv" >&2
"$venv/bin/python" -m pip install --quiet --retries 0 -r "$req"
"$venv/bin/python" -c 'import fastapi, uvicorn, pydantic, starlette'
cp "$req" "$stamp"
