# p2v_wixl_msi(OUTPUT [VERSION v] [TEST_DRIVER file] [DEPENDS ...]): an MSI of the p2vprep
# target's exe for this build's architecture, built by wixl from installer/p2vprep.wxs.
#   VERSION      ProductVersion (default: PROJECT_VERSION)
#   TEST_DRIVER  also install this file as payload\<x86|amd64>\symmpi.sys (test builds only)
# Included by installer/CMakeLists.txt and tests/msi/CMakeLists.txt.
include_guard(GLOBAL)

find_program(P2V_WIXL wixl)
if(NOT P2V_WIXL)
  message(FATAL_ERROR "wixl not found (Debian package wixl): run toolchain/setup.sh")
endif()
function(p2v_wixl_msi out)
  cmake_parse_arguments(A "" "VERSION;TEST_DRIVER" "DEPENDS" ${ARGN})
  if(NOT A_VERSION)
    set(A_VERSION ${PROJECT_VERSION})
  endif()
  set(wxs ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/p2vprep.wxs)
  get_filename_component(name ${out} NAME_WE)
  # wixl cannot open an absolute Source path (it looks a Source up relative to the working
  # directory, then to the .wxs folder): stage the inputs and run wixl beside them.
  set(stage ${CMAKE_CURRENT_BINARY_DIR}/${name}.stage)
  set(exe p2vprep-${P2V_ARCH}.exe)
  set(readme ${CMAKE_SOURCE_DIR}/payload/README.md)
  set(copy_driver)
  set(define_driver)
  if(A_TEST_DRIVER)
    set(copy_driver COMMAND ${CMAKE_COMMAND} -E copy ${A_TEST_DRIVER} ${stage}/test-symmpi.sys)
    set(define_driver -D INCLUDE_TEST_DRIVER=test-symmpi.sys)
  endif()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${stage}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${stage}
    COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:p2vprep> ${stage}/${exe}
    COMMAND ${CMAKE_COMMAND} -E copy ${readme} ${stage}/payload-README.md
    ${copy_driver}
    COMMAND ${CMAKE_COMMAND} -E rm -f ${out}
    COMMAND ${CMAKE_COMMAND} -E chdir ${stage}
            ${P2V_WIXL} -a ${P2V_ARCH} -D Arch=${P2V_ARCH} -D Version=${A_VERSION}
            -D ExeSource=${exe} -D ReadmeSource=payload-README.md ${define_driver}
            -o ${out} ${wxs}
    WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
    DEPENDS p2vprep ${wxs} ${readme} ${A_TEST_DRIVER} ${A_DEPENDS}
    COMMENT "wixl: ${out}"
    VERBATIM)
endfunction()
