// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(func.func(qopt-cpu-float-kernels))' | FileCheck %s

// A float convolution becomes padding, the im2col gather and one call of
// the float GEMM over [B*OH*OW, KH*KW*C] with the weight in panels of 16
// output channels (ceil(3 / 16) * 16 * (2*2*2) = 128 floats).

// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[P:.*]] = arith.constant dense_resource<{{.*}}> : tensor<128xf32>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>}>
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 1, 0, 0] high[0, 0, 0, 0]
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[PAD]] : tensor<1x5x4x2xf32>) outs(%{{.*}} : tensor<1x4x2x2x2x2xf32>)
// CHECK: %[[COLS:.*]] = tensor.collapse_shape %[[G]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<1x4x2x2x2x2xf32> into tensor<8x8xf32>
// CHECK: %[[R:.*]] = qopt.ukernel "qopt_rt_uk_matmul_f32f32" ins(%[[COLS]], %[[P]], %[[B]] : tensor<8x8xf32>, tensor<128xf32>, tensor<3xf32>) outs(%{{.*}} : tensor<8x3xf32>) scalars([8, 3, 8, 2 : i32])
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0, 1, 2], [3]] output_shape [1, 4, 2, 3]
// CHECK-NOT: tosa.conv2d
func.func @conv(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x2x3xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<3x2x2x2xf32>}> : () -> tensor<3x2x2x2xf32>
  %b = "tosa.const"() <{values = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 0, 0>, stride = array<i64: 1, 2>} : (tensor<1x4x4x2xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x2x3xf32>
  return %y : tensor<1x4x2x3xf32>
}

// -----

// A 1x1 convolution reads the input as its patches; a one-element bias is
// broadcast to the channels.

// CHECK-LABEL: func.func @pointwise
// CHECK-DAG: %[[B:.*]] = arith.constant dense<5.000000e-01> : tensor<20xf32>
// CHECK: %[[COLS:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2], [3]] : tensor<2x3x3x4xf32> into tensor<18x4xf32>
// CHECK: qopt.ukernel "qopt_rt_uk_matmul_f32f32" ins(%[[COLS]], %{{.*}}, %[[B]] : tensor<18x4xf32>, tensor<128xf32>, tensor<20xf32>) outs(%{{.*}} : tensor<18x20xf32>) scalars([18, 20, 4, 2 : i32])
func.func @pointwise(%x: tensor<2x3x3x4xf32>) -> tensor<2x3x3x20xf32> {
  %w = "tosa.const"() <{values = dense<1.0> : tensor<20x1x1x4xf32>}> : () -> tensor<20x1x1x4xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<2x3x3x4xf32>, tensor<20x1x1x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x3x20xf32>
  return %y : tensor<2x3x3x20xf32>
}

// -----

// A batch-1 matmul with a constant right-hand side (the weight through a
// transpose, as the importer writes Gemm); no bias (flags 0, placeholder).

// CHECK-LABEL: func.func @matmul
// CHECK: %[[A:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<1x2x8xf32> into tensor<2x8xf32>
// CHECK: %[[R:.*]] = qopt.ukernel "qopt_rt_uk_matmul_f32f32" ins(%[[A]], %{{.*}}, %{{.*}} : tensor<2x8xf32>, tensor<128xf32>, tensor<1xf32>) outs(%{{.*}} : tensor<2x3xf32>) scalars([2, 3, 8, 0 : i32])
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0, 1], [2]] output_shape [1, 2, 3]
// CHECK-NOT: tosa.matmul
func.func @matmul(%a: tensor<1x2x8xf32>) -> tensor<1x2x3xf32> {
  %w = "tosa.const"() <{values = dense<0.25> : tensor<1x3x8xf32>}> : () -> tensor<1x3x8xf32>
  %t = tosa.transpose %w {perms = array<i32: 0, 2, 1>} : (tensor<1x3x8xf32>) -> tensor<1x8x3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %a, %t, %z, %z : (tensor<1x2x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}

// -----

// Left alone: a weight computed at run time, a batched matmul, a
// dynamic shape.

// CHECK-LABEL: func.func @not_lowered
// CHECK: tosa.conv2d
// CHECK: tosa.matmul
// CHECK: tosa.matmul
// CHECK-NOT: qopt.ukernel
func.func @not_lowered(%x: tensor<1x4x4x2xf32>, %w: tensor<3x1x1x2xf32>, %a: tensor<2x2x8xf32>, %b: tensor<2x8x3xf32>, %d: tensor<1x?x8xf32>, %e: tensor<1x8x3xf32>) -> (tensor<1x4x4x3xf32>, tensor<2x2x3xf32>, tensor<1x?x3xf32>) {
  %bias = "tosa.const"() <{values = dense<0.0> : tensor<3xf32>}> : () -> tensor<3xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %bias, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x3xf32>
  %m = tosa.matmul %a, %b, %z, %z : (tensor<2x2x8xf32>, tensor<2x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x2x3xf32>
  %n = tosa.matmul %d, %e, %z, %z : (tensor<1x?x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x?x3xf32>
  return %y, %m, %n : tensor<1x4x4x3xf32>, tensor<2x2x3xf32>, tensor<1x?x3xf32>
}

// -----

// A float depthwise convolution becomes one call of the float depthwise
// kernel on the NHWC input with TOSA's [KH, KW, C, M] weight as it is;
// scalars: batch, in_h, in_w, channels, multiplier, out_h, out_w, kernel
// h/w, pad top/left, strides, dilations, flags (2: bias). A one-element
// bias is broadcast to the C*M output channels.

// CHECK-LABEL: func.func @depthwise
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<2.500000e-01> : tensor<3x3x4x2xf32>}>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<1.500000e+00> : tensor<8xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x4x8xf32>
// CHECK: %[[R:.*]] = qopt.ukernel "qopt_rt_uk_depthwise_conv2d_f32f32" ins(%{{.*}}, %[[W]], %[[B]] : tensor<2x5x7x4xf32>, tensor<3x3x4x2xf32>, tensor<8xf32>) outs(%[[E]] : tensor<2x3x4x8xf32>) scalars([2, 5, 7, 4, 2, 3, 4, 3, 3, 1, 1, 2, 2, 1, 1, 2 : i32])
// CHECK: return %[[R]]
// CHECK-NOT: tosa.depthwise_conv2d
func.func @depthwise(%x: tensor<2x5x7x4xf32>) -> tensor<2x3x4x8xf32> {
  %w = "tosa.const"() <{values = dense<0.25> : tensor<3x3x4x2xf32>}> : () -> tensor<3x3x4x2xf32>
  %b = "tosa.const"() <{values = dense<1.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<2x5x7x4xf32>, tensor<3x3x4x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x4x8xf32>
  return %y : tensor<2x3x4x8xf32>
}

// -----

// Left alone: a dynamic shape.

// CHECK-LABEL: func.func @depthwise_dynamic
// CHECK: tosa.depthwise_conv2d
// CHECK-NOT: qopt.ukernel
func.func @depthwise_dynamic(%x: tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32> {
  %w = "tosa.const"() <{values = dense<0.25> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %z = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %z, %z {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<?x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<?x4x4x2xf32>
  return %y : tensor<?x4x4x2xf32>
}
