#!/usr/bin/env bash
# MlNetConcepts root script.
#   ./run.sh setup   install prerequisites on a fresh Debian machine (idempotent)
#   ./run.sh demo    setup if needed, build, run the quickstart
#   ./run.sh test    setup if needed, build in Release, run all tests
#   ./run.sh bench   setup if needed, build, run the comparative benchmarks
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

# Debian packages the product and its tests use. Python pieces only make test oracles and the
# demo model; the product itself never calls Python.
APT_PACKAGES=(libopenblas0-pthread libturbojpeg0 dataset-fashion-mnist)
APT_DEV_PACKAGES=(python3-numpy python3-scipy python3-sklearn python3-torch python3-onnx python3-torchvision python3-pil gcc libopenblas-dev)

missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

setup() {
  local want=("${APT_PACKAGES[@]}")
  if [ "${1:-}" = "--dev" ]; then want+=("${APT_DEV_PACKAGES[@]}"); fi
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
  install_onnxruntime
}

# ONNX Runtime's C library, taken from the npm package onnxruntime-node (the only registry copy
# that ships the native CPU build). Only the Linux x64 library is extracted, into .native/.
ORT_VERSION=1.30.0
ORT_DIR="$ROOT/.native/onnxruntime"
install_onnxruntime() {
  local lib="$ORT_DIR/libonnxruntime.so.1"
  if [ -f "$lib" ] && [ "$(cat "$ORT_DIR/VERSION" 2>/dev/null)" = "$ORT_VERSION" ]; then return 0; fi
  if ! command -v npm >/dev/null; then
    echo "[setup] installing npm (needed to fetch onnxruntime-node@$ORT_VERSION)"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  echo "[setup] fetching onnxruntime-node@$ORT_VERSION (native ONNX Runtime library)"
  mkdir -p "$ORT_DIR"
  local tmp
  tmp=$(mktemp -d "$ORT_DIR/.pack.XXXXXX")
  (cd "$tmp" && npm pack --silent "onnxruntime-node@$ORT_VERSION" >/dev/null)
  tar -xzf "$tmp"/onnxruntime-node-*.tgz -C "$tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
  mv "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$lib.tmp" && mv "$lib.tmp" "$lib"
  echo "$ORT_VERSION" > "$ORT_DIR/VERSION"
  rm -rf "$tmp"
}

build() {
  dotnet build "$ROOT/MlNetConcepts.sln" -c Release -nologo -v quiet "$@"
}

cmd=${1:-help}
shift || true
case "$cmd" in
  setup) setup "$@" ;;
  test)
    setup
    build
    dotnet test "$ROOT/tests/MlNetConcepts.Tests/MlNetConcepts.Tests.csproj" -c Release --no-build -nologo "$@"
    ;;
  demo)
    setup
    build
    dotnet "$ROOT/src/Cli/bin/Release/net10.0/mlnc.dll" demo "$@"
    ;;
  bench)
    setup --dev
    build
    dotnet "$ROOT/benchmarks/MlNetConcepts.Benchmarks/bin/Release/net10.0/MlNetConcepts.Benchmarks.dll" "$@"
    ;;
  mlnc)
    dotnet "$ROOT/src/Cli/bin/Release/net10.0/mlnc.dll" "$@"
    ;;
  *)
    sed -n '2,6p' "$0"
    ;;
esac
