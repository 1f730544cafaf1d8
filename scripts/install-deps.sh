#!/usr/bin/env bash
# Installs the build and test dependencies from Debian 12's packages.
# The CUDA toolkit is not a Debian package here: when /usr/local/cuda exists the
# CUDA backend is built too, otherwise the build is CPU-only.
set -euo pipefail

packages=(
  build-essential cmake git
  libhdf5-dev hdf5-tools       # result files (C API) and h5dump
  libcli11-dev                 # command line
  libtoml11-dev                # run configuration
  nlohmann-json3-dev           # JSON
  libssl-dev                   # SHA-256 of snapshot files (libcrypto)
  libgtest-dev                 # tests
  libbenchmark-dev             # bench/
  clang-tidy                   # scripts/tidy-kernels.sh (CI)
  clang libclang-rt-dev libomp-dev  # scripts/fuzz.sh: libFuzzer, sanitizers, OpenMP for clang
  python3-h5py python3-pandas  # tests/python: the documented ways to read a result
  python3-xarray python3-h5netcdf  # from Python (docs/output-format.md, "Reading")
  python3-matplotlib           # scripts/report.py: the HTML report's charts (docs/report.md)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
