//===- QOptBase.td - QOpt dialect definition ---------------*- tablegen -*-===//
//
// The qopt dialect: what upstream MLIR lacks for mixed-precision quantization
// (format attributes, candidate sets, fake-quant simulation). Everything else
// (tensors, TOSA/linalg compute, !quant.uniform types, minifloat element
// types) is reused from upstream.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_QOPTBASE_TD
#define QOPT_DIALECT_QOPT_IR_QOPTBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def QOpt_Dialect : Dialect {
  let name = "qopt";
  let cppNamespace = "::mlir::qopt";
  let summary = "Mixed-precision quantization: formats, candidates, simulation";
  let description = [{
    The `qopt` dialect carries the decisions of qopt's mixed-precision
    quantization flow on top of upstream IR. Models are imported into
    upstream dialects (TOSA, linalg, tensor, arith, math); layers that own a
    weight are found through the `QuantizableOpInterface`, which qopt
    attaches as an external model to upstream convolution and contraction
    ops. The dialect then adds:

    * `#qopt.format<...>`: one quantization format, i.e. an element kind
      (signed or unsigned integer of 1 to 8 bits, or a builtin minifloat such
      as `f8E4M3FN`, `f6E3M2FN`, `f4E2M1FN`), a granularity (per tensor, per
      channel along an axis, or group-wise with a group size along an axis)
      and whether the integer grid is symmetric (no zero point) or
      asymmetric.
    * `#qopt.candidates<[...]>`: the set of formats a layer may be given.
    * Discardable attributes on layer ops: `qopt.candidates` (a
      `#qopt.candidates`) lists what the bit allocator may choose from and
      `qopt.format` (a `#qopt.format`) is the chosen format of the layer's
      weight. The dialect verifies both wherever they appear: the op must
      implement `QuantizableOpInterface`, axes must exist in the weight, a
      group size must tile its axis when the weight shape is static, and a
      chosen format must be one of the candidates.
    * `qopt.act_stats` (`#qopt.act_stats`) on any op: calibrated range of
      its first result; `qopt.input_stats` (`#qopt.input_stats`) on a layer:
      second moments of its input. Both are written by `qopt-calibrate`.
    * `qopt.fake_quant`: quantize-dequantize in float, used to simulate a
      format's error before compiling real low-bit kernels.

    Axes in formats attached to a layer are axes of the layer's weight
    operand (for example the output-channel axis for per-channel scales and
    the reduction axis for group-wise scales), as reported by
    `QuantizableOpInterface`.

    ## Example

    ```mlir
    %y = tosa.conv2d %x, %w, %b, %izp, %wzp {
           acc_type = f32, dilation = array<i64: 1, 1>,
           pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
           qopt.candidates = #qopt.candidates<[
             #qopt.format<si8, per_channel(axis = 0)>,
             #qopt.format<si4, group(axis = 3, size = 32)>]>,
           qopt.format = #qopt.format<si4, group(axis = 3, size = 32)>}
         : (...) -> tensor<1x32x32x64xf32>
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let extraClassDeclaration = [{
    /// Name of the discardable attribute holding a layer's candidate formats.
    static constexpr ::llvm::StringLiteral kCandidatesAttrName =
        "qopt.candidates";
    /// Name of the discardable attribute holding a layer's chosen format.
    static constexpr ::llvm::StringLiteral kFormatAttrName = "qopt.format";
    /// Name of the discardable attribute holding a layer's chosen format
    /// per group of output channels.
    static constexpr ::llvm::StringLiteral kGroupFormatsAttrName =
        "qopt.group_formats";
    /// Calibrated statistics of an op's first result (any op) or of a
    /// function argument (argument attribute).
    static constexpr ::llvm::StringLiteral kActStatsAttrName =
        "qopt.act_stats";
    /// Estimated loss increase per candidate format of a layer.
    static constexpr ::llvm::StringLiteral kSensitivityAttrName =
        "qopt.sensitivity";
    /// Second moments of a quantizable layer's input.
    static constexpr ::llvm::StringLiteral kInputStatsAttrName =
        "qopt.input_stats";
    /// A layer's name (a non-empty string), set by qopt-annotate-candidates
    /// from its location so that it survives files printed without debug
    /// info; QuantizableLayerAnalysis prefers it to the location.
    static constexpr ::llvm::StringLiteral kNameAttrName = "qopt.name";
    /// On a module compiled by qopt-cpu-pipeline: the entry function's C
    /// ABI, `{name, inputs = [{name, type}...], outputs = [...]}`.
    static constexpr ::llvm::StringLiteral kCPUAbiAttrName = "qopt.cpu.abi";
    /// The HLS target's project configuration (qopt-hls-legalize), a
    /// dictionary on the module.
    static constexpr ::llvm::StringLiteral kHLSConfigAttrName = "qopt.hls";

  private:
    void registerAttributes();
  public:
  }];
}

class QOpt_Op<string mnemonic, list<Trait> traits = []>
    : Op<QOpt_Dialect, mnemonic, traits>;

class QOpt_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QOpt_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // QOPT_DIALECT_QOPT_IR_QOPTBASE_TD
