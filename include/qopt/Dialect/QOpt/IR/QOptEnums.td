//===- QOptEnums.td - QOpt enumerations --------------------*- tablegen -*-===//
//
// Enumerations shared by qopt attributes.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_QOPTENUMS_TD
#define QOPT_DIALECT_QOPT_IR_QOPTENUMS_TD

include "mlir/IR/EnumAttr.td"

def QOpt_Granularity : I32EnumAttr<"Granularity",
    "How many scales (and zero points) a quantized tensor has", [
      I32EnumAttrCase<"PerTensor", 0, "per_tensor">,
      I32EnumAttrCase<"PerChannel", 1, "per_channel">,
      I32EnumAttrCase<"Group", 2, "group">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

def QOpt_WeightLayout : I32EnumAttr<"WeightLayout",
    "The byte layout of a qopt.packed_weight's data", [
      I32EnumAttrCase<"Logical", 0, "logical">,
      I32EnumAttrCase<"Block64", 1, "block64">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

#endif // QOPT_DIALECT_QOPT_IR_QOPTENUMS_TD
