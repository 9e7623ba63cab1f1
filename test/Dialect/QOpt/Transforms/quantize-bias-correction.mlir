// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-quantize{activations=float bias-correction=true})' | FileCheck %s
// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-quantize{activations=float})' | FileCheck %s --check-prefix=OFF

// Bias correction: b[n] -= sum_k (dq - w)[n][k] * E[x_k]. A 1x1 conv with
// two input channels, w = [1.0, 0.3] at si4 per channel: s = 1/7, q = [7, 2],
// dq = [1, 2/7], so dq - w = [0, -1/70]; with input means E[x] = [2, 3]
// the output mean moves by -3/70, and the bias 0.5 becomes 0.5 + 3/70 =
// 0.542857.
// CHECK-LABEL: func @conv
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<0.542857{{[0-9]*}}> : tensor<1xf32>}>
// CHECK: qopt.conv2d %arg0, %{{.*}}, %[[B]]
// OFF-LABEL: func @conv
// OFF: qopt.conv2d %arg0, %{{.*}}, %{{.*}} {{.*}}
// OFF-NOT: 0.542857
func.func @conv(%x: tensor<1x1x1x2xf32>) -> tensor<1x1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0, 0.3]]]]> : tensor<1x1x1x2xf32>}> : () -> tensor<1x1x1x2xf32>
  %b = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.format = #qopt.format<si4, per_channel(axis = 0)>, qopt.input_stats = #qopt.input_stats<samples = 2, diag = dense<[[[5.0, 10.0]]]> : tensor<1x1x2xf32>, mean = dense<[[[2.0, 3.0]]]> : tensor<1x1x2xf32>>} : (tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}

// -----

// Depthwise, two taps (KW = 2) of two channels: channel 0 has taps
// [1.0, 0.3] (as above: dq - w = [0, -1/70]), channel 1 [0.5, 0.5]
// (exact). The means are [KH, KW, C]: channel 0 sees E[x] = 2 at tap 0
// and 3 at tap 1, so its bias 0.5 becomes 0.542857; channel 1 keeps 0.25.
// CHECK-LABEL: func @depthwise
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<[0.542857{{[0-9]*}}, 2.500000e-01]> : tensor<2xf32>}>
// CHECK: qopt.depthwise_conv2d %arg0, %{{.*}}, %[[B]]
func.func @depthwise(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x1x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[1.0], [0.5]], [[0.3], [0.5]]]]> : tensor<1x2x2x1xf32>}> : () -> tensor<1x2x2x1xf32>
  %b = "tosa.const"() <{values = dense<[0.5, 0.25]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.format = #qopt.format<si4, per_channel(axis = 2)>, qopt.input_stats = #qopt.input_stats<samples = 2, diag = dense<1.0> : tensor<1x2x2xf32>, mean = dense<[[[2.0, 5.0], [3.0, 7.0]]]> : tensor<1x2x2xf32>>} : (tensor<1x1x2x2xf32>, tensor<1x2x2x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  return %y : tensor<1x1x1x2xf32>
}

