// Bad pass options are reported before any IR is touched.
// RUN: not qopt %s -qopt-annotate-candidates="bits=9" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not qopt %s -qopt-annotate-candidates="minifloats=i8" 2>&1 | FileCheck %s --check-prefix=FLOAT
// RUN: not qopt %s -qopt-annotate-candidates="minifloats=f99" 2>&1 | FileCheck %s --check-prefix=FLOAT-NAME
// RUN: not qopt %s -qopt-annotate-candidates="group-size=0" 2>&1 | FileCheck %s --check-prefix=GROUP
// RUN: not qopt %s -qopt-annotate-candidates="granularity=per-row" 2>&1 | FileCheck %s --check-prefix=GRANULARITY
// RUN: not qopt %s -qopt-annotate-candidates="minifloats=f32" 2>&1 | FileCheck %s --check-prefix=WIDE

// BITS: error: qopt-annotate-candidates: bits must be 1 to 8, got 9
// FLOAT: error: qopt-annotate-candidates: minifloats: 'i8' is not a builtin floating-point type
// FLOAT-NAME-NOT: expected non-function type
// FLOAT-NAME: error: qopt-annotate-candidates: minifloats: 'f99' is not a builtin floating-point type
// GROUP: error: qopt-annotate-candidates: group-size must be positive, got 0
// GRANULARITY: Cannot find option named 'per-row'
// WIDE: error: qopt-annotate-candidates: floating-point formats must have at most 16 bits, got 'f32'

func.func @f(%a: tensor<4x32xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<1.0> : tensor<32x16xf32>
  %0 = linalg.matmul ins(%a, %w : tensor<4x32xf32>, tensor<32x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
