# Shared by scripts/run and scripts/test: Debian packages and the build.
# shellcheck shell=bash

PASSERELLE_PACKAGES=(
  cmake ninja-build g++ pkg-config openssl ccache
  libboost1.81-all-dev libboost-url1.81-dev libxerces-c-dev libxmlsec1-dev libpqxx-dev libssl-dev
  nlohmann-json3-dev libspdlog-dev libcli11-dev libzip-dev libutfcpp-dev
  postgresql
)
# Only the test command needs clang (libFuzzer smoke run), the xmlsec1 tool
# (lot signatures are checked against it, tests/unit/lot_signature_verify_test)
# and chromium (the exported INDEX.HTM is rendered headless,
# tests/unit/xdm_package_test).
PASSERELLE_TEST_PACKAGES=(clang xmlsec1 chromium)

# Installs what is missing when root; otherwise prints the exact command and stops.
ensure_packages() {
  local missing=()
  local package
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Passerelle needs these Debian packages. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# build_tree DIR BUILD_TYPE [extra cmake args...] [-- targets...]
build_tree() {
  local dir=$1 type=$2
  shift 2
  local cmake_args=() targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do cmake_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  targets=("$@")
  cmake -S "$PASSERELLE_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "${cmake_args[@]}" >/dev/null
  if [ ${#targets[@]} -gt 0 ]; then
    cmake --build "$dir" --target "${targets[@]}"
  else
    cmake --build "$dir"
  fi
}
