// Sensitivities held in dense_resource blobs (and in other ElementsAttr
// kinds) are read, not taken as zeros. Two 64-parameter layers with si8 /
// si4 / si2 candidates and avg-bits=5 (10 bits over both): a = [1, 5, 6],
// b = [1, 50, 60] make a si2 + b si8 (cost 7) the best allocation; read as
// zeros every allocation costs 0 and the smallest (si2 + si2) wins.
// RUN: qopt %s -split-input-file --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=5})' -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s

// CHECK: qopt allocation: 2 layers, solver exact (optimal), objective 7.0000e+00
// CHECK: a 64 64 si8-ch=1.00e+00 si4-ch=5.00e+00 si2-ch=6.00e+00 si2-ch
// CHECK: b 64 64 si8-ch=1.00e+00 si4-ch=5.00e+01 si2-ch=6.00e+01 si8-ch
// CHECK: qopt.format = #qopt.format<si2, per_channel(axis = 2)>{{.*}}loc("a")
// CHECK: qopt.format = #qopt.format<si8, per_channel(axis = 2)>{{.*}}loc("b")

#cands = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>, <si2, per_channel(axis = 2)>]>
func.func @blobs(%x: tensor<1x1x16xf32>) -> (tensor<1x1x4xf32>, tensor<1x1x4xf32>) {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense_resource<sens_a> : tensor<3xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("a")
  %b = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense_resource<sens_b> : tensor<3xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("b")
  return %a, %b : tensor<1x1x4xf32>, tensor<1x1x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      sens_a: "0x08000000000000000000F03F00000000000014400000000000001840",
      sens_b: "0x08000000000000000000F03F00000000000049400000000000004E40"
    }
  }
#-}

// -----

// The same values as a blob with 4-byte alignment (elements are copied out,
// not read in place) and as a sparse attribute.
// CHECK: qopt allocation: 2 layers, solver exact (optimal), objective 7.0000e+00
// CHECK: a 64 64 si8-ch=1.00e+00 si4-ch=5.00e+00 si2-ch=6.00e+00 si2-ch
// CHECK: b 64 64 si8-ch=1.00e+00 si4-ch=5.00e+01 si2-ch=6.00e+01 si8-ch
// CHECK: qopt.format = #qopt.format<si2, per_channel(axis = 2)>{{.*}}loc("a")
// CHECK: qopt.format = #qopt.format<si8, per_channel(axis = 2)>{{.*}}loc("b")

#cands = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>, <si2, per_channel(axis = 2)>]>
func.func @other_kinds(%x: tensor<1x1x16xf32>) -> (tensor<1x1x4xf32>, tensor<1x1x4xf32>) {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense_resource<sens_a4> : tensor<3xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("a")
  %b = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = sparse<[[0], [1], [2]], [1.0, 50.0, 60.0]> : tensor<3xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("b")
  return %a, %b : tensor<1x1x4xf32>, tensor<1x1x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      sens_a4: "0x04000000000000000000F03F00000000000014400000000000001840"
    }
  }
#-}
