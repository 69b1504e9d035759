#!/usr/bin/env bash
# The program of a published application folder: the executable beside its .runtimeconfig.json (whatever the
# command line's assembly is called). Usage: program.sh FOLDER
set -euo pipefail
config=$(ls "$1"/*.runtimeconfig.json 2>/dev/null | head -1)
[ -n "$config" ] && [ -x "${config%.runtimeconfig.json}" ] || { echo "program.sh: no program in $1" >&2; exit 1; }
echo "${config%.runtimeconfig.json}"
