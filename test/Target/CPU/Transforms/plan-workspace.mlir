// RUN: qopt %s -split-input-file -allow-unregistered-dialect -verify-diagnostics -pass-pipeline='builtin.module(qopt-cpu-plan-workspace)' | FileCheck %s

// %a (64 B) and %b (256 B) overlap in time; %c (64 B) reuses %a's bytes
// after its dealloc; %d (128 B) gets the start of the free space after %b.
// The dynamic %e and the never-freed %f stay allocations. 64-byte aligned;
// the workspace is the high-water mark, 320 bytes.

// CHECK: module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "m", inputs = [], outputs = [], workspace_bytes = 320>}
// CHECK-LABEL: func.func @m_entry
// CHECK-SAME: (%{{.*}}: index, %[[WS:.*]]: memref<320xi8>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[C0]]][] : memref<320xi8> to memref<16xf32>
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: %[[B:.*]] = memref.view %[[WS]][%[[C64]]][] : memref<320xi8> to memref<64xf32>
// CHECK: %[[C0B:.*]] = arith.constant 0 : index
// CHECK: %[[C:.*]] = memref.view %[[WS]][%[[C0B]]][] : memref<320xi8> to memref<2x8xf32>
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: memref.alloc() : memref<4xf32>
// CHECK: %[[D:.*]] = memref.view %[[WS]][%{{.*}}][] : memref<320xi8> to memref<32xf32>
// CHECK-NOT: memref.dealloc %[[C]]
// CHECK-NOT: memref.dealloc %[[A]]
// CHECK: memref.dealloc %{{.*}} : memref<?xf32>
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "m", inputs = [], outputs = []>} {
  func.func @m_entry(%n: index) {
    %a = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
    %b = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
    "test.use"(%a, %b) : (memref<16xf32>, memref<64xf32>) -> ()
    memref.dealloc %a : memref<16xf32>
    %c = memref.alloc() {alignment = 64 : i64} : memref<2x8xf32>
    %e = memref.alloc(%n) : memref<?xf32>
    %f = memref.alloc() : memref<4xf32>
    memref.dealloc %b : memref<64xf32>
    %d = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
    "test.use"(%c, %d, %e, %f) : (memref<2x8xf32>, memref<32xf32>, memref<?xf32>, memref<4xf32>) -> ()
    memref.dealloc %c : memref<2x8xf32>
    memref.dealloc %d : memref<32xf32>
    memref.dealloc %e : memref<?xf32>
    "test.escape"(%f) : (memref<4xf32>) -> ()
    return
  }
}

// -----

// A loop body's buffer freed in the body (%t) lives only inside it: it
// gets bytes 64..127 beside %a (live across the loop), and %b, allocated
// after both are freed, reuses offset 0. A body buffer the body does not
// free (%u) stays an allocation.

// CHECK: workspace_bytes = 128
// CHECK-LABEL: func.func @m_entry
// CHECK: memref.view %{{.*}}[%{{.*}}][] : memref<128xi8> to memref<16xf32>
// CHECK: scf.for
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: memref.view %{{.*}}[%[[C64]]][] : memref<128xi8> to memref<4x4xf32>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<8xf32>
// CHECK-NOT: memref.dealloc %{{.*}} : memref<4x4xf32>
// CHECK: }
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.view %{{.*}}[%[[C0]]][] : memref<128xi8> to memref<2x8xf32>
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "m", inputs = [], outputs = []>} {
  func.func @m_entry(%n: index) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %a = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
    scf.for %i = %c0 to %n step %c1 {
      %t = memref.alloc() {alignment = 64 : i64} : memref<4x4xf32>
      %u = memref.alloc() {alignment = 64 : i64} : memref<8xf32>
      "test.use"(%a, %t, %u) : (memref<16xf32>, memref<4x4xf32>, memref<8xf32>) -> ()
      memref.dealloc %t : memref<4x4xf32>
      "test.escape"(%u) : (memref<8xf32>) -> ()
    }
    memref.dealloc %a : memref<16xf32>
    %b = memref.alloc() {alignment = 64 : i64} : memref<2x8xf32>
    "test.use"(%b) : (memref<2x8xf32>) -> ()
    memref.dealloc %b : memref<2x8xf32>
    return
  }
}

// -----

// expected-error @+1 {{qopt-cpu-plan-workspace: no qopt.cpu.abi; run qopt-cpu-entry-abi first}}
module {
}
