// RUN: qopt %s -split-input-file | FileCheck %s
// RUN: qopt %s -split-input-file | qopt -split-input-file | FileCheck %s

// Round trip of #qopt.format and #qopt.candidates, held in non-dialect
// attributes so that only the attributes' own verifiers apply.

// CHECK-LABEL: func.func @formats
// CHECK-SAME: a = #qopt.format<si8, per_tensor>
// CHECK-SAME: b = #qopt.format<si8, per_tensor>
// CHECK-SAME: c = #qopt.format<ui8, per_tensor, asymmetric>
// CHECK-SAME: d = #qopt.format<si4, per_channel(axis = 0)>
// CHECK-SAME: e = #qopt.format<si4, group(axis = 1, size = 128)>
// CHECK-SAME: f = #qopt.format<ui2, group(axis = 3, size = 16), asymmetric>
// CHECK-SAME: g = #qopt.format<si1, per_tensor, asymmetric>
// CHECK-SAME: h = #qopt.format<ui1, per_tensor>
func.func @formats() attributes {
  a = #qopt.format<si8>,
  b = #qopt.format<si8, per_tensor, symmetric>,
  c = #qopt.format<ui8, asymmetric, per_tensor>,
  d = #qopt.format<si4, per_channel(axis = 0)>,
  e = #qopt.format<si4, group(axis = 1, size = 128)>,
  f = #qopt.format<ui2, group(axis = 3, size = 16), asymmetric>,
  g = #qopt.format<si1, asymmetric>,
  h = #qopt.format<ui1>} {
  return
}

// -----

// CHECK-LABEL: func.func @minifloats
// CHECK-SAME: a = #qopt.format<f8E4M3FN, per_channel(axis = 0)>
// CHECK-SAME: b = #qopt.format<f8E5M2, per_tensor>
// CHECK-SAME: c = #qopt.format<f6E3M2FN, per_tensor>
// CHECK-SAME: d = #qopt.format<f6E2M3FN, per_tensor>
// CHECK-SAME: e = #qopt.format<f4E2M1FN, group(axis = 1, size = 32)>
// CHECK-SAME: f = #qopt.format<f16, per_tensor>
// CHECK-SAME: g = #qopt.format<bf16, per_channel(axis = 1)>
func.func @minifloats() attributes {
  a = #qopt.format<f8E4M3FN, per_channel(axis = 0)>,
  b = #qopt.format<f8E5M2>,
  c = #qopt.format<f6E3M2FN>,
  d = #qopt.format<f6E2M3FN, symmetric>,
  e = #qopt.format<f4E2M1FN, group(axis = 1, size = 32)>,
  f = #qopt.format<f16>,
  g = #qopt.format<bf16, per_channel(axis = 1)>} {
  return
}

// -----

// Candidates print their formats without the dialect prefix; both spellings
// parse.

// CHECK-LABEL: func.func @candidates
// CHECK-SAME: a = #qopt.candidates<[<si8, per_channel(axis = 0)>, <si4, group(axis = 1, size = 64)>, <f8E4M3FN, per_tensor>]>
// CHECK-SAME: b = #qopt.candidates<[<ui4, per_tensor, asymmetric>]>
func.func @candidates() attributes {
  a = #qopt.candidates<[#qopt.format<si8, per_channel(axis = 0)>,
                        <si4, group(axis = 1, size = 64)>,
                        #qopt.format<f8E4M3FN>]>,
  b = #qopt.candidates<[<ui4, asymmetric>]>} {
  return
}

// -----

// CHECK-LABEL: func.func @group_formats
// CHECK-SAME: a = #qopt.group_formats<channels_per_group = 8, formats = [#qopt.format<si4, per_channel(axis = 0)>, #qopt.format<si8, per_channel(axis = 0)>]>
func.func @group_formats() attributes {
  a = #qopt.group_formats<channels_per_group = 8,
        formats = [#qopt.format<si4, per_channel(axis = 0)>,
                   #qopt.format<si8, per_channel(axis = 0)>]>} {
  return
}

// -----

// #qopt.entry_abi (the module attribute qopt.cpu.abi) and its tensors: the
// entry tensors print without their prefix, scalars with an empty shape,
// workspace_bytes only when present.

// CHECK-LABEL: module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "net", inputs = [<"image", f32, [1, 3, 8, 8]>, <"scale", f64, []>, <"mask \22x\22", i1, [4]>], outputs = [<"logits", f32, [1, 10]>, <"ids", i64, [1]>], workspace_bytes = 4096>}
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "net",
    inputs = [<"image", f32, [1, 3, 8, 8]>, #qopt.entry_tensor<"scale", f64, []>, <"mask \"x\"", i1, [4]>],
    outputs = [<"logits", f32, [1, 10]>, <"ids", i64, [1]>],
    workspace_bytes = 4096>} {
}

// -----

// CHECK-LABEL: module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "_m2", inputs = [], outputs = [<"y", i8, [2]>]>}
module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "_m2", inputs = [], outputs = [<"y", i8, [2]>]>} {
}

// -----

// CHECK-LABEL: func.func @entry_tensor
// CHECK-SAME: t = #qopt.entry_tensor<"q", i16, [3, 0]>
func.func @entry_tensor() attributes {t = #qopt.entry_tensor<"q", i16, [3, 0]>} {
  return
}
