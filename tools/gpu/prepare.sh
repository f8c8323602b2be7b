#!/usr/bin/env bash
# Gathers what the GPU machine lacks to build the project: the headers and
# shared libraries of CAF (core, io, openssl), spdlog, fmt, OpenSSL and
# Catch2, plus their CMake package files, copied from this machine's Debian
# packages into one git-ignored folder laid out as a prefix (include/,
# lib/<multiarch>/, lib/cmake/), so that CMAKE_PREFIX_PATH=<kit> finds them
# there before any system copy. Installs the packages first where missing.
#   tools/gpu/prepare.sh            writes .gpu-kit/ (or $CMM_GPU_KIT)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
kit=${CMM_GPU_KIT:-$root/.gpu-kit}

packages=(libcaf-dev libcaf-core0.17 libcaf-io0.17 libcaf-openssl0.17
          libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 libssl-dev libssl3
          catch2)
"$root/tools/install_packages.sh" "${packages[@]}"

arch=$(gcc -print-multiarch)
# Headers, shared libraries (with their symbolic links), CMake package
# files and the one archive Catch2's package file names; no other static
# archives, docs, pkg-config files or OpenSSL's modules.
wanted="^/usr/(include/|lib/$arch/lib[^/]*\.so[.0-9]*$|lib/$arch/cmake/|lib/cmake/|lib/libCatch2WithMain\.a$)"
list=$(mktemp)
trap 'rm -f "$list"' EXIT
for p in "${packages[@]}"; do
  # A package with no wanted file, or a folder read last, is no failure.
  { dpkg -L "$p" | grep -E "$wanted" || true; } | while read -r f; do
    if [[ -f $f || -L $f ]]; then echo "${f#/usr/}"; fi
  done
done | sort -u >"$list"

rm -rf "$kit"
mkdir -p "$kit"
tar -C /usr -cf - -T "$list" | tar -C "$kit" -xf -
# OpenSSL keeps two headers in a multiarch folder that only the system
# compiler searches: put them next to the others.
if [[ -d $kit/include/$arch/openssl ]]; then
  mv "$kit/include/$arch/openssl/"* "$kit/include/openssl/"
  rm -r "${kit:?}/include/$arch"
fi
{
  echo "# Debian packages in this kit (tools/gpu/prepare.sh, $(date -u +%F))"
  dpkg-query -W -f='${Package} ${Version}\n' "${packages[@]}"
} >"$kit/MANIFEST"
echo "$arch" >"$kit/MULTIARCH"
echo "kit: $kit ($(du -sh "$kit" | cut -f1), $(wc -l <"$list") files)"
