# run-consumer.cmake - installs qopt into a scratch prefix and builds and runs
# the consumer project against it, as an embedding compiler would.
#
# Inputs: QOPT_BINARY_DIR, CONSUMER_SOURCE_DIR, WORK_DIR, MLIR_DIR, FILECHECK,
# CMAKE_GENERATOR.

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()

set(prefix ${WORK_DIR}/install)
set(build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${prefix})

run(${CMAKE_COMMAND} --install ${QOPT_BINARY_DIR} --prefix ${prefix})
run(${CMAKE_COMMAND} -G ${CMAKE_GENERATOR} -S ${CONSUMER_SOURCE_DIR} -B ${build}
    -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH=${prefix}
    -DMLIR_DIR=${MLIR_DIR})
run(${CMAKE_COMMAND} --build ${build})

# The consumer's own opt tool runs a qopt pass on an input; check the result.
execute_process(
  COMMAND ${build}/consumer-opt ${CONSUMER_SOURCE_DIR}/input.mlir
          "--pass-pipeline=builtin.module(qopt-annotate-candidates{bits=8,4})"
  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "consumer-opt failed (${rc})")
endif()
file(WRITE ${WORK_DIR}/consumer-output.mlir "${out}")
run(${FILECHECK} ${CONSUMER_SOURCE_DIR}/input.mlir
    --input-file=${WORK_DIR}/consumer-output.mlir)

# The installed qopt tool works too.
run(${prefix}/bin/qopt --version)

# The installed Python package imports from the prefix alone (not the build
# tree) and runs a pipeline and the reference executor.
if(PYTHON_INSTALL_DIR)
  set(pydir ${prefix}/${PYTHON_INSTALL_DIR})
  execute_process(
    COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${pydir} /usr/bin/python3
            ${CMAKE_CURRENT_LIST_DIR}/check_python_package.py
    WORKING_DIRECTORY ${WORK_DIR}
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the installed qopt Python package failed (${rc})")
  endif()
endif()
