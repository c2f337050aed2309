#!/usr/bin/env bash
# Prints the path of a python3 that can import jsonschema 4 (what ../shared/tools/arm-contract-check
# needs), installing Debian's python3-jsonschema when no python has it. PyPI is not reachable here.
set -euo pipefail
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import jsonschema' 2>/dev/null; then
    command -v "$py"
    exit 0
  fi
done
if command -v apt-get >/dev/null 2>&1; then
  echo "installing python3-jsonschema from Debian for the ARM contract check" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-jsonschema) >&2
  if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
    echo /usr/bin/python3
    exit 0
  fi
fi
echo "no python3 with jsonschema 4 found; install python3-jsonschema" >&2
exit 1
