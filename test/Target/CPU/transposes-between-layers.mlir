// RUN: qopt %s --pass-pipeline='builtin.module(qopt-cpu-pipeline)' --mlir-print-ir-after=tosa-reduce-transposes -o /dev/null 2>&1 | FileCheck %s

// As the ONNX importer writes two NCHW convolutions with a ReLU6 between
// them: each convolution is wrapped in NCHW<->NHWC transposes, so the clamp
// runs on an NCHW copy. qopt-cpu-pipeline cancels the inner pair (the
// clamp runs on the NHWC result) and keeps the outer two.

// CHECK-LABEL: IR Dump After TosaReduceTransposes
// CHECK: func.func @model_entry
// CHECK: tosa.transpose %arg0
// CHECK-NOT: tosa.transpose
// CHECK: tosa.clamp {{.*}} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
// CHECK-NOT: tosa.transpose
// CHECK: %[[OUT:.*]] = tosa.transpose
// CHECK-NOT: tosa.transpose
// CHECK: return %[[OUT]]
func.func @main(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = "tosa.const"() <{values = dense<0.125> : tensor<4x3x3x4xf32>}> : () -> tensor<4x3x3x4xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<4xf32>}> : () -> tensor<4xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %t0 = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
  %c0 = tosa.conv2d %t0, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %t1 = tosa.transpose %c0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x8x8xf32>
  %r = tosa.clamp %t1 {max_val = 6.0 : f32, min_val = 0.0 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %t2 = tosa.transpose %r {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
  %c1 = tosa.conv2d %t2, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %t3 = tosa.transpose %c1 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x8x8xf32>
  return %t3 : tensor<1x4x8x8xf32>
}
