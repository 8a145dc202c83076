#!/usr/bin/env bash
# Makes Debian's Chromium available for the browser tests (Playwright drives /usr/bin/chromium;
# nothing is downloaded by Playwright itself). Installs the package when it is missing and we may
# (root, apt-get present); otherwise says why the browser tests will be skipped. Never fails the
# build by itself: FOGWATCH_REQUIRE_BROWSER=1 (set by .ci/run) makes the tests fail instead of skip.
set -u
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium package for the browser tests"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "ensure-chromium: could not install chromium; the browser tests will be skipped"
else
  echo "ensure-chromium: no /usr/bin/chromium and no way to install it; the browser tests will be skipped"
fi
exit 0
