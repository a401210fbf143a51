# Shared by the quick-start scripts. Installs missing Debian packages (idempotent) and names what it
# does. Sourced, not run.

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# ensure_packages PKG...: installs the Debian packages that are not installed yet.
ensure_packages() {
  local missing=()
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages present: $*"
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  say "Installing Debian packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# ensure_cargo_tool BIN CRATE [VERSION]: installs a cargo subcommand when it is missing.
ensure_cargo_tool() {
  local bin=$1 crate=$2 version=${3:-}
  if command -v "$bin" >/dev/null 2>&1; then
    say "$bin present"
    return 0
  fi
  say "Installing $crate from crates.io"
  if [ -n "$version" ]; then
    cargo install --locked "$crate" --version "$version"
  else
    cargo install --locked "$crate"
  fi
}

# Debian packages every build needs: a C toolchain for crates with C parts (libFuzzer is C++),
# SQLite (3.35 or newer; Debian 12 has 3.40) for the kiosk store and the central simulator, and
# OpenCV 4.6 for the camera (the opencv crate generates its bindings with libclang; opencv-data
# holds the Haar/LBP cascades the kiosk uses when no YuNet model is configured); for the Slint
# touchscreen, the winit backend's keyboard maps and the linuxkms backend's input and udev
# libraries, and the Noto CJK fonts the UI registers explicitly.
BASE_PACKAGES=(gcc g++ pkg-config libsqlite3-dev libopencv-dev clang libclang-dev opencv-data
  libudev-dev libinput-dev libxkbcommon-dev fonts-noto-cjk)
