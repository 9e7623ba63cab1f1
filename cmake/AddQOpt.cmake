#===- AddQOpt.cmake - Helpers to declare qopt libraries and tools ----------===#
#
# qopt libraries are ordinary MLIR libraries (add_mlir_library) that install
# into qopt's own export set, QOptTargets, rather than MLIR's. Consumers get
# them as QOpt::<name> through find_package(QOpt).
#
#===----------------------------------------------------------------------===#

# Installs a library target into the QOptTargets export set and gives it the
# include directories a consumer needs.
function(qopt_install_library name)
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${QOPT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${QOPT_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  install(TARGETS ${name}
    EXPORT QOptTargets
    COMPONENT ${name}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  set_property(GLOBAL APPEND PROPERTY QOPT_ALL_LIBS ${name})
endfunction()

# add_qopt_library(name sources... [DEPENDS ...] [LINK_LIBS ...]): a qopt
# library, built like an MLIR library and installed for find_package(QOpt).
function(add_qopt_library name)
  add_mlir_library(${name} ${ARGN} DISABLE_INSTALL)
  qopt_install_library(${name})
endfunction()

# Same, for libraries that hold a dialect (registered as such with MLIR's
# bookkeeping so tools can query MLIR_DIALECT_LIBS).
function(add_qopt_dialect_library name)
  set_property(GLOBAL APPEND PROPERTY QOPT_DIALECT_LIBS ${name})
  add_qopt_library(${name} ${ARGN} DEPENDS mlir-headers)
endfunction()

# Libraries that only tests link (test passes); never installed.
function(add_qopt_test_library name)
  add_mlir_library(${name} ${ARGN} DISABLE_INSTALL EXCLUDE_FROM_LIBMLIR)
endfunction()

# qopt_add_doc(td_basename output_path tablegen-args...): generates Markdown
# reference documentation from ODS into ${QOPT_BINARY_DIR}/docs/<output_path>.md
# as part of the `qopt-doc` target. docs/ in the source tree holds the same
# files, kept current by scripts/update-docs.sh and checked by a test.
function(qopt_add_doc td_basename output_path)
  set(LLVM_TARGET_DEFINITIONS ${td_basename}.td)
  get_filename_component(name ${output_path} NAME)
  tablegen(MLIR ${name}.md ${ARGN})
  set(gen ${QOPT_BINARY_DIR}/docs/${output_path}.md)
  add_custom_command(OUTPUT ${gen}
    COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_CURRENT_BINARY_DIR}/${name}.md ${gen}
    DEPENDS ${CMAKE_CURRENT_BINARY_DIR}/${name}.md)
  add_custom_target(${name}DocGen DEPENDS ${gen})
  add_dependencies(qopt-doc ${name}DocGen)
endfunction()
