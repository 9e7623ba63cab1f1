// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-integer-chains{verbose})' -verify-diagnostics | FileCheck %s

// A conv -> transpose -> ReLU -> max-pool -> quantize chain becomes
// integer-only: the conv returns its int32 accumulator with the bias in
// accumulator units (1.0 / (0.5 * 0.25) = 8, 0.3 / 0.0625 = 4.8 -> 5),
// one requantize with M * 2^-S = 0.5 * s[n] / 0.125 (1.0 = 2^30 * 2^-30,
// 0.5 = 2^30 * 2^-31) and the ReLU folded into min = the zero point, and
// the data movement runs on int8 codes.
// CHECK-LABEL: func @chain
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[8, 5]> : tensor<2xi32>}>
// CHECK: %[[ACC:.*]] = qopt.conv2d %{{.*}}, %{{.*}}, %[[B]] {{.*}} -> tensor<1x4x4x2xi32>
// CHECK: %[[Q:.*]] = qopt.requantize %[[ACC]] {min = -3 : i32, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 30, 31>} : tensor<1x4x4x2xi32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 1.250000e-01:-3>>
// CHECK: %[[T:.*]] = tosa.transpose %[[Q]] {{.*}} -> tensor<1x2x4x4x!quant.uniform<i8:f32, 1.250000e-01:-3>>
// CHECK: %[[T2:.*]] = tosa.transpose %[[T]] {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, 1.250000e-01:-3>>
// CHECK: %[[P:.*]] = tosa.max_pool2d %[[T2]] {{.*}} -> tensor<1x2x2x2x!quant.uniform<i8:f32, 1.250000e-01:-3>>
// CHECK-NOT: tosa.clamp
// CHECK-NOT: qopt.quantize
// CHECK: return %[[P]]
func.func @chain(%x: tensor<1x4x4x1x!quant.uniform<i8:f32, 0.5:-128>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.125:-3>> {
  %w = qopt.packed_weight dense<1> : tensor<18xi8> : tensor<2x9x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %b = "tosa.const"() <{values = dense<[1.0, 0.3]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %y = qopt.conv2d %x, %w, %b {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x1x!quant.uniform<i8:f32, 0.5:-128>>, tensor<2x9x!quant.uniform<i8:f32:0, {0.25, 0.125}>>, tensor<2xf32> -> tensor<1x4x4x2xf32>
  %t = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %r = tosa.clamp %t {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %t2 = tosa.transpose %r {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %p = tosa.max_pool2d %t2 {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32>
  %q = qopt.quantize %p : tensor<1x2x2x2xf32> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.125:-3>>
  return %q : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.125:-3>>
}

// -----

// A clip (ReLU6) gives both bounds in codes: 6.0 / 0.125 - 3 = 45. A matmul
// without bias keeps none.
// CHECK-LABEL: func @clip
// CHECK: qopt.matmul %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x2xi32>
// CHECK: qopt.requantize %{{.*}} {max = 45 : i32, min = -3 : i32, multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 30, 31>}
func.func @clip(%x: tensor<1x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>> {
  %w = qopt.packed_weight dense<1> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.25, 0.125}>>
  %y = qopt.matmul %x, %w : tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<2x3x!quant.uniform<i4:f32:0, {0.25, 0.125}>> -> tensor<1x2xf32>
  %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %q = qopt.quantize %r : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>
  return %q : tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>
}

// -----

// Group-wise weights keep the float epilogue.
// CHECK-LABEL: func @groups
// CHECK: qopt.matmul {{.*}} -> tensor<1x1xf32>
// CHECK: qopt.quantize
func.func @groups(%x: tensor<1x128x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x1x!quant.uniform<i8:f32, 0.05>> {
  %w = qopt.packed_weight dense<0> : tensor<128xi8> : tensor<1x128x!quant.uniform<i8:f32:{0:1, 1:64}, {{0.5, 0.25}}>>
  // expected-warning @+1 {{qopt-integer-chains: kept in float: its weight has groups of scales (integer-only needs one scale per row)}}
  %y = qopt.matmul %x, %w : tensor<1x128x!quant.uniform<i8:f32, 0.1>>, tensor<1x128x!quant.uniform<i8:f32:{0:1, 1:64}, {{0.5, 0.25}}>> -> tensor<1x1xf32>
  %q = qopt.quantize %y : tensor<1x1xf32> to tensor<1x1x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<1x1x!quant.uniform<i8:f32, 0.05>>
}

// -----

// A float result with another user (a residual branch) stays float.
// CHECK-LABEL: func @fanout
// CHECK: qopt.matmul {{.*}} -> tensor<1x2xf32>
// CHECK: qopt.quantize
func.func @fanout(%x: tensor<1x3x!quant.uniform<i8:f32, 0.5>>) -> (tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>, tensor<1x2xf32>) {
  %w = qopt.packed_weight dense<1> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.25, 0.125}>>
  %y = qopt.matmul %x, %w : tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<2x3x!quant.uniform<i4:f32:0, {0.25, 0.125}>> -> tensor<1x2xf32>
  // expected-warning @+1 {{qopt-integer-chains: kept in float: its float result has other users}}
  %q = qopt.quantize %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>
  return %q, %y : tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>, tensor<1x2xf32>
}

// -----

// A multiplier outside what a shift of 2..62 encodes stays float.
// CHECK-LABEL: func @tiny_multiplier
// CHECK: qopt.quantize
func.func @tiny_multiplier(%x: tensor<1x3x!quant.uniform<i8:f32, 1.0e-10>>) -> tensor<1x2x!quant.uniform<i8:f32, 100.0>> {
  %w = qopt.packed_weight dense<1> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {1.0e-10, 1.0e-10}>>
  // expected-warning @+1 {{qopt-integer-chains: kept in float: its requantization multiplier}}
  %y = qopt.matmul %x, %w : tensor<1x3x!quant.uniform<i8:f32, 1.0e-10>>, tensor<2x3x!quant.uniform<i4:f32:0, {1.0e-10, 1.0e-10}>> -> tensor<1x2xf32>
  %q = qopt.quantize %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 100.0>>
  return %q : tensor<1x2x!quant.uniform<i8:f32, 100.0>>
}

// -----

// An imported Gemm's bias add (after reshapes that keep the channels last)
// is folded into the accumulator's bias: 0.5 / (0.5 * 0.25) = 4 and
// -0.25 / (0.5 * 0.125) = -4; the ReLU becomes min = the zero point.
// CHECK-LABEL: func @bias_add
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<[4, -4]> : tensor<2xi32>}>
// CHECK: %[[ACC:.*]] = qopt.matmul %{{.*}}, %{{.*}}, %[[B]] : {{.*}} -> tensor<1x2xi32>
// CHECK: %[[Q:.*]] = qopt.requantize %[[ACC]] {min = -3 : i32
// CHECK: %[[R:.*]] = tosa.reshape %[[Q]]
// CHECK-NOT: tosa.add
// CHECK: return %[[R]]
func.func @bias_add(%x: tensor<1x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x1x2x!quant.uniform<i8:f32, 0.125:-3>> {
  %w = qopt.packed_weight dense<1> : tensor<6xi8> : tensor<2x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %y = qopt.matmul %x, %w : tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<2x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>> -> tensor<1x2xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %y3 = tosa.reshape %y, %s3 : (tensor<1x2xf32>, !tosa.shape<3>) -> tensor<1x1x2xf32>
  %c = "tosa.const"() <{values = dense<[[[0.5, -0.25]]]> : tensor<1x1x2xf32>}> : () -> tensor<1x1x2xf32>
  %a = tosa.add %y3, %c : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  %q = qopt.quantize %r : tensor<1x1x2xf32> to tensor<1x1x2x!quant.uniform<i8:f32, 0.125:-3>>
  return %q : tensor<1x1x2x!quant.uniform<i8:f32, 0.125:-3>>
}

// -----

// Code-book weights (f8E4M3FN, E = 9; the rows of
// code-book-integer-run.mlir): an i64 accumulator, scales s * 2^-9, so
// M * 2^-S = 0.25 * [1, 0.5] * 2^-9 / 1.0 = [2^-11, 2^-12] (2^30 * 2^-41,
// 2^30 * 2^-42) and the bias in accumulator units [0.5 * 2^11, -1.0 * 2^12].
// CHECK-LABEL: func @code_book
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[1024, -4096]> : tensor<2xi64>}>
// CHECK: %[[ACC:.*]] = qopt.matmul %{{.*}}, %{{.*}}, %[[B]] : {{.*}}, tensor<2x3xf8E4M3FN>, tensor<2xi64> -> tensor<1x2xi64>
// CHECK: qopt.requantize %[[ACC]] {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 41, 42>} : tensor<1x2xi64> to tensor<1x2x!quant.uniform<i8:f32, 1.000000e+00>>
// CHECK-NOT: qopt.quantize
func.func @code_book(%x: tensor<1x3x!quant.uniform<i8:f32, 0.25>>) -> tensor<1x2x!quant.uniform<i8:f32, 1.0>> {
  %w = qopt.packed_weight dense<[56, -64, 1, 126, 48, -127]> : tensor<6xi8> scales dense<[[1.0], [0.5]]> : tensor<2x1xf32> : tensor<2x3xf8E4M3FN>
  %b = "tosa.const"() <{values = dense<[0.5, -1.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %y = qopt.matmul %x, %w, %b : tensor<1x3x!quant.uniform<i8:f32, 0.25>>, tensor<2x3xf8E4M3FN>, tensor<2xf32> -> tensor<1x2xf32>
  %q = qopt.quantize %y : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  return %q : tensor<1x2x!quant.uniform<i8:f32, 1.0>>
}

// -----

// Code-book weights with groups of scales stay float.
// CHECK-LABEL: func @code_book_groups
// CHECK: qopt.matmul {{.*}} -> tensor<1x1xf32>
func.func @code_book_groups(%x: tensor<1x128x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x1x!quant.uniform<i8:f32, 0.05>> {
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<[[1.0, 0.5]]> : tensor<1x2xf32> : tensor<1x128xf8E4M3FN>
  // expected-warning @+1 {{qopt-integer-chains: kept in float: its weight has groups of scales (integer-only needs one scale per row)}}
  %y = qopt.matmul %x, %w : tensor<1x128x!quant.uniform<i8:f32, 0.1>>, tensor<1x128xf8E4M3FN> -> tensor<1x1xf32>
  %q = qopt.quantize %y : tensor<1x1xf32> to tensor<1x1x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<1x1x!quant.uniform<i8:f32, 0.05>>
}
