# Install rules and an exported CMake package, so a CAF application can
#   find_package(caf-model-manager REQUIRED)
#   target_link_libraries(app PRIVATE cmm::actors cmm::torchscript)
include(CMakePackageConfigHelpers)

install(TARGETS cmm_core cmm_config cmm_torchscript cmm_actors
        EXPORT caf-model-manager-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY core/cmm actors/cmm
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        # cmm-node's HTTP front, not part of the package.
        PATTERN "v2_protocol.hpp" EXCLUDE
        PATTERN "http_front.hpp" EXCLUDE)
install(TARGETS cmm-gen cmm-demo cmm-node cmm-ctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(CMM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/caf-model-manager)
install(EXPORT caf-model-manager-targets NAMESPACE cmm::
        DESTINATION ${CMM_CMAKE_DIR})
configure_package_config_file(
  cmake/caf-model-manager-config.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/caf-model-manager-config.cmake
  INSTALL_DESTINATION ${CMM_CMAKE_DIR})
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/caf-model-manager-config-version.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/caf-model-manager-config.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/caf-model-manager-config-version.cmake
  cmake/CmmFindCAF.cmake
  DESTINATION ${CMM_CMAKE_DIR})
