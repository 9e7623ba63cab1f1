// Layers qopt-sensitivity cannot measure are errors naming the layer, never
// reads out of range. The sidecars' SHA-256 are filled in by the RUN line.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import hashlib, numpy as np; np.savez('%t/h.npz', mm=np.ones((3, 3), np.float32)); np.savez('%t/d.npz', mm=np.ones((2, 2), np.float64)); h = lambda f: hashlib.sha256(open('%t/' + f, 'rb').read()).hexdigest(); open('%t/errors.mlir', 'w').write(open('%s').read().replace('@SHA_H@', h('h.npz')).replace('@SHA_D@', h('d.npz')))"
// RUN: cd %t && qopt errors.mlir -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(qopt-sensitivity{method=hessian})'

// The diagonal of a 2-element weight's input moments has 2 entries.
func.func @diag_size(%x: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[1.0], [0.3]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-sensitivity: layer 'tosa.matmul#0' input statistics have 3 diagonal entries; its weight needs 2}}
  %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si4, per_tensor>]>, qopt.input_stats = #qopt.input_stats<samples = 2, diag = dense<[5.0, 10.0, 1.0]> : tensor<3xf32>>} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}

// -----

func.func @full_size(%x: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[1.0], [0.3]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-sensitivity: layer 'tosa.matmul#0' input second-moment matrix has 9 entries; its weight needs 2 x 2}}
  %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si4, per_tensor>]>, qopt.input_stats = #qopt.input_stats<samples = 2, diag = dense<[5.0, 10.0]> : tensor<2xf32>, sidecar = "h.npz", key = "mm", sha256 = "@SHA_H@">} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}

// -----

func.func @full_dtype(%x: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<[[[1.0], [0.3]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-sensitivity: sidecar 'd.npz' matrix 'mm' is float64[2, 2], expected float32}}
  %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[<si4, per_tensor>]>, qopt.input_stats = #qopt.input_stats<samples = 2, diag = dense<[5.0, 10.0]> : tensor<2xf32>, sidecar = "d.npz", key = "mm", sha256 = "@SHA_D@">} : (tensor<1x1x2xf32>, tensor<1x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}

// -----

// The weight is constant, but computed through an unranked value the
// executor cannot allocate: an error, not a crash.
func.func @unranked_weight(%x: tensor<1x4x4x1xf32>) -> tensor<1x4x4x2xf32> {
  %c = "tosa.const"() <{values = dense<1.0> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %a = tosa.abs %c : (tensor<2x1x1x1xf32>) -> tensor<*xf32>
  %w = tosa.abs %a : (tensor<*xf32>) -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{qopt-sensitivity: cannot evaluate the layer's float32 weight}}
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 0)>]>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}
