// RUN: qopt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the qopt dialect: attribute parsers and
// verifiers, the checks on discardable qopt.* attributes, and op verifiers.

//===----------------------------------------------------------------------===//
// #qopt.format parsing
//===----------------------------------------------------------------------===//

// expected-error @+1 {{expected 'per_tensor', 'per_channel', 'group', 'symmetric' or 'asymmetric', got 'per_row'}}
func.func @bad_keyword() attributes {a = #qopt.format<si8, per_row>} { return }

// -----

// expected-error @+1 {{granularity given twice}}
func.func @granularity_twice() attributes {a = #qopt.format<si8, per_tensor, per_channel(axis = 0)>} { return }

// -----

// expected-error @+1 {{symmetry given twice}}
func.func @symmetry_twice() attributes {a = #qopt.format<ui8, asymmetric, symmetric>} { return }

// -----

// expected-error @+1 {{group granularity needs a group size: group(axis = A, size = G)}}
func.func @group_without_size() attributes {a = #qopt.format<si4, group(axis = 1)>} { return }

//===----------------------------------------------------------------------===//
// #qopt.format verification
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{integer element type must be signed (si<N>) or unsigned (ui<N>), got 'i4'}}
func.func @signless() attributes {a = #qopt.format<i4>} { return }

// -----

// expected-error @+1 {{integer formats must have 1 to 8 bits, got 16}}
func.func @too_many_bits() attributes {a = #qopt.format<si16>} { return }

// -----

// expected-error @+1 {{a symmetric signed format needs at least 2 bits}}
func.func @symmetric_si1() attributes {a = #qopt.format<si1>} { return }

// -----

// expected-error @+1 {{floating-point formats must have at most 16 bits, got 'f32'}}
func.func @wide_float() attributes {a = #qopt.format<f32>} { return }

// -----

// expected-error @+1 {{floating-point format 'f8E4M3FN' has no zero point and cannot be asymmetric}}
func.func @asymmetric_float() attributes {a = #qopt.format<f8E4M3FN, asymmetric>} { return }

// -----

// expected-error @+1 {{element type must be an integer or floating-point type, got 'index'}}
func.func @index_format() attributes {a = #qopt.format<index>} { return }

// -----

// expected-error @+1 {{axis must be non-negative, got -1}}
func.func @negative_axis() attributes {a = #qopt.format<si8, per_channel(axis = -1)>} { return }

// -----

// expected-error @+1 {{axis must be non-negative, got -2}}
func.func @negative_group_axis() attributes {a = #qopt.format<si8, group(axis = -2, size = 4)>} { return }

// -----

// expected-error @+1 {{group size must be positive, got 0}}
func.func @zero_group() attributes {a = #qopt.format<si4, group(axis = 1, size = 0)>} { return }

//===----------------------------------------------------------------------===//
// #qopt.candidates verification
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{candidate set must not be empty}}
func.func @empty_candidates() attributes {a = #qopt.candidates<[]>} { return }

// -----

// expected-error @+1 {{candidate set lists #qopt.format<si4, per_tensor> twice}}
func.func @duplicate_candidates() attributes {a = #qopt.candidates<[<si4>, <si8>, <si4, per_tensor, symmetric>]>} { return }

//===----------------------------------------------------------------------===//
// Discardable qopt.* attributes
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{'func.func' op has unknown qopt attribute 'qopt.formats'; expected 'qopt.format', 'qopt.group_formats', 'qopt.candidates', 'qopt.act_stats', 'qopt.input_stats', 'qopt.sensitivity' or 'qopt.name'}}
func.func @unknown_attr() attributes {qopt.formats = #qopt.format<si8>} { return }

// -----

// expected-error @+1 {{'func.func' op carries 'qopt.format' but does not implement QuantizableOpInterface}}
func.func @not_a_layer() attributes {qopt.format = #qopt.format<si8>} { return }

// -----

func.func @format_wrong_kind(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.format' must be a #qopt.format attribute}}
  %y = linalg.matmul {qopt.format = 8 : i32} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @candidates_wrong_kind(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.candidates' must be a #qopt.candidates attribute}}
  %y = linalg.matmul {qopt.candidates = #qopt.format<si8>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @axis_out_of_range(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.format' #qopt.format<si8, per_channel(axis = 2)> does not fit weight of type 'tensor<8x16xf32>': axis 2 is out of range for a tensor of rank 2}}
  %y = linalg.matmul {qopt.format = #qopt.format<si8, per_channel(axis = 2)>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @group_does_not_tile(%a: tensor<4x96xf32>, %w: tensor<96x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.candidates' #qopt.format<si4, group(axis = 0, size = 64)> does not fit weight of type 'tensor<96x16xf32>': group size 64 does not tile axis 0 of size 96}}
  %y = linalg.matmul {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 1)>, <si4, group(axis = 0, size = 64)>]>} ins(%a, %w : tensor<4x96xf32>, tensor<96x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @chosen_not_a_candidate(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.format' #qopt.format<si2, per_channel(axis = 1)> is not one of the op's 'qopt.candidates'}}
  %y = linalg.matmul {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 1)>, <si4, per_channel(axis = 1)>]>, qopt.format = #qopt.format<si2, per_channel(axis = 1)>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// The layer's own verifier runs before its qopt.* attributes are checked
// against its weight.
func.func @layer_invalid(%a: tensor<1x4x8xf32>, %w: f32, %zp: tensor<1xf32>) -> tensor<1x4x16xf32> {
  // expected-error @+1 {{'tosa.matmul' op operand #1 must be 3-d tosa-conformant tensor, but got 'f32'}}
  %y = "tosa.matmul"(%a, %w, %zp, %zp) {qopt.format = #qopt.format<si8, per_channel(axis = 2)>} : (tensor<1x4x8xf32>, f32, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x16xf32>
  return %y : tensor<1x4x16xf32>
}

// -----

func.func @layer_region_invalid(%a: tensor<4x8xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op expected the number of indexing_map (3) to be equal to the number of input/output operands (2)}}
  %y = "linalg.matmul"(%a, %c) <{operandSegmentSizes = array<i32: 1, 1>}> ({
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }) {qopt.format = #qopt.format<si8, per_channel(axis = 1)>} : (tensor<4x8xf32>, tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// QuantizableOpInterface external models are not verified with the op:
// the dialect checks them before using their axes. This contraction's
// weight has no output-channel axis.
func.func @layer_no_channel_axis(%a: tensor<4x8xf32>, %w: tensor<8xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'linalg.contract' op QuantizableOpInterface output-channel axis -1 is out of range for weight rank 1}}
  %y = linalg.contract indexing_maps = [affine_map<(m, k) -> (m, k)>, affine_map<(m, k) -> (k)>, affine_map<(m, k) -> (m)>] {qopt.candidates = #qopt.candidates<[<si8, per_tensor>]>}
     ins(%a, %w : tensor<4x8xf32>, tensor<8xf32>) outs(%c : tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// qopt.fake_quant
//===----------------------------------------------------------------------===//

// -----

func.func @fake_quant_axis(%x: tensor<4x8xf32>, %s: tensor<4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qopt.fake_quant' op format does not fit the input: axis 2 is out of range for a tensor of rank 2}}
  %y = qopt.fake_quant %x, %s : tensor<4x8xf32>, tensor<4xf32> as <si8, per_channel(axis = 2)>
  return %y : tensor<4x8xf32>
}

// -----

func.func @fake_quant_group_tile(%x: tensor<4x8xf32>, %s: tensor<4x2xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qopt.fake_quant' op format does not fit the input: group size 3 does not tile axis 1 of size 8}}
  %y = qopt.fake_quant %x, %s : tensor<4x8xf32>, tensor<4x2xf32> as <si4, group(axis = 1, size = 3)>
  return %y : tensor<4x8xf32>
}

// -----

func.func @fake_quant_scale_shape(%x: tensor<4x8xf32>, %s: tensor<8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qopt.fake_quant' op scale must have shape [4] for format #qopt.format<si8, per_channel(axis = 0)> and input 'tensor<4x8xf32>', got [8]}}
  %y = qopt.fake_quant %x, %s : tensor<4x8xf32>, tensor<8xf32> as <si8, per_channel(axis = 0)>
  return %y : tensor<4x8xf32>
}

// -----

func.func @fake_quant_group_scale_shape(%x: tensor<4x8xf32>, %s: tensor<4x4xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qopt.fake_quant' op scale must have shape [4, 2] for format #qopt.format<si4, group(axis = 1, size = 4)> and input 'tensor<4x8xf32>', got [4, 4]}}
  %y = qopt.fake_quant %x, %s : tensor<4x8xf32>, tensor<4x4xf32> as <si4, group(axis = 1, size = 4)>
  return %y : tensor<4x8xf32>
}

// -----

func.func @fake_quant_missing_zero_point(%x: tensor<4x8xf32>, %s: tensor<f32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qopt.fake_quant' op asymmetric format #qopt.format<ui8, per_tensor, asymmetric> requires a zero_point operand}}
  %y = qopt.fake_quant %x, %s : tensor<4x8xf32>, tensor<f32> as <ui8, asymmetric>
  return %y : tensor<4x8xf32>
}

// -----

func.func @fake_quant_extra_zero_point(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<i32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qopt.fake_quant' op symmetric format #qopt.format<si8, per_tensor> takes no zero_point operand}}
  %y = qopt.fake_quant %x, %s, %z : tensor<4x8xf32>, tensor<f32>, tensor<i32> as <si8>
  return %y : tensor<4x8xf32>
}

// -----

func.func @fake_quant_zero_point_shape(%x: tensor<4x8xf32>, %s: tensor<4xf32>, %z: tensor<2xi32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'qopt.fake_quant' op zero_point must have shape [4] for format #qopt.format<ui4, per_channel(axis = 0), asymmetric> and input 'tensor<4x8xf32>', got [2]}}
  %y = qopt.fake_quant %x, %s, %z : tensor<4x8xf32>, tensor<4xf32>, tensor<2xi32> as <ui4, per_channel(axis = 0), asymmetric>
  return %y : tensor<4x8xf32>
}

// -----

func.func @fake_quant_result_type(%x: tensor<4x8xf32>, %s: tensor<f32>) -> tensor<4x8xf16> {
  // expected-error @+1 {{'qopt.fake_quant' op failed to verify that all of {input, result} have same type}}
  %y = "qopt.fake_quant"(%x, %s) <{format = #qopt.format<si8>}> : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf16>
  return %y : tensor<4x8xf16>
}

//===----------------------------------------------------------------------===//
// #qopt.act_stats / #qopt.input_stats
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{unknown range method 'median'; expected minmax, percentile, mse or entropy}}
func.func @stats_method() attributes {a = #qopt.act_stats<method = "median", samples = 1, axis = -1, min = [0.0], max = [1.0], lo = [0.0], hi = [1.0]>} { return }

// -----

// expected-error @+1 {{samples must be positive, got 0}}
func.func @stats_samples() attributes {a = #qopt.act_stats<method = "minmax", samples = 0, axis = -1, min = [0.0], max = [1.0], lo = [0.0], hi = [1.0]>} { return }

// -----

// expected-error @+1 {{axis must be -1 (per tensor) or a dimension, got -3}}
func.func @stats_axis() attributes {a = #qopt.act_stats<method = "minmax", samples = 1, axis = -3, min = [0.0], max = [1.0], lo = [0.0], hi = [1.0]>} { return }

// -----

// expected-error @+1 {{min, max, lo and hi must have the same non-zero length}}
func.func @stats_lengths() attributes {a = #qopt.act_stats<method = "minmax", samples = 1, axis = 1, min = [0.0, 1.0], max = [1.0], lo = [0.0], hi = [1.0]>} { return }

// -----

// expected-error @+1 {{per-tensor statistics have one value, got 2}}
func.func @stats_per_tensor() attributes {a = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [0.0, 0.0], max = [1.0, 1.0], lo = [0.0, 0.0], hi = [1.0, 1.0]>} { return }

// -----

// expected-error @+1 {{min 2.000000e+00 exceeds max 1.000000e+00 at 0}}
func.func @stats_min_max() attributes {a = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [2.0], max = [1.0], lo = [0.0], hi = [1.0]>} { return }

// -----

// expected-error @+1 {{lo 1.000000e+00 exceeds hi 0.000000e+00 at 0}}
func.func @stats_lo_hi() attributes {a = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [0.0], max = [1.0], lo = [1.0], hi = [0.0]>} { return }

// -----

// expected-error @+1 {{diag must hold f32 values}}
func.func @input_stats_type() attributes {a = #qopt.input_stats<samples = 1, diag = dense<1> : tensor<2xi32>>} { return }

// -----

// expected-error @+1 {{sidecar, key and sha256 go together}}
func.func @input_stats_sidecar() attributes {a = #qopt.input_stats<samples = 1, diag = dense<1.0> : tensor<2xf32>, sidecar = "h.npz">} { return }

// -----

// expected-error @+1 {{mean must hold f32 values shaped like diag}}
func.func @input_stats_mean_shape() attributes {a = #qopt.input_stats<samples = 1, diag = dense<1.0> : tensor<2xf32>, mean = dense<0.0> : tensor<3xf32>>} { return }

// -----

// expected-error @+1 {{'func.func' op 'qopt.act_stats' must be a #qopt.act_stats attribute}}
func.func @act_stats_kind() attributes {qopt.act_stats = 1 : i32} { return }

// -----

// expected-error @+1 {{'func.func' op carries 'qopt.input_stats' but does not implement QuantizableOpInterface}}
func.func @input_stats_not_layer() attributes {qopt.input_stats = #qopt.input_stats<samples = 1, diag = dense<1.0> : tensor<2xf32>>} { return }

// -----

func.func @input_stats_kind(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.input_stats' must be a #qopt.input_stats attribute}}
  %y = linalg.matmul {qopt.input_stats = 1 : i32} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @input_stats_no_blob(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.input_stats' diag: dense_resource<gone> has no data (no blob of that name in the file's dialect_resources)}}
  %y = linalg.matmul {qopt.input_stats = #qopt.input_stats<samples = 1, diag = dense_resource<gone> : tensor<8xf32>>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

//===----------------------------------------------------------------------===//
// #qopt.sensitivity
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{unknown sensitivity method 'taylor'; expected weight-error, hessian, output-kl or output-mse}}
func.func @sens_method() attributes {a = #qopt.sensitivity<method = "taylor", channels_per_group = 0, values = dense<1.0> : tensor<2xf64>>} { return }

// -----

// expected-error @+1 {{values must be f64}}
func.func @sens_type() attributes {a = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<1.0> : tensor<2xf32>>} { return }

// -----

// expected-error @+1 {{values must have rank 2 ([groups, candidates])}}
func.func @sens_rank() attributes {a = #qopt.sensitivity<method = "hessian", channels_per_group = 4, values = dense<1.0> : tensor<2xf64>>} { return }

// -----

// expected-error @+1 {{channels_per_group must be >= 0, got -1}}
func.func @sens_group() attributes {a = #qopt.sensitivity<method = "hessian", channels_per_group = -1, values = dense<1.0> : tensor<2xf64>>} { return }

// -----

func.func @sens_candidates(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.sensitivity' has 3 values per group but the op has 2 candidates}}
  %y = linalg.matmul {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 1)>, <si4, per_channel(axis = 1)>]>, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 0, values = dense<1.0> : tensor<3xf64>>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// expected-error @+1 {{values must be finite, got nan at index 1}}
func.func @sens_nan() attributes {a = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<[1.0, 0x7FF8000000000000]> : tensor<2xf64>>} { return }

// -----

// expected-error @+1 {{values must be finite, got INF at index 0}}
func.func @sens_inf() attributes {a = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<0x7FF0000000000000> : tensor<2xf64>>} { return }

// -----

func.func @sens_groups(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.sensitivity' has 3 groups but 16 output channels in groups of 8 make 2}}
  %y = linalg.matmul {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 1)>, <si4, per_channel(axis = 1)>]>, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 8, values = dense<1.0> : tensor<3x2xf64>>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @sens_no_blob(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.sensitivity' values: dense_resource<missing> has no data (no blob of that name in the file's dialect_resources)}}
  %y = linalg.matmul {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 1)>, <si4, per_channel(axis = 1)>]>, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 0, values = dense_resource<missing> : tensor<2xf64>>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @sens_blob_size(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.sensitivity' values: dense_resource<short> holds 8 bytes; 'tensor<2xf64>' needs 16}}
  %y = linalg.matmul {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 1)>, <si4, per_channel(axis = 1)>]>, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 0, values = dense_resource<short> : tensor<2xf64>>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
{-# dialect_resources: { builtin: { short: "0x08000000000000000000F03F" } } #-}

// -----

func.func @sens_blob_nan(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.sensitivity' values must be finite, got nan at index 1}}
  %y = linalg.matmul {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 1)>, <si4, per_channel(axis = 1)>]>, qopt.sensitivity = #qopt.sensitivity<method = "weight-error", channels_per_group = 0, values = dense_resource<nan> : tensor<2xf64>>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
{-# dialect_resources: { builtin: { nan: "0x08000000000000000000F03F000000000000F87F" } } #-}

//===----------------------------------------------------------------------===//
// #qopt.group_formats
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{channels_per_group must be > 0, got 0}}
func.func @group_formats_size() attributes {a = #qopt.group_formats<channels_per_group = 0, formats = [#qopt.format<si8>]>} { return }

// -----

// expected-error @+1 {{formats must be #qopt.format attributes, got 1 : i32}}
func.func @group_formats_kind() attributes {a = #qopt.group_formats<channels_per_group = 2, formats = [1 : i32]>} { return }

// -----

// expected-error @+1 {{needs at least one format}}
func.func @group_formats_empty() attributes {a = #qopt.group_formats<channels_per_group = 2, formats = []>} { return }

// -----

func.func @group_formats_count(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.group_formats' has 3 formats but 16 output channels in groups of 8 make 2}}
  %y = linalg.matmul {qopt.group_formats = #qopt.group_formats<channels_per_group = 8, formats = [#qopt.format<si8, per_channel(axis = 1)>, #qopt.format<si8, per_channel(axis = 1)>, #qopt.format<si8, per_channel(axis = 1)>]>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @group_formats_and_format(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op has both 'qopt.format' and 'qopt.group_formats'}}
  %y = linalg.matmul {qopt.format = #qopt.format<si8, per_channel(axis = 1)>, qopt.group_formats = #qopt.group_formats<channels_per_group = 16, formats = [#qopt.format<si8, per_channel(axis = 1)>]>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @group_formats_candidate(%a: tensor<4x8xf32>, %w: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  // expected-error @+1 {{'linalg.matmul' op 'qopt.group_formats' #qopt.format<si2, per_channel(axis = 1)> is not one of the op's 'qopt.candidates'}}
  %y = linalg.matmul {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 1)>, <si4, per_channel(axis = 1)>]>, qopt.group_formats = #qopt.group_formats<channels_per_group = 8, formats = [#qopt.format<si8, per_channel(axis = 1)>, #qopt.format<si2, per_channel(axis = 1)>]>} ins(%a, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

func.func @quantize_wide(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qopt.quantize' op expected a per-tensor !quant.uniform<i8:f32, s:z> with the full int8 range}}
  %q = qopt.quantize %x : tensor<4xf32> to tensor<4x!quant.uniform<i16:f32, 0.5>>
  return
}

// -----

func.func @dequantize_per_axis(%q: tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>>) {
  // expected-error @+1 {{'qopt.dequantize' op expected a per-tensor !quant.uniform<i8:f32, s:z>}}
  %y = qopt.dequantize %q : tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.25}>> to tensor<2xf32>
  return
}

// -----

func.func @packed_weight_size() {
  // expected-error @+1 {{'qopt.packed_weight' op data holds 32 bytes; 2 rows of K = 3 at 4 bits in the logical layout need 6}}
  %w = qopt.packed_weight dense<0> : tensor<32xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @packed_weight_size_block64() {
  // expected-error @+1 {{'qopt.packed_weight' op data holds 6 bytes; 2 rows of K = 3 at 4 bits in the block64 layout need 64}}
  %w = qopt.packed_weight dense<0> : tensor<6xi8> layout <block64> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @packed_weight_logical_range() {
  // expected-error @+1 {{'qopt.packed_weight' op logical field 4 (row 1, column 1) is 8, outside [-8, 7] of 4-bit signed storage}}
  %w = qopt.packed_weight dense<[0, 1, -8, 7, 8, 0]> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @packed_weight_code_range() {
  // expected-error @+1 {{'qopt.packed_weight' op logical field 1 (row 0, column 1) is 64, outside [0, 63] of 6-bit codes}}
  %w = qopt.packed_weight dense<[63, 64]> : tensor<2xi8> scales dense<1.0> : tensor<1x1xf32> : tensor<1x2xf6E3M2FN>
  return
}

// -----

func.func @packed_weight_unknown_layout() {
  // expected-error @+2 {{expected ::mlir::qopt::WeightLayout to be one of: logical, block64}}
  // expected-error @+1 {{failed to parse QOpt_WeightLayoutAttr parameter 'value'}}
  %w = qopt.packed_weight dense<0> : tensor<6xi8> layout <block32> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @packed_weight_bits() {
  // expected-error @+1 {{'qopt.packed_weight' op packed weight storage must be i8, i4 or i2, got 'i3'}}
  %w = qopt.packed_weight dense<0> : tensor<48xi8> : tensor<2x3x!quant.uniform<i3:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @packed_weight_axis() {
  // expected-error @+1 {{'qopt.packed_weight' op per-axis packed weight must be quantized along axis 0}}
  %w = qopt.packed_weight dense<0> : tensor<192xi8> : tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 1.0}>>
  return
}

// -----

func.func @packed_weight_blocks() {
  // expected-error @+1 {{'qopt.packed_weight' op sub-channel packed weight must have block sizes {0:1, 1:g} with g dividing K}}
  %w = qopt.packed_weight dense<0> : tensor<128xi8> : tensor<2x3x!quant.uniform<i8:f32:{0:2, 1:3}, {{0.5}}>>
  return
}

// -----

func.func @matmul_k(%x: tensor<1x4xf32>) {
  %w = qopt.packed_weight dense<0> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{'qopt.matmul' op input reduces over 4 elements but the weight rows have 3}}
  %y = qopt.matmul %x, %w : tensor<1x4xf32>, tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>> -> tensor<1x2xf32>
  return
}

// -----

func.func @matmul_result(%x: tensor<1x3xf32>) {
  %w = qopt.packed_weight dense<0> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{'qopt.matmul' op result shape [1, 3] does not match [1, 2]}}
  %y = qopt.matmul %x, %w : tensor<1x3xf32>, tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>> -> tensor<1x3xf32>
  return
}

// -----

func.func @matmul_bias(%x: tensor<1x3xf32>, %b: tensor<3xf32>) {
  %w = qopt.packed_weight dense<0> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{'qopt.matmul' op bias must have shape [2], got [3]}}
  %y = qopt.matmul %x, %w, %b : tensor<1x3xf32>, tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>, tensor<3xf32> -> tensor<1x2xf32>
  return
}

// -----

func.func @conv_result(%x: tensor<1x8x8x1xf32>) {
  %w = qopt.packed_weight dense<1> : tensor<18xi8> : tensor<2x9x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{'qopt.conv2d' op result shape [1, 8, 8, 2] does not match [1, 4, 4, 2]}}
  %y = qopt.conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : tensor<1x8x8x1xf32>, tensor<2x9x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<1x8x8x2xf32>
  return
}

// -----

func.func @conv_kernel(%x: tensor<1x8x8x2xf32>) {
  %w = qopt.packed_weight dense<1> : tensor<18xi8> : tensor<2x9x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{'qopt.conv2d' op input reduces over 18 elements but the weight rows have 9}}
  %y = qopt.conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : tensor<1x8x8x2xf32>, tensor<2x9x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<1x4x4x2xf32>
  return
}

// -----

func.func @depthwise_taps(%x: tensor<1x8x8x4xf32>) {
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  // expected-error @+1 {{'qopt.depthwise_conv2d' op input reduces over 4 elements but the weight rows have 9}}
  %y = qopt.depthwise_conv2d %x, %w {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x8x8x4xf32>, tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> -> tensor<1x7x7x4xf32>
  return
}

// -----

func.func @depthwise_rows(%x: tensor<1x8x8x3xf32>) {
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  // expected-error @+1 {{'qopt.depthwise_conv2d' op weight has 4 rows, not a multiple of the 3 input channels}}
  %y = qopt.depthwise_conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x8x8x3xf32>, tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> -> tensor<1x8x8x4xf32>
  return
}

// -----

func.func @depthwise_result(%x: tensor<1x8x8x4xf32>) {
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  // expected-error @+1 {{'qopt.depthwise_conv2d' op result shape [1, 8, 8, 8] does not match [1, 8, 8, 4]}}
  %y = qopt.depthwise_conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x8x8x4xf32>, tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> -> tensor<1x8x8x8xf32>
  return
}

// -----

func.func @depthwise_bias(%x: tensor<1x8x8x4xf32>, %b: tensor<2xf32>) {
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  // expected-error @+1 {{'qopt.depthwise_conv2d' op bias must have shape [4], got [2]}}
  %y = qopt.depthwise_conv2d %x, %w, %b {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<1x8x8x4xf32>, tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>, tensor<2xf32> -> tensor<1x8x8x4xf32>
  return
}

// -----

func.func @depthwise_dynamic(%x: tensor<?x8x8x4xf32>) {
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  // expected-error @+1 {{'qopt.depthwise_conv2d' op needs static input and result shapes}}
  %y = qopt.depthwise_conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : tensor<?x8x8x4xf32>, tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> -> tensor<?x8x8x4xf32>
  return
}

// -----

func.func @depthwise_window(%x: tensor<1x8x8x4xf32>) {
  %w = qopt.packed_weight dense<1> : tensor<36xi8> : tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>>
  // expected-error @+1 {{'qopt.depthwise_conv2d' op kernel, stride and dilation must be positive and pad non-negative}}
  %y = qopt.depthwise_conv2d %x, %w {kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 0, 1>, dilation = array<i64: 1, 1>} : tensor<1x8x8x4xf32>, tensor<4x9x!quant.uniform<i8:f32:0, {0.5, 0.25, 1.0, 2.0}>> -> tensor<1x8x8x4xf32>
  return
}

// -----

func.func @code_book_no_scales() {
  // expected-error @+1 {{'qopt.packed_weight' op code-book packed weight of 'f8E4M3FN' needs `scales` [N, groups]}}
  %w = qopt.packed_weight dense<0> : tensor<128xi8> : tensor<2x64xf8E4M3FN>
  return
}

// -----

func.func @code_book_scale_shape() {
  // expected-error @+1 {{'qopt.packed_weight' op scales must have shape [2, G] with G dividing K = 64, got [2, 3]}}
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<1.0> : tensor<2x3xf32> : tensor<2x64xf8E4M3FN>
  return
}

// -----

func.func @code_book_scale_value() {
  // expected-error @+1 {{'qopt.packed_weight' op packed weight scales must be positive and finite}}
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<[[1.0], [0.0]]> : tensor<2x1xf32> : tensor<2x64xf8E4M3FN>
  return
}

// -----

func.func @code_book_size() {
  // expected-error @+1 {{'qopt.packed_weight' op data holds 128 bytes; 2 rows of K = 64 at 4 bits in the block64 layout need 64}}
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<1.0> : tensor<2x1xf32> layout <block64> : tensor<2x64xf4E2M1FN>
  return
}

// -----

func.func @integer_with_scales() {
  // expected-error @+1 {{'qopt.packed_weight' op integer packed weights carry their scales in the !quant type; `scales` is for code-book weights}}
  %w = qopt.packed_weight dense<0> : tensor<64xi8> scales dense<1.0> : tensor<2x1xf32> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  return
}

// -----

func.func @code_book_i32_accumulator(%x: tensor<1x64x!quant.uniform<i8:f32, 0.1>>) {
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<1.0> : tensor<2x1xf32> : tensor<2x64xf8E4M3FN>
  // expected-error @+1 {{'qopt.matmul' op the accumulator of code-book weights ('f8E4M3FN') is an i64 result with an int8 input}}
  %y = qopt.matmul %x, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<2x64xf8E4M3FN> -> tensor<1x2xi32>
  return
}

// -----

func.func @code_book_float_input_accumulator(%x: tensor<1x64xf32>) {
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<1.0> : tensor<2x1xf32> : tensor<2x64xf8E4M3FN>
  // expected-error @+1 {{'qopt.matmul' op the accumulator of code-book weights ('f8E4M3FN') is an i64 result with an int8 input}}
  %y = qopt.matmul %x, %w : tensor<1x64xf32>, tensor<2x64xf8E4M3FN> -> tensor<1x2xi64>
  return
}

// -----

func.func @code_book_accumulator_groups(%x: tensor<1x64x!quant.uniform<i8:f32, 0.1>>) {
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<1.0> : tensor<2x2xf32> : tensor<2x64xf8E4M3FN>
  // expected-error @+1 {{'qopt.matmul' op an i64 (accumulator) result needs one weight scale per row, not groups of 32}}
  %y = qopt.matmul %x, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<2x64xf8E4M3FN> -> tensor<1x2xi64>
  return
}

// -----

func.func @integer_i64_accumulator(%x: tensor<1x64x!quant.uniform<i8:f32, 0.1>>) {
  %w = qopt.packed_weight dense<0> : tensor<128xi8> : tensor<2x64x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{'qopt.matmul' op an i32 (accumulator) result needs an int8 input and integer weights}}
  %y = qopt.matmul %x, %w : tensor<1x64x!quant.uniform<i8:f32, 0.1>>, tensor<2x64x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<1x2xi64>
  return
}

// -----

func.func @code_book_f16(%x: tensor<1x64xf32>) {
  // expected-error @+1 {{'qopt.packed_weight' op result #0 must be ranked tensor of}}
  %w = qopt.packed_weight dense<0> : tensor<128xi8> scales dense<1.0> : tensor<2x1xf32> : tensor<2x64xf16>
  return
}

// -----

func.func @ukernel_mixed(%a: memref<4xf32>, %c: tensor<4xf32>) {
  // expected-error @+1 {{'qopt.ukernel' op operands must be all ranked tensors or all memrefs}}
  %r = qopt.ukernel "k" ins(%a : memref<4xf32>) outs(%c : tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @ukernel_results(%c: tensor<4xf32>) {
  // expected-error @+1 {{'qopt.ukernel' op on tensors returns one result per output}}
  qopt.ukernel "k" outs(%c : tensor<4xf32>)
  return
}

// -----

func.func @ukernel_memref_results(%c: memref<4xf32>) {
  // expected-error @+1 {{'qopt.ukernel' op on memrefs has no results}}
  %r = qopt.ukernel "k" outs(%c : memref<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @ukernel_scalar(%c: tensor<4xf32>) {
  // expected-error @+1 {{'qopt.ukernel' op scalars must be i32, i64, f32 or f64 attributes, got "x"}}
  %r = qopt.ukernel "k" outs(%c : tensor<4xf32>) scalars(["x"]) -> tensor<4xf32>
  return
}

// -----

func.func @ukernel_result_type(%c: tensor<4xf32>) {
  // expected-error @+1 {{'qopt.ukernel' op result type 'tensor<4xi8>' differs from its output's 'tensor<4xf32>'}}
  %r = qopt.ukernel "k" outs(%c : tensor<4xf32>) -> tensor<4xi8>
  return
}

// -----

func.func @ukernel_name(%c: tensor<4xf32>) {
  // expected-error @+1 {{'qopt.ukernel' op needs a function name}}
  %r = qopt.ukernel "" outs(%c : tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// A bound beyond the f32 range parses as infinity: no scale follows from it
// (found by scripts/fuzz.sh attr-parser: it printed as INF and did not parse
// back).
// expected-error @+1 {{min, max, lo and hi must be finite f32 values (at 0)}}
func.func @act_stats_inf(%x: tensor<4xf32> {qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [0.0], max = [1.0], lo = [0.0], hi = [4.0e+40]>}) {
  return
}

// -----

// expected-error @+1 {{library name 'net-1' is not a C identifier}}
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "net-1", inputs = [], outputs = []>} {
}

// -----

// expected-error @+1 {{library name '' is not a C identifier}}
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "", inputs = [], outputs = []>} {
}

// -----

// expected-error @+2 {{failed to parse QOpt_EntryABIAttr parameter 'inputs'}}
// expected-error @+1 {{entry tensor 'x' has element type 'f16', which the model ABI has no qopt_dtype for (f32, f64, i1, i8, i16, i32 or i64)}}
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "m", inputs = [<"x", f16, [4]>], outputs = []>} {
}

// -----

// Signedness is not part of the ABI's integer codes.
// expected-error @+2 {{failed to parse QOpt_EntryABIAttr parameter 'outputs'}}
// expected-error @+1 {{entry tensor 'q' has element type 'ui8'}}
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "m", inputs = [], outputs = [<"q", ui8, [4]>]>} {
}

// -----

// expected-error @+2 {{failed to parse QOpt_EntryABIAttr parameter 'inputs'}}
// expected-error @+1 {{entry tensor 'x' dimension 1 is negative; the model ABI takes static shapes}}
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "m", inputs = [<"x", f32, [2, -3]>], outputs = []>} {
}

// -----

// expected-error @+2 {{failed to parse QOpt_EntryABIAttr parameter 'inputs'}}
// expected-error @+1 {{entry tensor name must not be empty}}
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "m", inputs = [<"", f32, [2]>], outputs = []>} {
}

// -----

// expected-error @+1 {{workspace_bytes must be non-negative, got -64}}
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "m", inputs = [], outputs = [], workspace_bytes = -64>} {
}

// -----

// expected-error @+1 {{'builtin.module' op 'qopt.cpu.abi' must be a #qopt.entry_abi attribute}}
module attributes {qopt.cpu.abi = {name = "m", inputs = [], outputs = []}} {
}

// -----

func.func @abi_on_func() attributes {qopt.cpu.abi = #qopt.entry_abi<name = "m", inputs = [], outputs = []>} {
  // expected-error @-1 {{'func.func' op 'qopt.cpu.abi' belongs on a module}}
  return
}

// -----

// The accumulator (i32) path needs int8 inputs, one scale per row and an
// i32 bias.
func.func @accumulator_float_input(%x: tensor<1x3xf32>) -> tensor<1x2xi32> {
  %w = qopt.packed_weight dense<0> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{an i32 (accumulator) result needs an int8 input and integer weights}}
  %y = qopt.matmul %x, %w : tensor<1x3xf32>, tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

func.func @accumulator_groups(%x: tensor<1x128x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x1xi32> {
  %w = qopt.packed_weight dense<0> : tensor<128xi8> : tensor<1x128x!quant.uniform<i8:f32:{0:1, 1:64}, {{0.5, 0.25}}>>
  // expected-error @+1 {{an i32 (accumulator) result needs one weight scale per row, not groups of 64}}
  %y = qopt.matmul %x, %w : tensor<1x128x!quant.uniform<i8:f32, 0.1>>, tensor<1x128x!quant.uniform<i8:f32:{0:1, 1:64}, {{0.5, 0.25}}>> -> tensor<1x1xi32>
  return %y : tensor<1x1xi32>
}

// -----

func.func @accumulator_float_bias(%x: tensor<1x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<2xf32>) -> tensor<1x2xi32> {
  %w = qopt.packed_weight dense<0> : tensor<6xi8> : tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>
  // expected-error @+1 {{bias element type 'f32' must be the result's ('i32')}}
  %y = qopt.matmul %x, %w, %b : tensor<1x3x!quant.uniform<i8:f32, 0.1>>, tensor<2x3x!quant.uniform<i4:f32:0, {0.5, 0.25}>>, tensor<2xf32> -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

func.func @requantize_multiplier(%a: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+1 {{multiplier 1000 is outside [2^30, 2^31)}}
  %q = qopt.requantize %a {multiplier = array<i32: 1000>, shift = array<i32: 10>} : tensor<4xi32> to tensor<4x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05>>
}

// -----

func.func @requantize_shift(%a: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+1 {{shift 63 is outside [2, 62]}}
  %q = qopt.requantize %a {multiplier = array<i32: 1073741824>, shift = array<i32: 63>} : tensor<4xi32> to tensor<4x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05>>
}

// -----

func.func @requantize_channels(%a: tensor<2x4xi32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+1 {{has 2 multipliers; expected 1 or one per channel of the last dimension ([2, 4])}}
  %q = qopt.requantize %a {multiplier = array<i32: 1073741824, 1073741824>, shift = array<i32: 8, 8>} : tensor<2x4xi32> to tensor<2x4x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<2x4x!quant.uniform<i8:f32, 0.05>>
}

// -----

func.func @requantize_bounds(%a: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+1 {{min 10 and max 5 must satisfy -128 <= min <= max <= 127}}
  %q = qopt.requantize %a {multiplier = array<i32: 1073741824>, shift = array<i32: 8>, min = 10 : i32, max = 5 : i32} : tensor<4xi32> to tensor<4x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05>>
}

// -----

func.func @requantize_shift_count(%a: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+1 {{needs as many shifts as multipliers (at least one), got 1 and 2}}
  %q = qopt.requantize %a {multiplier = array<i32: 1073741824>, shift = array<i32: 8, 8>} : tensor<4xi32> to tensor<4x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05>>
}

// -----

func.func @requantize_residual_no_multiplier(%a: tensor<4xi32>, %r: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+1 {{needs a residual_multiplier exactly when it has a residual operand}}
  %q = qopt.requantize %a residual %r : tensor<4x!quant.uniform<i8:f32, 0.1>> {multiplier = array<i32: 1073741824>, shift = array<i32: 8>} : tensor<4xi32> to tensor<4x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05>>
}

// -----

func.func @requantize_residual_multiplier_alone(%a: tensor<4xi32>) -> tensor<4x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+1 {{needs a residual_multiplier exactly when it has a residual operand}}
  %q = qopt.requantize %a {multiplier = array<i32: 1073741824>, shift = array<i32: 8>, residual_multiplier = array<i64: 512>} : tensor<4xi32> to tensor<4x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05>>
}

// -----

func.func @requantize_residual_shape(%a: tensor<4xi32>, %r: tensor<2x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %q = qopt.requantize %a residual %r : tensor<2x!quant.uniform<i8:f32, 0.1>> {multiplier = array<i32: 1073741824>, shift = array<i32: 8>, residual_multiplier = array<i64: 512>} : tensor<4xi32> to tensor<4x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05>>
}

// -----

func.func @requantize_residual_count(%a: tensor<4xi32>, %r: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+1 {{has 2 residual multipliers; expected one per multiplier (1)}}
  %q = qopt.requantize %a residual %r : tensor<4x!quant.uniform<i8:f32, 0.1>> {multiplier = array<i32: 1073741824>, shift = array<i32: 8>, residual_multiplier = array<i64: 512, 512>} : tensor<4xi32> to tensor<4x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05>>
}

// -----

func.func @requantize_residual_range(%a: tensor<4xi32>, %r: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.05>> {
  // expected-error @+1 {{residual multiplier 36028797018963968 is outside [1, 2^55)}}
  %q = qopt.requantize %a residual %r : tensor<4x!quant.uniform<i8:f32, 0.1>> {multiplier = array<i32: 1073741824>, shift = array<i32: 8>, residual_multiplier = array<i64: 36028797018963968>} : tensor<4xi32> to tensor<4x!quant.uniform<i8:f32, 0.05>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.05>>
}
