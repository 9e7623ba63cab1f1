// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-integer-chains{verbose residuals})' -verify-diagnostics | FileCheck %s
// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-integer-chains)' | FileCheck %s --check-prefix=OFF

// A residual block: the branch conv reads the shortcut's codes %sq, its
// result is added to the float shortcut %s, then ReLU and quantize. With
// residuals=true the add fuses into the requantize at the shortcut's codes:
// M * 2^-S = 0.25 * s[n] / 0.125 (0.5 = 2^30 * 2^-31, 0.25 = 2^30 * 2^-32)
// and Mr = round(sr / sy * 2^S) = 2 * 2^31, 2 * 2^32.
// CHECK-LABEL: func @identity_shortcut
// CHECK: %[[SQ:.*]] = qopt.quantize %{{.*}} : tensor<1x4x4x2xf32>
// CHECK: %[[ACC:.*]] = qopt.conv2d %[[SQ]], {{.*}} -> tensor<1x4x4x2xi32>
// CHECK: %[[Q:.*]] = qopt.requantize %[[ACC]] residual %[[SQ]] : tensor<1x4x4x2x!quant.uniform<i8:f32, 2.500000e-01:-128>> {min = -3 : i32, multiplier = array<i32: 1073741824, 1073741824>, residual_multiplier = array<i64: 4294967296, 8589934592>, shift = array<i32: 31, 32>} : tensor<1x4x4x2xi32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 1.250000e-01:-3>>
// CHECK-NOT: tosa.add
// CHECK: return %[[Q]]
// OFF-LABEL: func @identity_shortcut
// OFF: qopt.conv2d {{.*}} -> tensor<1x4x4x2xf32>
// OFF: tosa.add
func.func @identity_shortcut(%s: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>> {
  %sq = qopt.quantize %s : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-128>>
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %y = qopt.conv2d %sq, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-128>>, tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>> -> tensor<1x4x4x2xf32>
  %a = tosa.add %y, %s : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %q = qopt.quantize %r : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>>
  return %q : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>>
}

// -----

// As imported from ONNX: the add is in NCHW between transposes and the
// shortcut is quantized through a transpose to NHWC. The permutation from
// the quantize's layout to the layer's is the identity: the residual is
// %sq itself. The shortcut's producer (a ReLU of the stem conv, in float
// before) has the quantize as its only user once the add is fused, so it
// becomes integer-only too (chains are rewritten last to first).
// CHECK-LABEL: func @transposed
// CHECK: %[[STEM:.*]] = qopt.conv2d {{.*}} -> tensor<1x4x4x2xi32>
// CHECK: %[[SR:.*]] = qopt.requantize %[[STEM]]
// CHECK: %[[T1:.*]] = tosa.transpose %[[SR]]
// CHECK: %[[SQ:.*]] = tosa.transpose %[[T1]]
// CHECK: %[[ACC:.*]] = qopt.conv2d %[[SQ]], {{.*}} -> tensor<1x4x4x2xi32>
// CHECK: %[[Q:.*]] = qopt.requantize %[[ACC]] residual %[[SQ]]
// CHECK-NOT: tosa.add
// CHECK-NOT: qopt.quantize
// CHECK: return
func.func @transposed(%x: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-128>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>> {
  %w0 = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %y0 = qopt.conv2d %x, %w0 {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-128>>, tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>> -> tensor<1x4x4x2xf32>
  %t0 = tosa.transpose %y0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %s = tosa.clamp %t0 {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %st = tosa.transpose %s {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %sq = qopt.quantize %st : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-128>>
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %y = qopt.conv2d %sq, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-128>>, tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>> -> tensor<1x4x4x2xf32>
  %yt = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %a = tosa.add %s, %yt : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %rt = tosa.transpose %r {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %q = qopt.quantize %rt : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>>
  return %q : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>>
}

// -----

// A shortcut that nothing quantizes stays in float, with the reason.
func.func @unquantized_shortcut(%x: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-128>>, %s: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>> {
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %y = qopt.conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-128>>, tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>> -> tensor<1x4x4x2xf32>
  %a = tosa.add %y, %s : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  // expected-warning @+1 {{qopt-integer-chains: kept in float: the shortcut of its residual add is not quantized (no qopt.quantize reads it)}}
  %q = qopt.quantize %a : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>>
  return %q : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>>
}

// -----

// An add of two layers' results (a projection shortcut) is not fused.
func.func @two_layers(%x: tensor<1x3x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>> {
  %w = qopt.packed_weight dense<1> : tensor<6xi8> : tensor<2x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %y = qopt.matmul %x, %w : tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<2x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>> -> tensor<1x2xf32>
  %z = qopt.matmul %x, %w : tensor<1x3x!quant.uniform<i8:f32, 0.5>>, tensor<2x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>> -> tensor<1x2xf32>
  %a = tosa.add %y, %z : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  // expected-warning @+1 {{qopt-integer-chains: kept in float: the shortcut of its residual add is not quantized (no qopt.quantize reads it)}}
  %q = qopt.quantize %a : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>
  return %q : tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>
}

// -----

// MobileNetV2's blocks: the shortcut is the previous block's projection
// (a layer's result with no activation), so both operands of the add come
// from layers through transposes; the branch is the single-use one (the
// shortcut is also quantized for the branch's first layer). Both chains
// become integer-only: the projection's, then (last to first) the block's.
// CHECK-LABEL: func @projection_shortcut
// CHECK: %[[P:.*]] = qopt.conv2d %{{.*}} -> tensor<1x4x4x2xi32>
// CHECK: %[[PR:.*]] = qopt.requantize %[[P]] {{.*}} to tensor<1x4x4x2x!quant.uniform<i8:f32, 2.500000e-01:-128>>
// CHECK: %[[T:.*]] = tosa.transpose %[[PR]]
// CHECK: %[[SQ:.*]] = tosa.transpose %[[T]]
// CHECK: %[[ACC:.*]] = qopt.conv2d %[[SQ]], {{.*}} -> tensor<1x4x4x2xi32>
// CHECK: qopt.requantize %[[ACC]] residual %[[SQ]]
// CHECK-NOT: tosa.add
// CHECK-NOT: qopt.quantize
// CHECK: return
func.func @projection_shortcut(%x: tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-128>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>> {
  %w0 = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %y0 = qopt.conv2d %x, %w0 {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:-128>>, tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>> -> tensor<1x4x4x2xf32>
  %s = tosa.transpose %y0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %st = tosa.transpose %s {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %sq = qopt.quantize %st : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-128>>
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %y = qopt.conv2d %sq, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.25:-128>>, tensor<2x18x!quant.uniform<i8:f32:0, {0.25, 0.125}>> -> tensor<1x4x4x2xf32>
  %yt = tosa.transpose %y {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %a = tosa.add %s, %yt : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %at = tosa.transpose %a {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32>
  %q = qopt.quantize %at : tensor<1x4x4x2xf32> to tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>>
  return %q : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.125:-3>>
}
