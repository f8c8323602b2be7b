# The Debian packages every build of the project needs, sourced by
# setup.sh, test.sh and fuzz.sh (which add their own).
cmm_packages=(cmake ninja-build g++ ccache libcaf-dev libtorch-dev
  libspdlog-dev catch2 openssl gnuplot-nox nlohmann-json3-dev
  libcpp-httplib-dev pkg-config curl python3)
