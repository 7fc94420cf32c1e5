#!/usr/bin/env bash
# MlNetConcepts root script.
#   ./run.sh setup   install prerequisites on a fresh Debian machine (idempotent; --test adds the browser, --dev the Python oracles)
#   ./run.sh demo    setup if needed, build, run the quickstart
#   ./run.sh test    setup if needed, build in Release, run all tests
#   ./run.sh bench   setup if needed, build, run the comparative benchmarks
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

# Debian packages the product and its tests use. Python pieces only make test oracles and the
# demo model; the product itself never calls Python.
APT_PACKAGES=(libopenblas0-pthread dataset-fashion-mnist)
# The explorer's browser test (Selenium) drives Debian's chromium through its chromedriver.
APT_TEST_PACKAGES=(chromium chromium-driver)
APT_DEV_PACKAGES=(python3-numpy python3-scipy python3-sklearn python3-torch python3-onnx python3-torchvision python3-pil gcc libopenblas-dev)

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

# ONNX Runtime is not installed here: the build restores it from NuGet (Microsoft.ML.OnnxRuntime,
# managed API plus native library), like every other .NET dependency.
setup() {
  local want=("${APT_PACKAGES[@]}")
  case "${1:-}" in
    --dev) want+=("${APT_DEV_PACKAGES[@]}") ;;
    --test) want+=("${APT_TEST_PACKAGES[@]}") ;;
  esac
  local missing
  missing=$(missing_packages "${want[@]}")
  if [ -n "$missing" ]; then
    echo "[setup] installing: $missing"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
  command -v dotnet >/dev/null || { echo "[setup] the .NET 10 SDK is required (dotnet on PATH)"; exit 1; }
}

build() {
  dotnet build "$ROOT/MlNetConcepts.sln" -c Release -nologo -v quiet "$@"
}

# The tool as users run it: src/Cli published for linux-x64 with ReadyToRun (the
# SDK's crossgen precompiles our assemblies and the packages', so a run starts without JIT-compiling them;
# docs/BENCHMARKS.md has the measurements). demo, mlnc and bench run this copy; the tests run the plain build.
CLI_DIR="$ROOT/out/mlnc"
publish_cli() {
  # linux-x64 only: the SDK's crossgen package is served for it (src/Cli restores for it, see RuntimeIdentifiers).
  dotnet publish "$ROOT/src/Cli/MlNetConcepts.Cli.csproj" -c Release -r linux-x64 -o "$CLI_DIR" -nologo -v quiet >/dev/null
  touch "$CLI_DIR/.published"
}

# Publishes the tool when it is missing or older than a source file (a no-op publish still costs seconds).
published_cli() {
  if [ ! -f "$CLI_DIR/.published" ] || [ -n "$(find "$ROOT/src" "$ROOT/Directory.Build.props" \( -path '*/bin' -o -path '*/obj' \) -prune -o -type f -newer "$CLI_DIR/.published" -print -quit)" ]; then
    build >&2 # stdout is the tool's
    publish_cli
  fi
}

# Lists the tests a run skipped (MSTest's Assert.Inconclusive: a missing prerequisite) with their
# reasons, read from the run's TRX log, so a skip is never silent in CI.
skipped_summary() {
  local trx=$1
  [ -f "$trx" ] || { echo "[test] no test log to summarise"; return 0; }
  awk '
    function unescape(s) { gsub(/&apos;/, "\047", s); gsub(/&quot;/, "\"", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&amp;/, "\\&", s); return s }
    /<UnitTestResult / {
      want = 0
      if ($0 !~ /outcome="NotExecuted"/) next
      match($0, /testName="[^"]*"/)
      names[++n] = unescape(substr($0, RSTART + 10, RLENGTH - 11))
      reasons[n] = "(no reason given)"
      want = ($0 !~ /\/>[ \t\r]*$/)
      next
    }
    want && /<Message>/ {
      s = $0; sub(/.*<Message>/, "", s); sub(/<\/Message>.*/, "", s); sub(/^Assert\.Inconclusive\. */, "", s)
      reasons[n] = unescape(s); want = 0
    }
    /<\/UnitTestResult>/ { want = 0 }
    END {
      if (n == 0) { print "[test] no tests skipped"; exit }
      printf "[test] %d test%s skipped:\n", n, (n == 1 ? "" : "s")
      for (i = 1; i <= n; i++) printf "  - %s: %s\n", names[i], reasons[i]
    }' "$trx"
}

cmd=${1:-help}
shift || true
case "$cmd" in
  setup) setup "$@" ;;
  test)
    setup --test
    build
    results=$(mktemp -d)
    status=0
    dotnet test "$ROOT/tests/MlNetConcepts.Tests/MlNetConcepts.Tests.csproj" -c Release --no-build -nologo \
      --logger "trx;LogFileName=$results/tests.trx" "$@" || status=$?
    skipped_summary "$results/tests.trx"
    rm -rf "$results"
    exit "$status"
    ;;
  demo)
    setup
    build
    publish_cli
    dotnet "$CLI_DIR/mlnc.dll" demo "$@"
    ;;
  bench)
    setup --dev
    build
    publish_cli
    dotnet "$ROOT/benchmarks/MlNetConcepts.Benchmarks/bin/Release/net10.0/MlNetConcepts.Benchmarks.dll" "$@"
    ;;
  mlnc)
    published_cli
    dotnet "$CLI_DIR/mlnc.dll" "$@"
    ;;
  *)
    sed -n '2,6p' "$0"
    ;;
esac
