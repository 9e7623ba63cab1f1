// Two integer layers: a dense layer with ReLU (requantized, min = zy) and
// the output dense layer with its float epilogue. Worked out by hand in
// emit-project.test.
module {
  func.func @main(%arg0: tensor<1x3xf32> {qopt.name = "x"}) -> (tensor<1x2xf32> {qopt.name = "y"}) {
    %x = qopt.quantize %arg0 : tensor<1x3xf32> to tensor<1x3x!quant.uniform<i8:f32, 0.5:-128>>
    %w1 = qopt.packed_weight dense<[1, -2, 3, -4, 5, -6]> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.25, 0.125}>>
    %b1 = "tosa.const"() <{values = dense<[8, -5]> : tensor<2xi32>}> : () -> tensor<2xi32>
    %acc = qopt.matmul %x, %w1, %b1 : tensor<1x3x!quant.uniform<i8:f32, 0.5:-128>>, tensor<2x3x!quant.uniform<i4:f32:0, {0.25, 0.125}>>, tensor<2xi32> -> tensor<1x2xi32> loc("fc1")
    %h = qopt.requantize %acc {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 30, 31>, min = -3 : i32} : tensor<1x2xi32> to tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>
    %w2 = qopt.packed_weight dense<[1, 2, -3, 4]> : tensor<4xi8> : tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.5}>>
    %b2 = "tosa.const"() <{values = dense<[0.25, -0.5]> : tensor<2xf32>}> : () -> tensor<2xf32>
    %y = qopt.matmul %h, %w2, %b2 : tensor<1x2x!quant.uniform<i8:f32, 0.125:-3>>, tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 0.5}>>, tensor<2xf32> -> tensor<1x2xf32> loc("fc2")
    return %y : tensor<1x2xf32>
  }
}
