// A two-layer model with named input and output for the library C API test.
func.func @main(%x: tensor<1x2x8xf32> {qopt.name = "x", qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [-1.0], max = [1.0], lo = [-1.0], hi = [1.0]>}) -> (tensor<1x2x3xf32> {qopt.name = "y"}) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w = "tosa.const"() <{values = dense<[[[0.5, -1.0, 0.25], [0.25, 1.0, -0.5], [1.0, 0.5, 0.0], [-0.25, 0.75, 1.0], [0.5, 0.5, 0.5], [-1.0, 0.0, 0.25], [0.0, -0.5, 0.75], [1.0, 1.0, -1.0]]]> : tensor<1x8x3xf32>}> : () -> tensor<1x8x3xf32>
  %y = tosa.matmul %x, %w, %zp, %zp {qopt.format = #qopt.format<si4, per_channel(axis = 2)>} : (tensor<1x2x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}
