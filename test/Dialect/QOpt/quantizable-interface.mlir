// RUN: qopt %s -test-qopt-quantizable-interface -split-input-file -o /dev/null | FileCheck %s

// What QuantizableOpInterface reports for each upstream op qopt attaches it
// to: weight operand, reduction axes (the last is the group axis), output-
// channel axis, MACs, and whether the weight is a compile-time constant.

// CHECK: tosa_conv2d: tosa.conv2d weight=1 reduction-axes=[1, 2, 3] group-axis=3 output-channel-axis=0 macs=294912 constant-weight=yes
// CHECK: tosa_depthwise: tosa.depthwise_conv2d weight=1 reduction-axes=[0, 1] group-axis=1 output-channel-axis=2 macs=36864 constant-weight=yes
// CHECK: tosa_conv3d: tosa.conv3d weight=1 reduction-axes=[1, 2, 3, 4] group-axis=4 output-channel-axis=0 macs=884736 constant-weight=no
// CHECK: tosa_transpose_conv2d: tosa.transpose_conv2d weight=1 reduction-axes=[1, 2, 3] group-axis=3 output-channel-axis=0 macs=73728 constant-weight=no
// CHECK: tosa_matmul: tosa.matmul weight=1 reduction-axes=[1] group-axis=1 output-channel-axis=2 macs=4096 constant-weight=yes
// CHECK: tosa_matmul_activations: tosa.matmul weight=1 reduction-axes=[1] group-axis=1 output-channel-axis=2 macs=4096 constant-weight=no
func.func @tosa(%x: tensor<1x8x8x16xf32>, %x3: tensor<1x4x8x8x16xf32>, %a: tensor<2x8x32xf32>, %k: tensor<2x32x8xf32>,
                %w3: tensor<8x3x3x3x16xf32>, %wt: tensor<8x3x3x16xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<32xf32>}> : () -> tensor<32xf32>
  %b8 = "tosa.const"() <{values = dense<0.0> : tensor<8xf32>}> : () -> tensor<8xf32>
  %b16 = "tosa.const"() <{values = dense<0.0> : tensor<16xf32>}> : () -> tensor<16xf32>
  %w = "tosa.const"() <{values = dense<1.0> : tensor<32x3x3x16xf32>}> : () -> tensor<32x3x3x16xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<32x3x3x16xf32>, tensor<32xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x32xf32> loc("tosa_conv2d")
  %wd = "tosa.const"() <{values = dense<1.0> : tensor<3x3x16x4xf32>}> : () -> tensor<3x3x16x4xf32>
  %bd = "tosa.const"() <{values = dense<0.0> : tensor<64xf32>}> : () -> tensor<64xf32>
  %1 = tosa.depthwise_conv2d %x, %wd, %bd, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<3x3x16x4xf32>, tensor<64xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x64xf32> loc("tosa_depthwise")
  %2 = tosa.conv3d %x3, %w3, %b8, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1, 1>, pad = array<i64: 1, 1, 1, 1, 1, 1>, stride = array<i64: 1, 1, 1>} : (tensor<1x4x8x8x16xf32>, tensor<8x3x3x3x16xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x8x8x8xf32> loc("tosa_conv3d")
  %3 = tosa.transpose_conv2d %x, %wt, %b8, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<8x3x3x16xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x10x10x8xf32> loc("tosa_transpose_conv2d")
  %wm = "tosa.const"() <{values = dense<1.0> : tensor<2x32x8xf32>}> : () -> tensor<2x32x8xf32>
  %wmt = tosa.transpose %wm {perms = array<i32: 0, 1, 2>} : (tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  %4 = tosa.matmul %a, %wmt, %zp, %zp : (tensor<2x8x32xf32>, tensor<2x32x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x8x8xf32> loc("tosa_matmul")
  %5 = tosa.matmul %a, %k, %zp, %zp : (tensor<2x8x32xf32>, tensor<2x32x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x8x8xf32> loc("tosa_matmul_activations")
  return
}

// -----

// CHECK: linalg_matmul: linalg.matmul weight=1 reduction-axes=[0] group-axis=0 output-channel-axis=1 macs=2048 constant-weight=no
// CHECK: linalg_matmul_transposed: linalg.matmul weight=1 reduction-axes=[1] group-axis=1 output-channel-axis=0 macs=2048 constant-weight=no
// CHECK: linalg_batch_matmul: linalg.batch_matmul weight=1 reduction-axes=[1] group-axis=1 output-channel-axis=2 macs=8192 constant-weight=no
// CHECK: linalg_matvec: linalg.matvec weight=0 reduction-axes=[1] group-axis=1 output-channel-axis=0 macs=512 constant-weight=no
// CHECK: linalg_vecmat: linalg.vecmat weight=1 reduction-axes=[0] group-axis=0 output-channel-axis=1 macs=512 constant-weight=no
// CHECK: linalg_dynamic: linalg.matmul weight=1 reduction-axes=[0] group-axis=0 output-channel-axis=1 macs=? constant-weight=no
func.func @linalg_contractions(%a: tensor<4x32xf32>, %w: tensor<32x16xf32>, %wt: tensor<16x32xf32>, %c: tensor<4x16xf32>,
                               %ba: tensor<4x4x32xf32>, %bw: tensor<4x32x16xf32>, %bc: tensor<4x4x16xf32>,
                               %v: tensor<32xf32>, %vo: tensor<16xf32>, %vw: tensor<16x32xf32>,
                               %da: tensor<?x32xf32>, %dc: tensor<?x16xf32>) {
  %0 = linalg.matmul ins(%a, %w : tensor<4x32xf32>, tensor<32x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32> loc("linalg_matmul")
  %1 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%a, %wt : tensor<4x32xf32>, tensor<16x32xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32> loc("linalg_matmul_transposed")
  %2 = linalg.batch_matmul ins(%ba, %bw : tensor<4x4x32xf32>, tensor<4x32x16xf32>) outs(%bc : tensor<4x4x16xf32>) -> tensor<4x4x16xf32> loc("linalg_batch_matmul")
  %3 = linalg.matvec ins(%vw, %v : tensor<16x32xf32>, tensor<32xf32>) outs(%vo : tensor<16xf32>) -> tensor<16xf32> loc("linalg_matvec")
  %4 = linalg.vecmat ins(%v, %w : tensor<32xf32>, tensor<32x16xf32>) outs(%vo : tensor<16xf32>) -> tensor<16xf32> loc("linalg_vecmat")
  %5 = linalg.matmul ins(%da, %w : tensor<?x32xf32>, tensor<32x16xf32>) outs(%dc : tensor<?x16xf32>) -> tensor<?x16xf32> loc("linalg_dynamic")
  return
}

// -----

// CHECK: linalg_conv_nhwc_hwcf: linalg.conv_2d_nhwc_hwcf weight=1 reduction-axes=[0, 1, 2] group-axis=2 output-channel-axis=3 macs=294912 constant-weight=no
// CHECK: linalg_conv_nchw_fchw: linalg.conv_2d_nchw_fchw weight=1 reduction-axes=[1, 2, 3] group-axis=3 output-channel-axis=0 macs=294912 constant-weight=no
// CHECK: linalg_depthwise: linalg.depthwise_conv_2d_nhwc_hwc weight=1 reduction-axes=[0, 1] group-axis=1 output-channel-axis=2 macs=9216 constant-weight=no
func.func @linalg_convs(%x: tensor<1x10x10x16xf32>, %f: tensor<3x3x16x32xf32>, %o: tensor<1x8x8x32xf32>,
                        %xc: tensor<1x16x10x10xf32>, %fc: tensor<32x16x3x3xf32>, %oc: tensor<1x32x8x8xf32>,
                        %fd: tensor<3x3x16xf32>, %od: tensor<1x8x8x16xf32>) {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %f : tensor<1x10x10x16xf32>, tensor<3x3x16x32xf32>) outs(%o : tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32> loc("linalg_conv_nhwc_hwcf")
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%xc, %fc : tensor<1x16x10x10xf32>, tensor<32x16x3x3xf32>) outs(%oc : tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32> loc("linalg_conv_nchw_fchw")
  %2 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %fd : tensor<1x10x10x16xf32>, tensor<3x3x16xf32>) outs(%od : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> loc("linalg_depthwise")
  return
}
