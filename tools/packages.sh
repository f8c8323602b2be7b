# The Debian packages every build of the project needs, sourced by
# setup.sh, test.sh and fuzz.sh (which add their own).
# libopenblas0-serial: Debian's libtorch calls the BLAS interface that the
# alternatives system provides; with only the reference BLAS that libtorch
# pulls in, every matrix product runs unvectorized (73 % of a batched
# inference benchmark's time was in its sgemm). The serial build: the
# pthread one's idle threads spin in sched_yield next to the actors and
# libtorch's own intra-op threads (38 % of that benchmark's time).
cmm_packages=(cmake ninja-build g++ ccache libcaf-dev libtorch-dev
  libspdlog-dev catch2 openssl gnuplot-nox nlohmann-json3-dev
  libcpp-httplib-dev pkg-config curl python3 libopenblas0-serial)
