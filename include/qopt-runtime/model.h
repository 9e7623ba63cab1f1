/*===- qopt-runtime/model.h - The C ABI of compiled qopt models ----*- C -*-===*
 *
 * The types and constants that a model compiled by qopt (`qopt -o model.so`)
 * and everything that calls it share, declared once:
 *
 *  - the kernel variants (qopt_rt_isa), which the kernel library's
 *    functions (qopt-runtime/cpu.h) and a model's `N_create_with_isa` take;
 *  - the element type codes (qopt_dtype) and the input/output descriptor
 *    (qopt_tensor_desc) that a model's `N_input_desc` / `N_output_desc`
 *    return.
 *
 * Plain C with no function declarations, so that it can stand alone: qopt
 * copies this file verbatim into every generated model header (which then
 * needs nothing else to compile), the kernel library's header includes it,
 * and qopt's own loader (CompiledModel) and code generator are compiled
 * against it. The include guard lets any of them be included together.
 * The generated wrapper checks, when the library is built, that the values
 * here are the ones qopt was built with.
 *
 *===----------------------------------------------------------------------===*/

#ifndef QOPT_RUNTIME_MODEL_H
#define QOPT_RUNTIME_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*===-- Kernel variants ---------------------------------------------------===*/

typedef enum qopt_rt_isa {
  QOPT_RT_ISA_PORTABLE = 0,    /* plain C++, any CPU */
  QOPT_RT_ISA_AVX2 = 1,        /* x86-64 AVX2 + FMA */
  QOPT_RT_ISA_AVX512_VNNI = 2, /* x86-64 AVX-512 F/BW/DQ/VL + VNNI */
  QOPT_RT_ISA_AVX_VNNI = 3,    /* x86-64 AVX2 + FMA + AVX-VNNI (256-bit) */
  QOPT_RT_ISA_COUNT = 4
} qopt_rt_isa;

/* The variants' names (what qopt_rt_isa_name and a model's `N_isa_name`
 * return), in qopt_rt_isa order: `{QOPT_RT_ISA_NAMES}` is an initializer. */
#define QOPT_RT_ISA_NAMES "portable", "avx2", "avx512-vnni", "avx-vnni"

/* The spelling a model's `N_create_with_isa` documents. */
#define QOPT_ISA_PORTABLE QOPT_RT_ISA_PORTABLE
#define QOPT_ISA_AVX2 QOPT_RT_ISA_AVX2
#define QOPT_ISA_AVX512_VNNI QOPT_RT_ISA_AVX512_VNNI
#define QOPT_ISA_AVX_VNNI QOPT_RT_ISA_AVX_VNNI

/*===-- Inputs and outputs ------------------------------------------------===*/

/* Element types of inputs and outputs; every one a model can take. */
typedef enum qopt_dtype {
  QOPT_DTYPE_F32 = 1,
  QOPT_DTYPE_F64 = 2,
  QOPT_DTYPE_I8 = 3,
  QOPT_DTYPE_I16 = 4,
  QOPT_DTYPE_I32 = 5,
  QOPT_DTYPE_I64 = 6,
  QOPT_DTYPE_BOOL = 7 /* one byte per element */
} qopt_dtype;

/* One input or output. Buffers are dense and row-major. */
typedef struct qopt_tensor_desc {
  const char *name;     /* the ONNX graph input/output name */
  qopt_dtype dtype;
  int32_t rank;
  const int64_t *shape; /* rank dimensions */
  int64_t size_bytes;   /* bytes of the dense buffer */
} qopt_tensor_desc;

#ifdef __cplusplus
}
#endif

#endif /* QOPT_RUNTIME_MODEL_H */
