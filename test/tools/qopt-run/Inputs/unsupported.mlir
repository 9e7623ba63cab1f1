func.func @main(%re: tensor<1x8x8xf32>, %im: tensor<1x8x8xf32>) -> tensor<1x8x8xf32> {
  %a, %b = tosa.fft2d %re, %im {inverse = false} : (tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<1x8x8xf32>, tensor<1x8x8xf32>)
  return %a : tensor<1x8x8xf32>
}
