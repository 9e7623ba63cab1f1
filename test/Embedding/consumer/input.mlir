// Input of the find_package(QOpt) consumer test (test/Embedding): the
// consumer's tool runs qopt-annotate-candidates{bits=8,4} on it.

// CHECK-LABEL: func.func @linear
// CHECK: tosa.matmul
// CHECK-SAME: qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>
func.func @linear(%x: tensor<1x4x16xf32>) -> tensor<1x4x8xf32> {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x16x8xf32>}> : () -> tensor<1x16x8xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x4x16xf32>, tensor<1x16x8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x8xf32>
  return %y : tensor<1x4x8xf32>
}
