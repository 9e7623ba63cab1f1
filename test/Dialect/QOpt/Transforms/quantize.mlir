// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-quantize)' | FileCheck %s
// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-quantize{activations=float})' | FileCheck %s --check-prefix=FLOAT

// A matmul with a [1, K, N] weight: transposed to [N, K], quantized per
// channel (si8: s0 = 0.5 / 127, q0 = [127, round(63.5) = 64]; s1 = 1 / 127,
// q1 = [-127, 127]) as logical fields (one byte each, row-major; the blob
// starts with its 4-byte alignment). The input range [-1, 3] gives scale 4 / 255 and zero
// point round(-128 + 63.75) = -64.

// CHECK-LABEL: func @matmul
// CHECK-DAG: %[[W:.*]] = qopt.packed_weight dense_resource<tosa.matmul_0.packed> : tensor<4xi8> : tensor<2x2x!quant.uniform<i8:f32:0, {0.003937007{{[0-9]*}},0.007874015{{[0-9]*}}}>>
// CHECK-DAG: %[[A:.*]] = tosa.reshape %arg0, %{{.*}} : (tensor<1x3x2xf32>, !tosa.shape<2>) -> tensor<3x2xf32>
// CHECK: %[[Q:.*]] = qopt.quantize %[[A]] : tensor<3x2xf32> to tensor<3x2x!quant.uniform<i8:f32, 0.015686275{{[0-9]*}}:-64>>
// CHECK: %[[Y:.*]] = qopt.matmul %[[Q]], %[[W]] : {{.*}} -> tensor<3x2xf32>
// CHECK: tosa.reshape %[[Y]], %{{.*}} : (tensor<3x2xf32>, !tosa.shape<3>) -> tensor<1x3x2xf32>
// CHECK-NOT: tosa.matmul
// CHECK: tosa.matmul_0.packed: "0x400000007F40817F"
// FLOAT-LABEL: func @matmul
// FLOAT-NOT: qopt.quantize
// FLOAT: qopt.matmul %{{.*}}, %{{.*}} : tensor<3x2xf32>, tensor<2x2x!quant.uniform<i8:f32:0
func.func @matmul(%a: tensor<1x3x2xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [-1.0], max = [3.0], lo = [-1.0], hi = [3.0]>}) -> tensor<1x3x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.5, -1.0], [0.25, 1.0]]]> : tensor<1x2x2xf32>}> : () -> tensor<1x2x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %a, %w, %zp, %zp {qopt.format = #qopt.format<si8, per_channel(axis = 2)>} : (tensor<1x3x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}

// -----

// A convolution: OHWI [2, 1, 1, 64] flattened to [2, 64], groups of 32
// along C become groups along K; 4-bit storage (64 logical fields per row). The
// scalar bias is broadcast to [O].

// CHECK-LABEL: func @conv_groups
// CHECK: qopt.packed_weight dense_resource<{{.*}}> : tensor<128xi8> : tensor<2x64x!quant.uniform<i4:f32:{0:1, 1:32}
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<2.500000e-01> : tensor<2xf32>}>
// CHECK-DAG: qopt.quantize %arg0 : tensor<1x4x4x64xf32> to tensor<1x4x4x64x!quant.uniform<i8:f32, {{.*}}:-128>>
// CHECK: qopt.conv2d %{{.*}}, %{{.*}}, %[[B]] {dilation = array<i64: 1, 1>, kernel = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
func.func @conv_groups(%x: tensor<1x4x4x64xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [0.0], max = [2.0], lo = [0.0], hi = [2.0]>}) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<2x1x1x64xf32>}> : () -> tensor<2x1x1x64xf32>
  %b = "tosa.const"() <{values = dense<0.25> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.format = #qopt.format<si4, group(axis = 3, size = 32)>} : (tensor<1x4x4x64xf32>, tensor<2x1x1x64xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// Unsigned asymmetric grids are shifted to signed storage: ui2 weights
// [0, 3] with min 0 (zero point 0) become i2 with zero point -2.

// CHECK-LABEL: func @unsigned
// CHECK: tensor<1x4x!quant.uniform<i2:f32:0, {1.000000e+00:-2}>>
// CHECK: tosa.matmul_0.packed: "0x40000000FEFF0001"
func.func @unsigned(%a: tensor<1x1x4xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [0.0], max = [1.0], lo = [0.0], hi = [1.0]>}) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[0.0], [1.0], [2.0], [3.0]]]> : tensor<1x4x1xf32>}> : () -> tensor<1x4x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %a, %w, %zp, %zp {qopt.format = #qopt.format<ui2, per_channel(axis = 2), asymmetric>} : (tensor<1x1x4xf32>, tensor<1x4x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}
