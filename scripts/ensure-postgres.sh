#!/usr/bin/env bash
# Makes PostgreSQL's server binaries available for the test suite, which starts its own throwaway
# server. Installs Debian's package when they are missing and we may (root, apt-get present);
# otherwise says why the PostgreSQL tests will be skipped. Never fails the build by itself.
set -u
found() {
  command -v initdb >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if found; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-postgres: installing Debian's postgresql package for the tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "ensure-postgres: could not install postgresql; its tests will be skipped"
else
  echo "ensure-postgres: no PostgreSQL server binaries and no way to install them; its tests will be skipped"
fi
exit 0
