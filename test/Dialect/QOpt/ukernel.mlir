// RUN: qopt %s | qopt | FileCheck %s
// RUN: qopt %s -mlir-print-op-generic | qopt | FileCheck %s

// qopt.ukernel on tensors returns its outputs; on buffers it returns nothing.

// CHECK-LABEL: func @on_tensors
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x64xi8>
// CHECK: qopt.ukernel "qopt_rt_uk_quantize_s8" ins(%{{.*}} : tensor<1x64xf32>) outs(%[[E]] : tensor<1x64xi8>) scalars([64, 5.000000e-01 : f32, 3 : i32]) -> tensor<1x64xi8>
func.func @on_tensors(%x: tensor<1x64xf32>) -> tensor<1x64xi8> {
  %e = tensor.empty() : tensor<1x64xi8>
  %q = qopt.ukernel "qopt_rt_uk_quantize_s8" ins(%x : tensor<1x64xf32>) outs(%e : tensor<1x64xi8>) scalars([64 : i64, 0.5 : f32, 3 : i32]) -> tensor<1x64xi8>
  return %q : tensor<1x64xi8>
}

// CHECK-LABEL: func @on_buffers
// CHECK: qopt.ukernel "k" ins(%{{.*}}, %{{.*}} : memref<4xf32>, memref<2xi8>) outs(%{{.*}} : memref<4xf32>){{$}}
func.func @on_buffers(%a: memref<4xf32>, %b: memref<2xi8>, %c: memref<4xf32>) {
  qopt.ukernel "k" ins(%a, %b : memref<4xf32>, memref<2xi8>) outs(%c : memref<4xf32>)
  return
}

// CHECK-LABEL: func @no_inputs
// CHECK: qopt.ukernel "fill" outs(%{{.*}} : tensor<8xf32>) scalars([1.000000e+00]) -> tensor<8xf32>
func.func @no_inputs(%c: tensor<8xf32>) -> tensor<8xf32> {
  %r = qopt.ukernel "fill" outs(%c : tensor<8xf32>) scalars([1.0 : f64]) -> tensor<8xf32>
  return %r : tensor<8xf32>
}
