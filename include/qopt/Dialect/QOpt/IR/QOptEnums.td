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
      I32EnumAttrCase<"Block64", 1, "block64">,
      I32EnumAttrCase<"MmaF16", 2, "mma_f16">,
      I32EnumAttrCase<"MmaS8", 3, "mma_s8">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

//===----------------------------------------------------------------------===//
// Pass option values. The case strings are the options' spellings
// (`qopt-calibrate{method=percentile}`); the passes' `cl::values` list the
// same names, and stringify*() gives them back (e.g. for the method string
// recorded in #qopt.act_stats and #qopt.sensitivity).
//===----------------------------------------------------------------------===//

def QOpt_CalibrationMethod : I32EnumAttr<"CalibrationMethod",
    "How qopt-calibrate turns observed values into a clipping range", [
      I32EnumAttrCase<"MinMax", 0, "minmax">,
      I32EnumAttrCase<"Percentile", 1, "percentile">,
      I32EnumAttrCase<"MSE", 2, "mse">,
      I32EnumAttrCase<"Entropy", 3, "entropy">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

def QOpt_SecondMomentsMode : I32EnumAttr<"SecondMomentsMode",
    "Which layer input second moments qopt-calibrate measures", [
      I32EnumAttrCase<"None", 0, "none">,
      I32EnumAttrCase<"Diagonal", 1, "diagonal">,
      I32EnumAttrCase<"Full", 2, "full">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

def QOpt_SensitivityMethod : I32EnumAttr<"SensitivityMethod",
    "How qopt-sensitivity estimates a candidate's loss increase", [
      I32EnumAttrCase<"WeightError", 0, "weight-error">,
      I32EnumAttrCase<"Hessian", 1, "hessian">,
      I32EnumAttrCase<"Output", 2, "output">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

def QOpt_HessianMode : I32EnumAttr<"HessianMode",
    "Which second moments method=hessian sensitivity reads", [
      I32EnumAttrCase<"Auto", 0, "auto">,
      I32EnumAttrCase<"Diagonal", 1, "diagonal">,
      I32EnumAttrCase<"Full", 2, "full">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

def QOpt_OutputMetric : I32EnumAttr<"OutputMetric",
    "The divergence method=output sensitivity measures", [
      I32EnumAttrCase<"Auto", 0, "auto">,
      I32EnumAttrCase<"KL", 1, "kl">,
      I32EnumAttrCase<"MSE", 2, "mse">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

def QOpt_AllocationSolver : I32EnumAttr<"AllocationSolver",
    "The solver of qopt-allocate-bits' knapsack", [
      I32EnumAttrCase<"Exact", 0, "exact">,
      I32EnumAttrCase<"CBC", 1, "cbc">,
      I32EnumAttrCase<"Greedy", 2, "greedy">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

// The spellings are ResourceTable::names() (qopt/Analysis/AllocationProblem.h).
def QOpt_CostResource : I32EnumAttr<"CostResource",
    "The resource qopt-allocate-bits' cost-weight prices", [
      I32EnumAttrCase<"WeightBytes", 0, "weight-bytes">,
      I32EnumAttrCase<"AvgBits", 1, "avg-bits">,
      I32EnumAttrCase<"BOPs", 2, "bops">,
      I32EnumAttrCase<"Latency", 3, "latency">,
      I32EnumAttrCase<"LUTs", 4, "luts">,
      I32EnumAttrCase<"DSPs", 5, "dsps">,
      I32EnumAttrCase<"BRAMs", 6, "brams">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

def QOpt_ActivationQuantization : I32EnumAttr<"ActivationQuantization",
    "How qopt-quantize treats a quantized layer's input", [
      I32EnumAttrCase<"Int8", 0, "int8">,
      I32EnumAttrCase<"Float", 1, "float">
    ]> {
  let cppNamespace = "::mlir::qopt";
  let genSpecializedAttr = 0;
}

#endif // QOPT_DIALECT_QOPT_IR_QOPTENUMS_TD
