#!/usr/bin/env bash
# Install what building and testing pg_rbac needs, if missing (Debian 12,
# run as root).  Idempotent and quiet when everything is present.
set -euo pipefail

# libssl-dev: OpenSSL headers and libcrypto for RS256/ES256 tokens (src/jwt.c);
# python3-cryptography: the independent token implementation of TAP 021 (and
# pg_rbac.testing's RS256/ES256 tokens); python3-sqlalchemy, -psycopg2,
# -flask, -pytest: the Python package and the Flask example (python/,
# examples/gitclub-flask).
PKGS=(postgresql-15 postgresql-server-dev-15 libipc-run-perl graphviz make gcc
      clang libclang-rt-14-dev pgbouncer sqlsmith libssl-dev python3-cryptography
      python3-sqlalchemy python3-psycopg2 python3-flask python3-pytest)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "deps.sh: missing packages ${missing[*]}; run as root to install them" >&2
        exit 1
    fi
    echo "deps.sh: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Node.js and npm for the example application (examples/gitclub-api), from
# Debian's packages, unless a node and an npm are already on the PATH.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [ "$(id -u)" != 0 ]; then
        echo "deps.sh: node and npm are missing; run as root to install them" >&2
        exit 1
    fi
    echo "deps.sh: installing nodejs npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
