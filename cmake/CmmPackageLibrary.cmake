# cmm_package_library(TARGET NAME): what a library the installed package
# exports needs beyond its sources: the alias cmm::NAME (the same name in
# the build tree as after find_package) and its include folder, the source
# folder here and the installed include folder there.
function(cmm_package_library target name)
  add_library(cmm::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endfunction()
