// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(func.func(qopt-decompose,convert-qopt-to-cpu,qopt-cpu-tile-patches{tile-bytes=512}))' | FileCheck %s
// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(func.func(qopt-decompose,convert-qopt-to-cpu,qopt-cpu-tile-patches))' | FileCheck %s --check-prefix=FITS
// RUN: not qopt %s -split-input-file -pass-pipeline='builtin.module(func.func(qopt-cpu-tile-patches{tile-bytes=0}))' 2>&1 | FileCheck %s --check-prefix=BAD

// 2 images, 8x8 outputs of a padded 3x3 convolution: 27 bytes of patches
// per output, 216 per output row. 512 bytes hold 2 rows (the largest
// divisor of 8 within the budget): 8 tiles of 16 rows, each gathered from
// the 4 padded input rows it reads, multiplied by the same kernel and
// written into its rows of the product.

// CHECK-LABEL: func @conv
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: %[[P:.*]] = tensor.pad
// CHECK: %[[E:.*]] = tensor.empty() : tensor<128x4xf32>
// CHECK: %[[Y:.*]] = scf.for %[[T:.*]] = %[[C0]] to %[[C8]] step %[[C1]] iter_args(%[[ACC:.*]] = %[[E]]) -> (tensor<128x4xf32>)
// CHECK: %[[IMG:.*]] = arith.divui %[[T]], %[[C4]]
// CHECK: %[[BAND:.*]] = arith.remui %[[T]], %[[C4]]
// CHECK: %[[ROW:.*]] = arith.muli %[[BAND]], %[[C2]]
// CHECK: %[[W:.*]] = tensor.extract_slice %[[P]][%[[IMG]], %[[ROW]], 0, 0] [1, 4, 10, 3] [1, 1, 1, 1] : tensor<2x10x10x3xi8> to tensor<1x4x10x3xi8>
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[W]] : tensor<1x4x10x3xi8>) outs(%{{.*}} : tensor<1x2x8x3x3x3xi8>)
// CHECK: %[[TP:.*]] = tensor.collapse_shape %[[G]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<1x2x8x3x3x3xi8> into tensor<16x27xi8>
// CHECK: %[[OFF:.*]] = arith.muli %[[T]], %[[C16]]
// CHECK: %[[D:.*]] = tensor.extract_slice %[[ACC]][%[[OFF]], 0] [16, 4] [1, 1]
// CHECK: %[[R:.*]] = qopt.ukernel "qopt_rt_uk_matmul_s8" ins(%[[TP]], {{.*}}) outs(%[[D]] : tensor<16x4xf32>) scalars([16, 4, 27, 8 : i32, 0 : i32, 0 : i32, 5.000000e-01 : f32, -5 : i32])
// CHECK: %[[U:.*]] = tensor.insert_slice %[[R]] into %[[ACC]][%[[OFF]], 0] [16, 4] [1, 1]
// CHECK: scf.yield %[[U]]
// CHECK: tensor.expand_shape %[[Y]]

// With the default budget (1 MiB) the patches fit: nothing changes.
// FITS-LABEL: func @conv
// FITS-NOT: scf.for
// FITS: qopt.ukernel "qopt_rt_uk_matmul_s8" ins(%{{.*}} : tensor<128x27xi8>
func.func @conv(%x: tensor<2x8x8x3xf32>) -> tensor<2x8x8x4xf32> {
  %w = qopt.packed_weight dense<1> : tensor<256xi8> layout <block64> : tensor<4x27x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  %q = qopt.quantize %x : tensor<2x8x8x3xf32> to tensor<2x8x8x3x!quant.uniform<i8:f32, 0.5:-5>>
  %y = qopt.conv2d %q, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<2x8x8x3x!quant.uniform<i8:f32, 0.5:-5>>, tensor<4x27x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> -> tensor<2x8x8x4xf32>
  return %y : tensor<2x8x8x4xf32>
}

// -----

// Stride 2 and dilation 2 on a 9x9 output with K = 18 f32 (72 bytes, 648
// per output row): the window of one row is (1 - 1) * 2 + (3 - 1) * 2 + 1
// = 5 input rows; 9 tiles of one row. The weight-only kernel is tiled the
// same way.

// CHECK-LABEL: func @strided_dilated
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<81x2xf32>)
// CHECK: tensor.extract_slice %{{.*}} [1, 5, 21, 2] [1, 1, 1, 1] : tensor<1x21x21x2xf32> to tensor<1x5x21x2xf32>
// CHECK: tensor.collapse_shape %{{.*}} into tensor<9x18xf32>
// CHECK: qopt.ukernel "qopt_rt_uk_matmul_f32" ins(%{{.*}} : tensor<9x18xf32>, {{.*}}) outs(%{{.*}} : tensor<9x2xf32>) scalars([9, 2, 18,
func.func @strided_dilated(%x: tensor<1x19x19x2xf32>) -> tensor<1x9x9x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<128xi8> layout <block64> : tensor<2x18x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %y = qopt.conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>, dilation = array<i64: 2, 2>} : tensor<1x19x19x2xf32>, tensor<2x18x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<1x9x9x2xf32>
  return %y : tensor<1x9x9x2xf32>
}

// -----

// A 1x1 stride-1 convolution reads the input itself: no patches to tile.

// CHECK-LABEL: func @pointwise
// CHECK-NOT: scf.for
// CHECK: qopt.ukernel "qopt_rt_uk_matmul_f32" ins(%{{.*}} : tensor<256x8xf32>
func.func @pointwise(%x: tensor<1x16x16x8xf32>) -> tensor<1x16x16x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<128xi8> layout <block64> : tensor<2x8x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %y = qopt.conv2d %x, %w {kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x16x16x8xf32>, tensor<2x8x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<1x16x16x2xf32>
  return %y : tensor<1x16x16x2xf32>
}

// BAD: qopt-cpu-tile-patches: tile-bytes must be at least 1, not 0
