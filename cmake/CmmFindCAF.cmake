# Provides the imported targets CAF::core, CAF::io and CAF::openssl.
# CAF 0.18+ ships a CMake package; Debian's CAF 0.17 does not, so fall back
# to finding its headers and libraries.
# CMM_CAF_PREFIX names another CAF installed under one prefix (tools/test.sh
# --thread sets it to a CAF built with ThreadSanitizer): its headers and
# libraries are then taken from there and nowhere else: the headers of one
# CAF with the libraries of another would build, link and fail at run time.
set(CMM_CAF_PREFIX "" CACHE PATH
    "Prefix of the CAF to build against (empty: the system's)")
if(NOT CMM_CAF_PREFIX STREQUAL CMM_CAF_PREFIX_USED)
  unset(CAF_DIR CACHE)
  unset(CAF_INCLUDE_DIR CACHE)
  unset(CAF_CORE_LIBRARY CACHE)
  unset(CAF_IO_LIBRARY CACHE)
  unset(CAF_OPENSSL_LIBRARY CACHE)
  set(CMM_CAF_PREFIX_USED "${CMM_CAF_PREFIX}" CACHE INTERNAL "")
endif()
if(CMM_CAF_PREFIX)
  set(cmm_caf_package PATHS "${CMM_CAF_PREFIX}" NO_DEFAULT_PATH)
  set(cmm_caf_headers PATHS "${CMM_CAF_PREFIX}/include" NO_DEFAULT_PATH)
  set(cmm_caf_libraries PATHS "${CMM_CAF_PREFIX}/lib" NO_DEFAULT_PATH)
endif()
find_package(CAF CONFIG QUIET COMPONENTS core io ${cmm_caf_package})
if(NOT CAF_FOUND)
  find_path(CAF_INCLUDE_DIR caf/all.hpp ${cmm_caf_headers} REQUIRED)
  find_library(CAF_CORE_LIBRARY caf_core ${cmm_caf_libraries} REQUIRED)
  find_library(CAF_IO_LIBRARY caf_io ${cmm_caf_libraries} REQUIRED)
  find_library(CAF_OPENSSL_LIBRARY caf_openssl ${cmm_caf_libraries})
  find_package(Threads REQUIRED)
  if(NOT TARGET CAF::core)
    add_library(CAF::core UNKNOWN IMPORTED)
    set_target_properties(CAF::core PROPERTIES
      IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES Threads::Threads)
    add_library(CAF::io UNKNOWN IMPORTED)
    set_target_properties(CAF::io PROPERTIES
      IMPORTED_LOCATION "${CAF_IO_LIBRARY}"
      INTERFACE_LINK_LIBRARIES CAF::core)
    if(CAF_OPENSSL_LIBRARY)
      add_library(CAF::openssl UNKNOWN IMPORTED)
      set_target_properties(CAF::openssl PROPERTIES
        IMPORTED_LOCATION "${CAF_OPENSSL_LIBRARY}"
        INTERFACE_LINK_LIBRARIES CAF::io)
    endif()
  endif()
endif()
