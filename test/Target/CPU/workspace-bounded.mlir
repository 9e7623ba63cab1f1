// RUN: qopt %s --pass-pipeline='builtin.module(qopt-cpu-pipeline)' | FileCheck %s

// The workspace of a compiled float 3x3 convolution at batch 8 holds the
// padded input (8x34x34x16 f32: 591872 bytes), the product (8192x16 f32:
// 524288) and ONE tile of patches: qopt-cpu-tile-patches gathers one
// image at a time (32 output rows x 32 x 144 f32 = 589824 bytes, within
// its 1 MiB budget) instead of the whole batch's 4718592 bytes, and the
// tile's buffer is reused by every iteration. Total 1705984; without the
// tiles 5834752.

// CHECK: workspace_bytes = 1705984
// CHECK: llvm.call @qopt_rt_uk_matmul_f32f32
func.func @main(%x: tensor<8x32x32x16xf32>) -> tensor<8x32x32x16xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<16x3x3x16xf32>}> : () -> tensor<16x3x3x16xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<16xf32>}> : () -> tensor<16xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<8x32x32x16xf32>, tensor<16x3x3x16xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<8x32x32x16xf32>
  return %y : tensor<8x32x32x16xf32>
}
