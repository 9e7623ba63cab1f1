// RUN: qopt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(qopt-split-group-formats)' -mlir-print-debuginfo | FileCheck %s

// Three groups of 2 channels, the first two alike: two runs, channels [0:4)
// at si4 and [4:6) at si8; the names say which channels each copy has.

// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<5.000000e-01> : tensor<1x8x6xf32>}>
// CHECK-DAG: %[[S0:.*]] = tosa.const_shape {values = dense<0> : tensor<3xindex>}
// CHECK-DAG: %[[Z0:.*]] = tosa.const_shape {values = dense<[1, 8, 4]> : tensor<3xindex>}
// CHECK: %[[W0:.*]] = tosa.slice %[[W]], %[[S0]], %[[Z0]] : (tensor<1x8x6xf32>, !tosa.shape<3>, !tosa.shape<3>) -> tensor<1x8x4xf32>
// CHECK: %[[Y0:.*]] = tosa.matmul %arg0, %[[W0]], %{{.*}}, %{{.*}} {qopt.act_stats = {{.*}}, qopt.format = #qopt.format<si4, per_channel(axis = 2)>} : {{.*}} -> tensor<1x3x4xf32> loc(#[[L0:.*]])
// CHECK-DAG: %[[Z1:.*]] = tosa.const_shape {values = dense<[1, 8, 2]> : tensor<3xindex>}
// CHECK-DAG: %[[S1:.*]] = tosa.const_shape {values = dense<[0, 0, 4]> : tensor<3xindex>}
// CHECK: %[[W1:.*]] = tosa.slice %[[W]], %[[S1]], %[[Z1]]
// CHECK: %[[Y1:.*]] = tosa.matmul %arg0, %[[W1]], %{{.*}}, %{{.*}} {qopt.act_stats = {{.*}}, qopt.format = #qopt.format<si8, per_channel(axis = 2)>} : {{.*}} -> tensor<1x3x2xf32> loc(#[[L1:.*]])
// CHECK: %[[Y:.*]] = tosa.concat %[[Y0]], %[[Y1]] {axis = 2 : i32, qopt.act_stats = {{.*}}} : (tensor<1x3x4xf32>, tensor<1x3x2xf32>) -> tensor<1x3x6xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: qopt.sensitivity
// CHECK-NOT: qopt.group_formats
// CHECK-DAG: #[[L0]] = loc("fc[0:4]"
// CHECK-DAG: #[[L1]] = loc("fc[4:6]"
func.func @matmul(%x: tensor<1x3x8xf32>) -> tensor<1x3x6xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x8x6xf32>}> : () -> tensor<1x8x6xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [-1.0], max = [1.0], lo = [-1.0], hi = [1.0]>, qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 2, values = dense<1.0> : tensor<3x2xf64>>, qopt.group_formats = #qopt.group_formats<channels_per_group = 2, formats = [#qopt.format<si4, per_channel(axis = 2)>, #qopt.format<si4, per_channel(axis = 2)>, #qopt.format<si8, per_channel(axis = 2)>]>} : (tensor<1x3x8xf32>, tensor<1x8x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x6xf32> loc("fc")
  return %y : tensor<1x3x6xf32>
}

// -----

// A convolution: weight (OHWI) and per-channel bias sliced along channels;
// the last group is smaller (5 channels in groups of 3).

// CHECK-LABEL: func.func @conv
// CHECK: %[[W0:.*]] = tosa.slice %{{.*}} -> tensor<3x1x1x2xf32>
// CHECK: %[[B0:.*]] = tosa.slice %{{.*}} -> tensor<3xf32>
// CHECK: %[[Y0:.*]] = tosa.conv2d %arg0, %[[W0]], %[[B0]], {{.*}}qopt.format = #qopt.format<si8, per_channel(axis = 0)>{{.*}} -> tensor<1x4x4x3xf32>
// CHECK: %[[W1:.*]] = tosa.slice %{{.*}} -> tensor<2x1x1x2xf32>
// CHECK: %[[B1:.*]] = tosa.slice %{{.*}} -> tensor<2xf32>
// CHECK: %[[Y1:.*]] = tosa.conv2d %arg0, %[[W1]], %[[B1]], {{.*}}qopt.format = #qopt.format<si2, per_channel(axis = 0)>{{.*}} -> tensor<1x4x4x2xf32>
// CHECK: tosa.concat %[[Y0]], %[[Y1]] {axis = 3 : i32} : (tensor<1x4x4x3xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x5xf32>
func.func @conv(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x5xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<0.25> : tensor<5x1x1x2xf32>}> : () -> tensor<5x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<[1.0, 2.0, 3.0, 4.0, 5.0]> : tensor<5xf32>}> : () -> tensor<5xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.group_formats = #qopt.group_formats<channels_per_group = 3, formats = [#qopt.format<si8, per_channel(axis = 0)>, #qopt.format<si2, per_channel(axis = 0)>]>} : (tensor<1x4x4x2xf32>, tensor<5x1x1x2xf32>, tensor<5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x5xf32>
  return %y : tensor<1x4x4x5xf32>
}

// -----

// One run: the layer just gets qopt.format.

// CHECK-LABEL: func.func @one_run
// CHECK: tosa.matmul {{.*}}{qopt.format = #qopt.format<si4, per_channel(axis = 2)>}
// CHECK-NOT: tosa.concat
func.func @one_run(%x: tensor<1x3x8xf32>) -> tensor<1x3x4xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x8x4xf32>}> : () -> tensor<1x8x4xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qopt.group_formats = #qopt.group_formats<channels_per_group = 2, formats = [#qopt.format<si4, per_channel(axis = 2)>, #qopt.format<si4, per_channel(axis = 2)>]>} : (tensor<1x3x8xf32>, tensor<1x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x4xf32>
  return %y : tensor<1x3x4xf32>
}

// -----

func.func @depthwise(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<0.25> : tensor<1x1x2x1xf32>}> : () -> tensor<1x1x2x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  // expected-error @+1 {{qopt-split-group-formats: layer 'tosa.depthwise_conv2d#0' (tosa.depthwise_conv2d) cannot be split by output channel; allocate it per layer (qopt-sensitivity channels-per-group=0)}}
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.group_formats = #qopt.group_formats<channels_per_group = 1, formats = [#qopt.format<si8, per_channel(axis = 2)>, #qopt.format<si4, per_channel(axis = 2)>]>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// TOSA allows unranked results and biases; slicing needs ranks.
func.func @unranked_result(%x: tensor<1x4x4x2xf32>) -> tensor<*xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<0.25> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  // expected-error @+1 {{qopt-split-group-formats: layer 'tosa.conv2d#0' needs static shapes with the weight's output channels last in the result}}
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.group_formats = #qopt.group_formats<channels_per_group = 1, formats = [#qopt.format<si8, per_channel(axis = 0)>, #qopt.format<si4, per_channel(axis = 0)>]>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}

// -----

func.func @unranked_bias(%x: tensor<1x4x4x2xf32>, %b: tensor<*xf32>) -> tensor<1x4x4x2xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<0.25> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32>
  // expected-error @+1 {{qopt-split-group-formats: layer 'tosa.conv2d#0' needs static shapes with the weight's output channels last in the result}}
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.group_formats = #qopt.group_formats<channels_per_group = 1, formats = [#qopt.format<si8, per_channel(axis = 0)>, #qopt.format<si4, per_channel(axis = 0)>]>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<*xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}
