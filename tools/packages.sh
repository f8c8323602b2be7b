# The Debian packages every build of the project needs, sourced by
# setup.sh, test.sh and fuzz.sh (which add their own).
# libopenblas0-pthread: Debian's libtorch calls the BLAS interface that the
# alternatives system provides; with only the reference BLAS that libtorch
# pulls in, every matrix product runs unvectorized (73 % of a batched
# inference benchmark's time was in its sgemm).
cmm_packages=(cmake ninja-build g++ ccache libcaf-dev libtorch-dev
  libspdlog-dev catch2 openssl gnuplot-nox nlohmann-json3-dev
  libcpp-httplib-dev pkg-config curl python3 libopenblas0-pthread)
