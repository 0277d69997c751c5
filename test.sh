#!/usr/bin/env bash
# Runs every test of the repository: unit, component (bUnit), HTTP, and end-to-end in Chromium.
# Installs what the tests need where it is absent (Debian's chromium), so a fresh machine needs nothing else.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
  echo "== Installing Debian's chromium for the browser tests"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

# The PostgreSQL tests start their own throwaway cluster from Debian's server binaries (tests/Shared/PostgresCluster.cs).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== Installing Debian's postgresql for the PostgreSQL tests"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
fi

# The several-instances tests put Debian's nginx in front of three dashboards (docs/nginx/filecheck-dashboard.conf).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "== Installing Debian's nginx for the several-instances tests"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  # RUNLEVEL=1: the package's own service is not started; each test starts nginx itself on a loopback port.
  RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nginx-light >/dev/null
fi

echo "== Building"
dotnet build Filecheck.Dashboard.sln -nologo -v quiet -clp:ErrorsOnly

echo "== Testing"
# Each reliability sweep writes its figures to docs/reliability.md, stamped with this run.
export FILECHECK_TEST_RUN="$(date -u +%Y%m%dT%H%M%SZ)-$$"
log=$(mktemp)
status=0
# One project at a time: the suite has timing-sensitive resilience tests and a real browser, and the machine has 2 cores.
for project in tests/*/*.Tests.csproj; do
  dotnet test "$project" --no-build -nologo --logger "console;verbosity=minimal" 2>&1 | tee -a "$log" || status=$?
done

# One closing line over all test projects: "N passed, N failed".
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"

# Every section listed in tests/Shared/ReliabilityReport.cs must have been written by this run.
report=docs/reliability.md
for section in $(grep -oE '^ +\("[a-z-]+", "' tests/Shared/ReliabilityReport.cs | grep -oE '[a-z-]+' ); do
  if ! grep -q "<!-- section:$section run:$FILECHECK_TEST_RUN -->" "$report" 2>/dev/null; then
    echo "docs/reliability.md: the section '$section' was not written by this run"
    status=1
  fi
done

echo "$passed passed, $failed failed"
exit $status
