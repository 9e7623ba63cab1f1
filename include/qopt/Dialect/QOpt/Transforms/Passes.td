//===- Passes.td - QOpt dialect passes ---------------------*- tablegen -*-===//
//
// Passes that read and write qopt's layer annotations.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_TRANSFORMS_PASSES_TD
#define QOPT_DIALECT_QOPT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AnnotateCandidatesPass : Pass<"qopt-annotate-candidates"> {
  let summary = "Attach the candidate formats each layer may be quantized to";
  let description = [{
    Puts a `qopt.candidates` attribute on every op implementing
    `QuantizableOpInterface` whose weight is known at compile time (a
    constant, or computed from constants by side-effect-free ops). Layers
    whose "weight" is a run-time value (e.g. attention's `Q x K^T`) are left
    alone. The candidates are the requested integer bit widths, then the
    requested minifloats, all with the requested granularity:

    * `per-channel`: along the weight's output-channel axis;
    * `group`: groups of `group-size` along the weight's group axis (its
      innermost reduction axis). A layer whose group axis the group size
      does not tile gets per-channel candidates instead, with a warning;
    * `per-tensor`.

    Integer candidates are signed and symmetric unless `asymmetric` is set
    (then unsigned with a zero point). Existing `qopt.candidates` are kept
    unless `overwrite` is set. This is the first step of the bit-allocation
    flow: sensitivity analysis and the allocator work on these candidates.

    Before (`bits=8,4 granularity=group group-size=32`):

    ```mlir
    %y = tosa.matmul %x, %w, %zp, %zp
        : (tensor<1x8x64xf32>, tensor<1x64x16xf32>, tensor<1xf32>,
           tensor<1xf32>) -> tensor<1x8x16xf32>
    ```

    After:

    ```mlir
    %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[
           #qopt.format<si8, group(axis = 1, size = 32)>,
           #qopt.format<si4, group(axis = 1, size = 32)>]>} : ...
    ```
  }];
  let dependentDialects = ["::mlir::qopt::QOptDialect"];
  let options = [
    ListOption<"bits", "bits", "unsigned",
               "Integer bit widths to offer, in order (1 to 8). Defaults to "
               "8,4 when neither bits nor minifloats is given">,
    ListOption<"minifloats", "minifloats", "std::string",
               "Builtin floating-point element types to offer, e.g. "
               "f8E4M3FN,f4E2M1FN">,
    Option<"granularity", "granularity", "::mlir::qopt::Granularity",
           "::mlir::qopt::Granularity::PerChannel",
           "Scale granularity of every candidate",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qopt::Granularity::PerTensor, "per-tensor",
                        "one scale per weight tensor"),
             clEnumValN(::mlir::qopt::Granularity::PerChannel, "per-channel",
                        "one scale per output channel"),
             clEnumValN(::mlir::qopt::Granularity::Group, "group",
                        "one scale per group along the reduction axis"))}]>,
    Option<"groupSize", "group-size", "int64_t", "128",
           "Group size for granularity=group">,
    Option<"asymmetric", "asymmetric", "bool", "false",
           "Offer unsigned asymmetric integer formats (with zero points)">,
    Option<"overwrite", "overwrite", "bool", "false",
           "Replace existing qopt.candidates attributes">
  ];
}

def PrintLayerTablePass : Pass<"qopt-print-layer-table"> {
  let summary = "Print a table of the quantizable layers";
  let description = [{
    Prints one row per layer found through `QuantizableOpInterface`: its name
    (from the op's location, i.e. the ONNX node name for imported models),
    op, weight type, parameter count, MACs, whether the weight is a
    compile-time constant, and its candidate and chosen formats. The IR is
    not changed. Totals come first:

    ```
    qopt layers: 2 (2 with constant weights), 4.7 K params, 1.2 M MACs
      #  layer  op           weight             params     MACs  const  candidates      chosen
      0  conv1  tosa.conv2d  tensor<8x3x3x3xf32>   216   442368  yes    si8-ch,si4-ch   -
    ```
  }];
  let options = [
    Option<"outputFile", "output-file", "std::string", "\"-\"",
           "Where to write the table ('-' for stdout)">
  ];
}

#endif // QOPT_DIALECT_QOPT_TRANSFORMS_PASSES_TD
