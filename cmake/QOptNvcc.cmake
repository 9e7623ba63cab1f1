# cmake -P helper: runs nvcc with ARGS, writes its ptxas report (stderr
# with -Xptxas -v) to REPORT, and copies the kept PTX files out of KEEP as
# <OUT>/<NAME>.<arch>.ptx. Fails when nvcc does.
execute_process(COMMAND ${NVCC} ${ARGS}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(WRITE ${REPORT} "${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nvcc failed:\n${out}\n${err}")
endif()
file(GLOB ptx ${KEEP}/*.ptx)
foreach(f ${ptx})
  # nvcc names them <stem>.compute_XY.ptx (or <stem>.ptx for one arch).
  string(REGEX MATCH "compute_[0-9]+a?" arch "${f}")
  if(arch)
    configure_file(${f} ${OUT}/${NAME}.${arch}.ptx COPYONLY)
  endif()
endforeach()
