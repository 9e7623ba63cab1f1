// RUN: qopt %S/Inputs/two-layers.mlir -pass-pipeline='builtin.module(qopt-hls-legalize{io=stream reuse-factor=4 part=xc7z020})' | FileCheck %s
// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-hls-legalize)' -verify-diagnostics
// RUN: not qopt %S/Inputs/two-layers.mlir -pass-pipeline='builtin.module(qopt-hls-legalize{part=xc9000})' 2>&1 | FileCheck %s --check-prefix=PART
// RUN: not qopt %S/Inputs/two-layers.mlir -pass-pipeline='builtin.module(qopt-hls-legalize{io=axi})' 2>&1 | FileCheck %s --check-prefix=IO

// A graph the HLS target lowers gets the project configuration.
// CHECK: module attributes {qopt.hls = {clock_mhz = 2.000000e+02 : f64, io = "stream", part = "xc7z020", reuse_factor = 4 : i64}}

// PART: error: hls: no built-in totals for part 'xc9000' (known: xc7z020clg400-1, xczu9eg-ffvb1156-2-e, xcvu9p-flga2104-2-e, xcu250-figd2104-2L-e, xcu55c-fsvh2892-2L-e); give fpga-model=FILE for other parts
// IO: error: hls: io must be parallel or stream, not 'axi'

// A float op between two layers: the first keeps its float epilogue and
// the rest depends on it, so one op is reported, with its node name.
// expected-error @+1 {{the HLS target cannot lower 1 op of 'main': 'tosa.sigmoid' (node 'act'): a float op between integer layers (only ReLU and clip fuse into the requantization; only the output layer keeps a float epilogue)}}
func.func @main(%arg0: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %x = qopt.quantize %arg0 : tensor<1x3xf32> to tensor<1x3x!quant.uniform<i8:f32, 0.5:-128>>
  %w1 = qopt.packed_weight dense<1> : tensor<6xi8> : tensor<2x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>>
  %y1 = qopt.matmul %x, %w1 : tensor<1x3x!quant.uniform<i8:f32, 0.5:-128>>, tensor<2x3x!quant.uniform<i8:f32:0, {0.25, 0.125}>> -> tensor<1x2xf32> loc("fc1")
  %s = tosa.sigmoid %y1 : (tensor<1x2xf32>) -> tensor<1x2xf32> loc("act")
  %q = qopt.quantize %s : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>
  %w2 = qopt.packed_weight dense<1> : tensor<4xi8> : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.5}>>
  %y2 = qopt.matmul %q, %w2 : tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>, tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.5}>> -> tensor<1x2xf32> loc("fc2")
  return %y2 : tensor<1x2xf32>
}

// -----

// A weight-only layer (float activations).
// expected-error @+1 {{the HLS target cannot lower 1 op of 'main': 'qopt.matmul' (node 'fc'): float activations (the HLS target needs the integer path: calibration data and int8 inputs)}}
func.func @main(%arg0: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %w = qopt.packed_weight dense<1> : tensor<6xi8> : tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.5}>>
  %y = qopt.matmul %arg0, %w : tensor<1x3xf32>, tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.5}>> -> tensor<1x2xf32> loc("fc")
  return %y : tensor<1x2xf32>
}

// -----

// Groups of scales cannot be requantized with one multiplier per channel.
// expected-error @+1 {{the HLS target cannot lower 1 op of 'main': 'qopt.matmul' (node 'fc'): its weight has groups of scales (the HLS target needs one scale per output channel)}}
func.func @main(%arg0: tensor<1x128xf32>) -> tensor<1x1xf32> {
  %x = qopt.quantize %arg0 : tensor<1x128xf32> to tensor<1x128x!quant.uniform<i8:f32, 0.1>>
  %w = qopt.packed_weight dense<0> : tensor<128xi8> : tensor<1x128x!quant.uniform<i8:f32:{0:1, 1:64}, {{0.5, 0.25}}>>
  %y = qopt.matmul %x, %w : tensor<1x128x!quant.uniform<i8:f32, 0.1>>, tensor<1x128x!quant.uniform<i8:f32:{0:1, 1:64}, {{0.5, 0.25}}>> -> tensor<1x1xf32> loc("fc")
  return %y : tensor<1x1xf32>
}

// -----

// A float op on the input that the host does not run.
// expected-error @+1 {{the HLS target cannot lower 1 op of 'main': 'tosa.sigmoid' (node 'pre'): a float op before the input quantization (only transposes and reshapes run on the host)}}
func.func @main(%arg0: tensor<1x3xf32>) -> tensor<1x3xf32> {
  %y = tosa.sigmoid %arg0 : (tensor<1x3xf32>) -> tensor<1x3xf32> loc("pre")
  return %y : tensor<1x3xf32>
}

// -----

// expected-error @+1 {{the HLS target compiles a function with one input and one output, 'main' has 2 and 1}}
func.func @main(%arg0: tensor<1x3xf32>, %arg1: tensor<1x3xf32>) -> tensor<1x3xf32> {
  return %arg0 : tensor<1x3xf32>
}
