// RUN: qopt %s -split-input-file -pass-pipeline='builtin.module(qopt-cpu-entry-abi{name=net})' | FileCheck %s
// RUN: not qopt %s -pass-pipeline='builtin.module(qopt-cpu-entry-abi{name=net entry=absent})' 2>&1 | FileCheck %s --check-prefix=MISSING

// The ABI record keeps names (or argN / resultN) and types; inputs become
// read-only for bufferization, other argument attributes are dropped; the
// entry is renamed <name>_entry.

// CHECK: module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "net", inputs = [<"image", f32, [1, 4]>, <"arg1", i64, [2]>], outputs = [<"result0", f32, [1, 4]>]>}
// CHECK: func.func @net_entry(%{{.*}}: tensor<1x4xf32> {bufferization.writable = false}, %{{.*}}: tensor<2xi64> {bufferization.writable = false}) -> tensor<1x4xf32>
// CHECK-NOT: qopt.act_stats
// MISSING: error: no function 'absent' with a body to export
func.func @main(%x: tensor<1x4xf32> {qopt.name = "image", qopt.act_stats = #qopt.act_stats<method = "minmax", samples = 1, axis = -1, min = [0.0], max = [1.0], lo = [0.0], hi = [1.0]>}, %i: tensor<2xi64>) -> tensor<1x4xf32> {
  return %x : tensor<1x4xf32>
}
