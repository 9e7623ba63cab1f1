// RUN: qopt %s -split-input-file -verify-diagnostics -qopt-annotate-candidates

// QuantizableOpInterface external models are not verified with the op: a
// layer whose model reports axes its weight lacks is an error, not an
// out-of-range read. This contraction's weight has no output-channel axis.
func.func @no_output_channel_axis(%a: tensor<4x8xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  %w = arith.constant dense<1.0> : tensor<8xf32>
  // expected-error @+1 {{'linalg.contract' op QuantizableOpInterface output-channel axis -1 is out of range for weight rank 1}}
  %y = linalg.contract indexing_maps = [affine_map<(m, k) -> (m, k)>, affine_map<(m, k) -> (k)>, affine_map<(m, k) -> (m)>]
     ins(%a, %w : tensor<4x8xf32>, tensor<8xf32>) outs(%c : tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
