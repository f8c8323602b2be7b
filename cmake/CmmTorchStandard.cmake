# Raises the project's C++ standard to C++20 when the libtorch found does not
# compile as C++17 (libtorch 2.12 and later require C++20 of its users; the
# Debian libtorch 1.13 and CAF 0.17 build as either). Only libtorch 2.10 and
# later are probed, so the Debian build configures as fast as before. A
# CMAKE_CXX_STANDARD other than 17 on the command line skips the probe.
if(CMAKE_CXX_STANDARD EQUAL 17 AND Torch_VERSION VERSION_GREATER_EQUAL 2.10)
  # Compile only: linking needs nothing from this probe.
  set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
  try_compile(CMM_TORCH_BUILDS_AS_CXX17
    ${CMAKE_BINARY_DIR}/torch-standard-probe
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/torch_standard_probe.cpp
    CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${TORCH_INCLUDE_DIRS}"
    COMPILE_DEFINITIONS ${TORCH_CXX_FLAGS}
    CXX_STANDARD 17
    CXX_STANDARD_REQUIRED ON
    CXX_EXTENSIONS OFF
    OUTPUT_VARIABLE CMM_TORCH_PROBE_OUTPUT)
  unset(CMAKE_TRY_COMPILE_TARGET_TYPE)
  file(WRITE ${CMAKE_BINARY_DIR}/torch-standard-probe.log
       "${CMM_TORCH_PROBE_OUTPUT}")
  if(NOT CMM_TORCH_BUILDS_AS_CXX17)
    message(STATUS "caf-model-manager: libtorch ${Torch_VERSION} does not "
                   "build as C++17; using C++20")
    set(CMAKE_CXX_STANDARD 20)
  endif()
endif()
