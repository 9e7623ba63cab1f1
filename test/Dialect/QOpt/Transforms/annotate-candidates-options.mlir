// Bad pass options are reported before any IR is touched, one error each
// (option errors have no location).
// RUN: qopt %s -split-input-file -verify-diagnostics -qopt-annotate-candidates="bits=9,1 minifloats=i8,f99,f32 group-size=0"
// RUN: qopt %s -qopt-annotate-candidates="bits=1 asymmetric=true" 2>/dev/null | FileCheck %s --check-prefix=UI1
// RUN: not qopt %s -qopt-annotate-candidates="granularity=per-row" 2>&1 | FileCheck %s --check-prefix=GRANULARITY

// expected-error @unknown {{qopt-annotate-candidates: bits must be 1 to 8, got 9}}
// expected-error @unknown {{qopt-annotate-candidates: bits=1 needs asymmetric (a symmetric signed format needs at least 2 bits)}}
// expected-error @unknown {{qopt-annotate-candidates: minifloats: 'i8' is not a builtin floating-point type}}
// expected-error @unknown {{qopt-annotate-candidates: minifloats: 'f99' is not a builtin floating-point type}}
// expected-error @unknown {{qopt-annotate-candidates: floating-point formats must have at most 16 bits, got 'f32'}}
// expected-error @unknown {{qopt-annotate-candidates: group-size must be >= 1, got 0}}

// UI1: qopt.candidates = #qopt.candidates<[<ui1, per_channel(axis = 1), asymmetric>]>
// GRANULARITY: Cannot find option named 'per-row'

func.func @f(%a: tensor<4x32xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<1.0> : tensor<32x16xf32>
  %0 = linalg.matmul ins(%a, %w : tensor<4x32xf32>, tensor<32x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
