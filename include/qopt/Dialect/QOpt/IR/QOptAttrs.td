//===- QOptAttrs.td - QOpt attribute definitions -----------*- tablegen -*-===//
//
// Quantization format and candidate-set attributes.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_QOPTATTRS_TD
#define QOPT_DIALECT_QOPT_IR_QOPTATTRS_TD

include "qopt/Dialect/QOpt/IR/QOptBase.td"
include "qopt/Dialect/QOpt/IR/QOptEnums.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def QOpt_FormatAttr : QOpt_Attr<"Format", "format"> {
  let summary = "A quantization format: element kind, granularity, symmetry";
  let description = [{
    Describes how one tensor (usually a layer's weight) is quantized.

    Syntax:

    ```
    format ::= `#qopt.format<` element-type (`,` granularity)? (`,` symmetry)? `>`
    granularity ::= `per_tensor`
                  | `per_channel(axis =` integer `)`
                  | `group(axis =` integer `, size =` integer `)`
    symmetry ::= `symmetric` | `asymmetric`
    ```

    * The element type is a signed (`si1` ... `si8`) or unsigned (`ui1` ...
      `ui8`) integer type, or a builtin floating-point type of at most 16
      bits: the minifloats `f8E4M3FN`, `f8E5M2`, `f6E3M2FN`, `f6E2M3FN`,
      `f4E2M1FN`, ... and `f16`/`bf16` for layers kept in half precision.
      Signless integers are rejected: signedness decides the integer grid.
    * `per_tensor` has one scale; `per_channel(axis = a)` one scale per
      index of axis `a`; `group(axis = a, size = g)` one scale per `g`
      consecutive elements along axis `a` (which must tile that axis) for
      each index of the other axes.
    * `symmetric` (the default) has no zero point; `asymmetric` adds one
      zero point per scale. Floating-point formats are always symmetric.

    Signed symmetric formats use the grid `[-(2^(b-1)), 2^(b-1) - 1]` and
    need at least 2 bits; the exact rounding and clamping rules are in
    `docs/Semantics.md`.

    Examples:

    ```mlir
    #qopt.format<si8, per_tensor>
    #qopt.format<ui8, per_tensor, asymmetric>
    #qopt.format<si4, per_channel(axis = 0)>
    #qopt.format<si4, group(axis = 1, size = 128)>
    #qopt.format<f8E4M3FN, per_channel(axis = 0)>
    ```
  }];
  let parameters = (ins
    "::mlir::Type":$elementType,
    "::mlir::qopt::Granularity":$granularity,
    "int64_t":$axis,
    "int64_t":$groupSize,
    "bool":$symmetric
  );
  let builders = [
    AttrBuilder<(ins "::mlir::Type":$elementType,
                     CArg<"bool", "true">:$symmetric), [{
      return $_get($_ctxt, elementType, ::mlir::qopt::Granularity::PerTensor,
                   /*axis=*/-1, /*groupSize=*/0, symmetric);
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Number of bits of one stored element.
    unsigned getBitWidth() const;
    /// True for integer formats, false for floating-point ones.
    bool isInteger() const;
    /// True for signed integer formats.
    bool isSignedInteger() const;
    /// Smallest and largest integer of the quantization grid (integer
    /// formats only).
    int64_t getQMin() const;
    int64_t getQMax() const;
    /// Compact name for tables and reports: the element type, then `-ch`
    /// (per channel) or `-g<size>` (group), then `-asym` if asymmetric,
    /// e.g. `si8-ch`, `si4-g128`, `ui8-asym`, `f8E4M3FN`.
    std::string getShortName() const;
    /// True if the format has a zero point per scale.
    bool hasZeroPoint() const { return !getSymmetric(); }

    /// Checks that the format can quantize a tensor of `shape` (dynamic
    /// dimensions are accepted where they cannot be checked): the axis exists
    /// and a group size tiles its axis. Diagnostics go to `emitError`.
    ::llvm::LogicalResult verifyForShape(
        ::llvm::ArrayRef<int64_t> shape,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError) const;

    /// Shape of the scale (and zero-point) tensor for a tensor of `shape`:
    /// `[]` per tensor, `[shape[axis]]` per channel, and `shape` with
    /// `shape[axis] / groupSize` at `axis` for groups.
    ::llvm::SmallVector<int64_t> getScaleShape(
        ::llvm::ArrayRef<int64_t> shape) const;
  }];
}

def QOpt_CandidatesAttr : QOpt_Attr<"Candidates", "candidates"> {
  let summary = "The set of formats a layer may be quantized to";
  let description = [{
    An ordered, non-empty set of distinct `#qopt.format`s: the choices the
    bit allocator has for one layer. Order is kept (it breaks ties
    deterministically) but duplicates are rejected.

    ```mlir
    #qopt.candidates<[#qopt.format<si8, per_channel(axis = 0)>,
                      #qopt.format<si4, group(axis = 1, size = 64)>]>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"::mlir::qopt::FormatAttr">:$formats);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// True if `format` is one of the candidates.
    bool contains(::mlir::qopt::FormatAttr format) const {
      return ::llvm::is_contained(getFormats(), format);
    }
  }];
}

// An f32 array whose text round-trips exactly: upstream prints f32 array
// elements with 7 significant digits, which loses the last bits of values
// that need 9 (a calibrated range written by one qopt run and read by the
// next would differ). Printed as upstream does where that is exact.
def QOpt_ExactF32ArrayParameter
    : AttrParameter<"::mlir::DenseF32ArrayAttr", "f32 array, exact text"> {
  let printer = [{ ::mlir::qopt::printExactF32Array($_printer, $_self) }];
  let parser = [{ ::mlir::qopt::parseExactF32Array($_parser) }];
}

def QOpt_ActStatsAttr : QOpt_Attr<"ActStats", "act_stats"> {
  let summary = "Calibrated statistics of an activation tensor";
  let description = [{
    What `qopt-calibrate` measured for one value (an op's result, or a
    function argument as an argument attribute `qopt.act_stats`) over the
    calibration data: the observed `min` and `max`, and the clipping range
    `[lo, hi]` the range `method` chose (`minmax`, `percentile`, `mse` or
    `entropy`; see docs/Calibration.md). Arrays have one element for
    per-tensor statistics, or one per channel along `axis` (-1 for per
    tensor). When histograms were collected and a sidecar file requested,
    `histogram` names the arrays `<key>.counts` ([channels, bins]) and
    `<key>.range` ([channels, 2]) in the `.npz` file `sidecar`, whose
    SHA-256 is `sha256`.

    ```mlir
    qopt.act_stats = #qopt.act_stats<method = "percentile", samples = 256,
        axis = -1, min = [-2.5], max = [7.25],
        lo = [-2.0], hi = [6.5]>
    ```
  }];
  let parameters = (ins
    "::mlir::StringAttr":$method,
    "int64_t":$samples,
    "int64_t":$axis,
    QOpt_ExactF32ArrayParameter:$min,
    QOpt_ExactF32ArrayParameter:$max,
    QOpt_ExactF32ArrayParameter:$lo,
    QOpt_ExactF32ArrayParameter:$hi,
    OptionalParameter<"::mlir::StringAttr">:$sidecar,
    OptionalParameter<"::mlir::StringAttr">:$histogram,
    OptionalParameter<"::mlir::StringAttr">:$sha256
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def QOpt_InputStatsAttr : QOpt_Attr<"InputStats", "input_stats"> {
  let summary = "First and second moments of a layer's input";
  let description = [{
    The input statistics a quantizable layer needs for Hessian-proxy
    sensitivity and GPTQ-style compensation, measured by `qopt-calibrate`:
    `diag` holds `E[x_j^2]` for every reduction index `j` of the layer's
    weight (shaped like the weight without its output-channel axis, e.g.
    `[KH, KW, IC]` for a convolution, `[C]` for a matmul), over `samples`
    calibration inputs and every position the weight is applied at. When the
    full matrix `E[x x^T]` was requested it lives in a sidecar `.npz` file
    (`sidecar`, relative to the working directory) under `key`, with the
    file's SHA-256 in `sha256` so stale files are detected. `mean` (same
    shape as `diag`) holds `E[x_j]`, which bias correction in
    `qopt-quantize{bias-correction}` uses; padding positions count as 0.

    ```mlir
    qopt.input_stats = #qopt.input_stats<samples = 256,
        diag = dense_resource<conv1_hdiag> : tensor<3x3x16xf32>,
        mean = dense_resource<conv1_mean> : tensor<3x3x16xf32>>
    ```
  }];
  let parameters = (ins
    "int64_t":$samples,
    "::mlir::ElementsAttr":$diag,
    OptionalParameter<"::mlir::ElementsAttr">:$mean,
    OptionalParameter<"::mlir::StringAttr">:$sidecar,
    OptionalParameter<"::mlir::StringAttr">:$key,
    OptionalParameter<"::mlir::StringAttr">:$sha256
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def QOpt_SensitivityAttr : QOpt_Attr<"Sensitivity", "sensitivity"> {
  let summary = "Estimated loss increase of a layer per candidate format";
  let description = [{
    What `qopt-sensitivity` estimated for a layer: for each of its
    `qopt.candidates` (in order), the increase of the loss when the layer's
    weight is quantized to that format, by `method` (`weight-error`,
    `hessian`, `output-kl`, `output-mse`; docs/Sensitivity.md). `values` has shape
    `[candidates]`, or `[groups, candidates]` when estimated per group of
    `channels_per_group` output channels (0: the whole layer).

    ```mlir
    qopt.sensitivity = #qopt.sensitivity<method = "hessian",
        channels_per_group = 0, values = dense<[1.5e-4, 2.3e-2]> : tensor<2xf64>>
    ```
  }];
  let parameters = (ins
    "::mlir::StringAttr":$method,
    "int64_t":$channels_per_group,
    "::mlir::ElementsAttr":$values
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The values as doubles, row-major, whatever ElementsAttr kind holds
    /// them (a dense attribute or a `dense_resource` blob). Fails, with the
    /// reason appended to `emitError()`, when a blob is missing or has the
    /// wrong size, or a value is not finite.
    ::mlir::FailureOr<::llvm::SmallVector<double>>
    readValues(::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError)
        const;
  }];
}

def QOpt_GroupFormatsAttr : QOpt_Attr<"GroupFormats", "group_formats"> {
  let summary = "A layer's chosen format per group of output channels";
  let description = [{
    What `qopt-allocate-bits` chose for a layer allocated per group of
    `channels_per_group` consecutive output channels (from per-group
    sensitivities): one `#qopt.format` per group, in channel order (the last
    group may be smaller). On a layer it replaces `qopt.format`;
    `qopt-split-group-formats` rewrites the layer into one layer per run of
    equal formats, each with its `qopt.format`, joined by `tosa.concat`.

    ```mlir
    qopt.group_formats = #qopt.group_formats<channels_per_group = 8,
        formats = [#qopt.format<si4, per_channel(axis = 0)>,
                   #qopt.format<si8, per_channel(axis = 0)>]>
    ```
  }];
  let parameters = (ins
    "int64_t":$channels_per_group,
    "::mlir::ArrayAttr":$formats
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The format of group `g`.
    FormatAttr getFormat(size_t g) const {
      return ::llvm::cast<FormatAttr>(getFormats()[g]);
    }
  }];
}

def QOpt_WeightLayoutAttr
    : EnumAttr<QOpt_Dialect, QOpt_WeightLayout, "layout"> {
  let summary = "The byte layout of a packed weight";
  let description = [{
    How the bytes of a `qopt.packed_weight` are arranged
    (`include/qopt-runtime/packing.h` defines the first two,
    `include/qopt-runtime/cuda_layout.h` the CUDA ones):

    * `logical`: one field per byte, row-major `[N, K]`, no padding; what
      `qopt-quantize` emits. Every target's layout pass starts from it.
    * `block64`: the CPU target's kernel layout, rows padded to 64-field
      blocks (`qopt-cpu-materialize-weights` writes it).
    * `mma_f16`: the CUDA weight-only kernels' layout: `mma.m16n8k16` B
      fragments in blocks of 16 (K) x 64 (N), 32 fields per lane in
      `bits` 32-bit words (little-endian), integer fields biased by
      2^(bits-1), padding with the group's zero point.
    * `mma_s8`: the CUDA int8 kernel's layout: `mma.m16n8k32` B fragments
      in blocks of 32 (K) x 64 (N), 16 words per lane, one signed byte per
      field, padding 0. `qopt-cuda-materialize-weights` writes both.

    ```mlir
    #qopt.layout<block64>
    ```
  }];
  let assemblyFormat = "`<` $value `>`";
}

def QOpt_EntryTensorAttr : QOpt_Attr<"EntryTensor", "entry_tensor"> {
  let summary = "One input or output of a compiled model's entry";
  let description = [{
    What the C interface of a compiled model says about one input or output
    (a `qopt_tensor_desc` of `qopt-runtime/model.h`): its `name` (the ONNX
    graph name, or `argN` / `resultN`), its element type and its static
    shape. The element type is one the model ABI has a `qopt_dtype` for:
    `f32`, `f64`, `i1`, `i8`, `i16`, `i32` or `i64` (signless). Printed
    inside `#qopt.entry_abi` without its prefix.

    ```mlir
    #qopt.entry_tensor<"image", f32, [1, 3, 224, 224]>
    #qopt.entry_tensor<"scale", f32, []>
    ```
  }];
  let parameters = (ins
    StringRefParameter<"the input's or output's name">:$name,
    "::mlir::Type":$elementType,
    ArrayRefParameter<"int64_t", "static dimensions">:$shape
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The tensor type the entry takes or returns.
    ::mlir::RankedTensorType getTensorType() const {
      return ::mlir::RankedTensorType::get(getShape(), getElementType());
    }
    /// True if the model ABI has a `qopt_dtype` for `type`.
    static bool isABIElementType(::mlir::Type type);
  }];
}

// A list of #qopt.entry_tensor printed without their prefix:
// `[<"x", f32, [1, 4]>, ...]` (empty lists included).
def QOpt_EntryTensorArrayParameter
    : ArrayRefParameter<"::mlir::qopt::EntryTensorAttr", "entry tensors"> {
  let printer = [{ ::mlir::qopt::printEntryTensors($_printer, $_self) }];
  let parser = [{ ::mlir::qopt::parseEntryTensors($_parser) }];
}

def QOpt_EntryABIAttr : QOpt_Attr<"EntryABI", "entry_abi"> {
  let summary = "The C ABI of a compiled model's entry function";
  let description = [{
    The module attribute `qopt.cpu.abi`: what `qopt-cpu-entry-abi` records
    about the exported function before lowering erases its tensor types,
    and what the generated C header and wrapper describe. `name` is the
    library's symbol prefix (a C identifier; the entry becomes
    `<name>_entry`); `inputs` and `outputs` are the entry's tensors in
    order; `workspace_bytes`, added by `qopt-cpu-plan-workspace`, is the
    size of the per-instance workspace the entry takes as its last
    argument (absent: the entry takes none).

    ```mlir
    module attributes {qopt.cpu.abi = #qopt.entry_abi<name = "net",
        inputs = [<"x", f32, [1, 2, 8]>],
        outputs = [<"y", f32, [1, 2, 3]>],
        workspace_bytes = 128>} {
      ...
    }
    ```
  }];
  let parameters = (ins
    StringRefParameter<"the library's symbol prefix">:$name,
    QOpt_EntryTensorArrayParameter:$inputs,
    QOpt_EntryTensorArrayParameter:$outputs,
    OptionalParameter<"::std::optional<int64_t>">:$workspace_bytes
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // QOPT_DIALECT_QOPT_IR_QOPTATTRS_TD
