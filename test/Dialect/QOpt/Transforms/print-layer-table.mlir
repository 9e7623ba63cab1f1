// RUN: qopt %s -qopt-print-layer-table -o /dev/null | FileCheck %s
// RUN: not qopt %s -qopt-print-layer-table="output-file=%t.missing/dir/table.txt" -o /dev/null 2>&1 | FileCheck %s --check-prefix=ERR

// Layers without a location name are named after their op and index;
// repeated names get a suffix; dynamic shapes print '?' (an unranked weight
// too); run-time weights are marked; candidate and chosen formats use short
// names.


// CHECK: qopt layers: 5 (2 with constant weights), 1.1 K params, 20.5 K MACs
// CHECK-NEXT: #  layer            op             weight              params   MACs  const  candidates               chosen
// CHECK-NEXT: 0  fc               linalg.matmul  tensor<32x16xf32>      512   2048  yes    si8-ch,si4-g16,f8E4M3FN  si4-g16
// CHECK-NEXT: 1  fc#1             linalg.matmul  tensor<32x16xf32>      512   2048  yes    -                        -
// CHECK-NEXT: 2  linalg.matmul#2  linalg.matmul  tensor<32x?xf32>         ?      ?  no     -                        -
// CHECK-NEXT: 3  attention        tosa.matmul    tensor<1x16x4xf32>      64  16384  no     -                        -
// CHECK-NEXT: 4  unranked         tosa.conv2d    tensor<*xf32>            ?      ?  no     -                        -

// ERR: qopt-print-layer-table: {{.*}}table.txt

func.func @f(%a: tensor<4x32xf32>, %c: tensor<4x16xf32>, %wd: tensor<32x?xf32>, %cd: tensor<4x?xf32>,
             %q: tensor<1x256x16xf32>, %k: tensor<1x16x4xf32>,
             %x: tensor<1x4x4x1xf32>, %wu: tensor<*xf32>) {
  %w = arith.constant dense<1.0> : tensor<32x16xf32>
  %0 = linalg.matmul {qopt.candidates = #qopt.candidates<[<si8, per_channel(axis = 1)>, <si4, group(axis = 0, size = 16)>, <f8E4M3FN, per_tensor>]>,
                      qopt.format = #qopt.format<si4, group(axis = 0, size = 16)>}
         ins(%a, %w : tensor<4x32xf32>, tensor<32x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32> loc("fc")
  %1 = linalg.matmul ins(%a, %w : tensor<4x32xf32>, tensor<32x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32> loc("fc")
  %2 = linalg.matmul ins(%a, %wd : tensor<4x32xf32>, tensor<32x?xf32>) outs(%cd : tensor<4x?xf32>) -> tensor<4x?xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %3 = tosa.matmul %q, %k, %zp, %zp : (tensor<1x256x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x256x4xf32> loc(fused["attention", "scores"])
  %b = "tosa.const"() <{values = dense<0.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %4 = tosa.conv2d %x, %wu, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<*xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("unranked")
  return
}
