//===- QOptOps.td - QOpt op definitions --------------------*- tablegen -*-===//
//
// Operations of the qopt dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_QOPTOPS_TD
#define QOPT_DIALECT_QOPT_IR_QOPTOPS_TD

include "qopt/Dialect/QOpt/IR/QOptBase.td"
include "qopt/Dialect/QOpt/IR/QOptAttrs.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def QOpt_FakeQuantOp : QOpt_Op<"fake_quant", [
    Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "Quantize then dequantize a float tensor (simulation)";
  let description = [{
    Rounds every element of `input` to the nearest value representable in
    `format` with the given scales (and zero points) and returns it in the
    input's float type:

    ```
    q = clamp(round_half_even(x / s) + z, qmin, qmax)
    y = s * (q - z)
    ```

    for integer formats, and `y = s * to_float(to_minifloat(x / s))`
    (round to nearest even, saturating) for floating-point formats. The
    scale and zero point used for an element are chosen by the format's
    granularity; the `scale` (and `zero_point`) operand has the shape
    `FormatAttr::getScaleShape` gives for the input's shape:

    * `per_tensor`: a rank-0 tensor;
    * `per_channel(axis = a)`: a 1-D tensor of `dim(input, a)` elements;
    * `group(axis = a, size = g)`: the input's shape with `dim(input, a) / g`
      at axis `a`.

    `zero_point` is required for asymmetric formats and forbidden for
    symmetric ones; its element type is a signless integer of 32 bits.

    Example:

    ```mlir
    %wq = qopt.fake_quant %w, %s : tensor<64x256xf32>, tensor<64x4xf32>
            as <si4, group(axis = 1, size = 64)>
    ```
  }];
  let arguments = (ins
    RankedTensorOf<[AnyFloat]>:$input,
    RankedTensorOf<[F32]>:$scale,
    Optional<RankedTensorOf<[I32]>>:$zero_point,
    QOpt_FormatAttr:$format
  );
  let results = (outs RankedTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? attr-dict `:` type($input) `,`
    type($scale) (`,` type($zero_point)^)? `as` custom<FormatBody>($format)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantized tensors and compute on packed storage
//===----------------------------------------------------------------------===//

def QOpt_QuantizedTensor : RankedTensorOf<[quant_QuantizedType]>;
def QOpt_FloatOrQuantizedTensor : RankedTensorOf<[F32, quant_QuantizedType]>;
/// A layer's result (and bias): float32, or the exact accumulator of the
/// integer-only path (int32 for integer weights, int64 for code-book ones).
def QOpt_LayerResultTensor : RankedTensorOf<[F32, I32, I64]>;
/// The element types of code-book (minifloat) packed weights.
def QOpt_MinifloatType : AnyTypeOf<[F8E4M3FN, F8E5M2, F6E3M2FN, F6E2M3FN,
                                    F4E2M1FN]>;
def QOpt_PackedWeightTensor
    : RankedTensorOf<[quant_QuantizedType, QOpt_MinifloatType]>;

def QOpt_QuantizeOp : QOpt_Op<"quantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Quantize a float32 tensor to int8 (per tensor)";
  let description = [{
    Converts every element with the scale `s` and zero point `z` of the
    result's `!quant.uniform<i8:f32, s:z>` type:

    ```
    q = clamp(round_half_even(x / s) + z, -128, 127)
    ```

    with the division in float32; NaN becomes `z` (see
    `docs/Semantics.md`, "Quantize"). Activations entering an integer
    layer are quantized with this op, from the range `qopt-calibrate`
    measured.

    ```mlir
    %q = qopt.quantize %x : tensor<1x28x28x1xf32>
           to tensor<1x28x28x1x!quant.uniform<i8:f32, 0.0157:-128>>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input);
  let results = (outs QOpt_QuantizedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
}

def QOpt_DequantizeOp : QOpt_Op<"dequantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Dequantize an int8 tensor (per tensor) to float32";
  let description = [{
    `y = s * (q - z)` in float32 with the scale and zero point of the
    operand's `!quant.uniform<i8:f32, s:z>` type; the subtraction is exact
    in int32 and the product is rounded once.

    ```mlir
    %y = qopt.dequantize %q
           : tensor<4x!quant.uniform<i8:f32, 0.5:3>> to tensor<4xf32>
    ```
  }];
  let arguments = (ins QOpt_QuantizedTensor:$input);
  let results = (outs RankedTensorOf<[F32]>:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
}

def QOpt_RequantizeOp : QOpt_Op<"requantize", [Pure, SameOperandsAndResultShape]> {
  let summary = "Integer-only rescale of int32/int64 accumulators to int8 codes";
  let description = [{
    The requantization of `docs/Semantics.md` (TOSA `RESCALE` with single
    rounding), per channel `c` of the last dimension (or one value for the
    whole tensor when `multiplier` has one entry):

    ```
    out = clamp(zy + ((acc * M[c] + 2^(S[c]-1)) >> S[c]), min, max)
    ```

    with the product exact (int64 for `i32` accumulators, int128 for the
    `i64` accumulators of code-book layers), `>>` arithmetic (ties round
    toward +inf),
    `M` in `[2^30, 2^31)`, `2 <= S <= 62`, and `zy` the zero point of the
    result's `!quant.uniform<i8:f32, sy:zy>` type. `min`/`max` (codes,
    default -128/127) are a fused ReLU or clip: `qopt-integer-chains`
    folds `tosa.clamp` into them. `M * 2^-S` encodes the real multiplier
    `sx * sw[c] / sy` (`encodeRequantMultiplier`).

    With a `residual` operand (int8 codes `r` of the same shape, zero point
    `zr`: a residual network's identity shortcut) the sum is fused before
    the one rounding:

    ```
    out = clamp(zy + ((acc * M[c] + (r - zr) * Mr[c] + 2^(S[c]-1)) >> S[c]),
                min, max)
    ```

    with `Mr[c] = round(sr / sy * 2^S[c])` in `[1, 2^55)`
    (`residual_multiplier`), exact in 128 bits.

    ```mlir
    %q = qopt.requantize %acc {multiplier = array<i32: 1367082520>,
           shift = array<i32: 38>, min = -128 : i32}
           : tensor<1x10xi32> to tensor<1x10x!quant.uniform<i8:f32, 0.05:-128>>
    %s = qopt.requantize %acc2 residual %q
           : tensor<1x10x!quant.uniform<i8:f32, 0.05:-128>>
           {multiplier = array<i32: 1367082520>, shift = array<i32: 38>,
            residual_multiplier = array<i64: 109951162778>}
           : tensor<1x10xi32> to tensor<1x10x!quant.uniform<i8:f32, 0.1:-128>>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I32, I64]>:$input,
                       Optional<QOpt_QuantizedTensor>:$residual,
                       DenseI32ArrayAttr:$multiplier,
                       DenseI32ArrayAttr:$shift,
                       OptionalAttr<DenseI64ArrayAttr>:$residual_multiplier,
                       DefaultValuedAttr<I32Attr, "-128">:$min,
                       DefaultValuedAttr<I32Attr, "127">:$max);
  let results = (outs QOpt_QuantizedTensor:$result);
  let assemblyFormat = [{
    $input (`residual` $residual^ `:` type($residual))? attr-dict `:`
    type($input) `to` type($result)
  }];
  let hasVerifier = 1;
}

def QOpt_PackedWeightOp : QOpt_Op<"packed_weight", [Pure]> {
  let summary = "A quantized weight in the packed sub-byte storage ABI";
  let description = [{
    A constant weight of logical shape `[N, K]` (N output channels, K the
    reduction; a convolution's OHWI kernel is flattened to
    `[O, KH * KW * C]`, a depthwise one's `[KH, KW, C, M]` to
    `[C * M, KH * KW]`). Two encodings, told apart by the result's element
    type:

    * **integer** (`!quant.uniform`): a per-axis type on axis 0
      (per-channel scales) or a sub-channel type with block sizes
      `{0:1, 1:g}` (groups of `g` along K) carries the scales and zero
      points. The storage type is a signed integer of 8, 4 or 2 bits;
      unsigned formats are shifted to it by the quantizer
      (`docs/Semantics.md`). `scales` is absent.
    * **code book** (a minifloat element type: `f8E4M3FN`, `f8E5M2`,
      `f6E3M2FN`, `f6E2M3FN`, `f4E2M1FN`): every field is the bit pattern
      of a value of that type, read unsigned, and `scales` is a `[N, G]`
      f32 tensor (`G = 1` per channel, else groups of `K / G` along K).
      The weight is `float32(scale * value(code))`. Codes are stored in
      4-bit fields for `f4E2M1FN` and in 8-bit fields otherwise (6-bit
      codes in the low bits). The weight-only path (float32 inputs) uses
      them, and the integer path with int8 inputs as the integers
      `value(code) * 2^E` of the format (docs/Semantics.md).

    `data` is a 1-D `i8` tensor, normally a resource blob, whose byte
    order `layout` names (`include/qopt-runtime/packing.h`):

    * `logical` (the default, elided): one field per byte, row-major,
      `N * K` bytes; integer fields are the signed storage values
      (sign-extended), code-book fields the codes. `qopt-quantize` emits
      this; it says nothing about any target's kernels.
    * `block64`: the CPU target's kernel layout, written by
      `qopt-cpu-materialize-weights`: every row padded to a multiple of 64
      elements and stored in 64-element blocks (8 bits: one element per
      byte; 4 bits: byte j holds elements j and j + 32; 2 bits: byte j
      holds j, j + 16, j + 32, j + 48), i.e.
      `N * ceil(K / 64) * 64 * bits / 8` bytes. Padding holds the row's
      last zero point (integer) or code 0 (+0.0).

    ```mlir
    %w = qopt.packed_weight dense_resource<fc1> : tensor<128xi8>
           : tensor<2x64x!quant.uniform<i4:f32:0, {0.25, 0.5}>>
    %b = qopt.packed_weight dense_resource<fc1_cpu> : tensor<64xi8>
           layout <block64>
           : tensor<2x64x!quant.uniform<i4:f32:0, {0.25, 0.5}>>
    %v = qopt.packed_weight dense_resource<fc2> : tensor<128xi8>
           scales dense<[[0.5], [0.25]]> : tensor<2x1xf32>
           : tensor<2x64xf8E4M3FN>
    ```
  }];
  let arguments = (ins ElementsAttr:$data,
                       OptionalAttr<FloatElementsAttr<32>>:$scales,
                       DefaultValuedAttr<QOpt_WeightLayoutAttr,
                         "::mlir::qopt::WeightLayout::Logical">:$layout);
  let results = (outs QOpt_PackedWeightTensor:$result);
  let extraClassDeclaration = [{
    /// The packed bytes: a view of the resource blob, or of `storage` when
    /// the data is a dense attribute. Fails (with an error on the op) when
    /// a blob is missing or has the wrong size.
    ::mlir::FailureOr<::llvm::ArrayRef<uint8_t>>
    getPackedBytes(::llvm::SmallVectorImpl<uint8_t> &storage);
    /// Shape, storage width, scales (and zero points) of either encoding.
    ::mlir::FailureOr<::mlir::qopt::PackedWeightInfo> getInfo();
    /// The logical [N, K] fields, one per entry: integer storage values
    /// sign-extended, codes unsigned; reads either layout.
    ::mlir::FailureOr<::llvm::SmallVector<int8_t>> getLogicalFields();
  }];
  let assemblyFormat =
      "$data (`scales` $scales^)? (`layout` $layout^)? attr-dict `:` "
      "type($result)";
  let hasVerifier = 1;
}

def QOpt_MatmulOp : QOpt_Op<"matmul", [Pure]> {
  let summary = "Matrix product with a packed quantized weight";
  let description = [{
    `result[m][n] = sum_k input[m][k] * dequant(weight)[n][k] + bias[n]`
    for an `[M, K]` input, a `[N, K]` `qopt.packed_weight` and an optional
    `[N]` float32 bias. Two paths, chosen by the input's element type:

    * **integer** (input `!quant.uniform<i8:f32, sx:zx>`, e.g. W8A8, W4A8):
      per group, `acc = sum (x - zx) * (q - zq)` exactly in int32; then in
      float32 without contraction, groups in order,
      `y = y + float(acc) * (sx * s[n][g])`, finally `y + bias[n]`.
      Bit-identical across the reference executor and every kernel
      variant.
    * **weight-only** (float32 input, e.g. W4A32): the float product with
      the dequantized weight; summation order is not specified, so
      backends agree to rounding.
    * **accumulator** (integer input, an `i32` result and an optional `i32`
      bias; integer-only chains, written by `qopt-integer-chains`): the
      weight has one scale per row (no groups) and
      `result[m][n] = bias[n] + sum (x - zx) * (q - zq)` exactly in int32;
      a `qopt.requantize` then takes it to the next layer's int8 codes.
    * **code-book integer** (integer input, minifloat weight): `q - zq` is
      the integer `value(code) * 2^E` (`E` makes every value of the format
      an integer: 9 for f8E4M3FN, 16 for f8E5M2, 4 for f6E3M2FN, 3 for
      f6E2M3FN, 1 for f4E2M1FN) and the scale `s * 2^-E`; the sums are
      exact in int64, and the accumulator result is `i64` (with an `i64`
      bias).

    ```mlir
    %y = qopt.matmul %x, %w, %b : tensor<1x64x!quant.uniform<i8:f32, 0.02:-3>>,
           tensor<10x64x!quant.uniform<i8:f32:0, {...}>>, tensor<10xf32>
           -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins QOpt_FloatOrQuantizedTensor:$input,
                       QOpt_PackedWeightTensor:$weight,
                       Optional<QOpt_LayerResultTensor>:$bias);
  let results = (outs QOpt_LayerResultTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def QOpt_Conv2DOp : QOpt_Op<"conv2d", [Pure]> {
  let summary = "2-D convolution (NHWC) with a packed quantized weight";
  let description = [{
    The convolution `tosa.conv2d` computes, on an NHWC input, with the
    OHWI kernel given as an `[O, KH * KW * C]` `qopt.packed_weight`
    (`kernel = [KH, KW]`). `pad` is `[top, bottom, left, right]`; padded
    input positions hold 0.0 on the weight-only path and the zero point on
    the integer path, so they contribute nothing. It is defined as
    `qopt.matmul` over the im2col patches (row `(b, oh, ow)`, column
    `(kh, kw, c)`), with that op's paths (float32, weight-only, int32
    accumulator) and their exactness rules.

    ```mlir
    %y = qopt.conv2d %x, %w, %b {kernel = array<i64: 3, 3>,
           pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
           dilation = array<i64: 1, 1>}
           : tensor<1x28x28x1x!quant.uniform<i8:f32, 0.02:-128>>,
             tensor<16x9x!quant.uniform<i8:f32:0, {...}>>, tensor<16xf32>
           -> tensor<1x28x28x16xf32>
    ```
  }];
  let arguments = (ins QOpt_FloatOrQuantizedTensor:$input,
                       QOpt_PackedWeightTensor:$weight,
                       Optional<QOpt_LayerResultTensor>:$bias,
                       DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$pad,
                       DenseI64ArrayAttr:$stride,
                       DenseI64ArrayAttr:$dilation);
  let results = (outs QOpt_LayerResultTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasVerifier = 1;
}

def QOpt_DepthwiseConv2DOp : QOpt_Op<"depthwise_conv2d", [Pure]> {
  let summary = "Depthwise 2-D convolution (NHWC) with a packed quantized weight";
  let description = [{
    The convolution `tosa.depthwise_conv2d` computes, on an NHWC input of
    `C` channels, with a channel multiplier `M`: output channel
    `o = c * M + m` reads only input channel `c`. The `[KH, KW, C, M]`
    kernel is given as a `[C * M, KH * KW]` `qopt.packed_weight`: row `o`
    holds the taps of output channel `o` in `(kh, kw)` order
    (`kernel = [KH, KW]`), so per-channel scales are per output channel and
    groups of `g` run along the taps. `pad` is `[top, bottom, left, right]`.

    * **integer** (input `!quant.uniform<i8:f32, sx:zx>`): per group of
      taps, `acc = sum (x - zx) * (q - zq)` exactly in int32 (padded
      positions hold `zx`, so they contribute 0); then the float32 epilogue
      of `qopt.matmul`, groups in order, bias last. Bit-identical across
      the reference executor and every kernel variant.
    * **weight-only** (float32 input): with the dequantized weight
      `w = float32(s * (q - zq))`, `y = float32(sum of x * w)` over the
      taps from 0.0 in `(kh, kw)` order, no fused multiply-add, then
      `y + bias` (the order of a float depthwise convolution,
      `docs/Semantics.md`).
    * **accumulator** (integer input, `i32` result and bias, one scale per
      row): `bias[o] + sum (x - zx) * (q - zq)` over the taps, exactly in
      int32, as `qopt.matmul`'s accumulator path.

    ```mlir
    %y = qopt.depthwise_conv2d %x, %w, %b {kernel = array<i64: 3, 3>,
           pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
           dilation = array<i64: 1, 1>}
           : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.02:-128>>,
             tensor<4x9x!quant.uniform<i8:f32:0, {...}>>, tensor<4xf32>
           -> tensor<1x8x8x4xf32>
    ```
  }];
  let arguments = (ins QOpt_FloatOrQuantizedTensor:$input,
                       QOpt_PackedWeightTensor:$weight,
                       Optional<QOpt_LayerResultTensor>:$bias,
                       DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$pad,
                       DenseI64ArrayAttr:$stride,
                       DenseI64ArrayAttr:$dilation);
  let results = (outs QOpt_LayerResultTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` type($input) `,`
    type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// Output channels per input channel (`M`).
    int64_t getChannelMultiplier() {
      return getResult().getType().getDimSize(3) /
             getInput().getType().getDimSize(3);
    }
  }];
  let hasVerifier = 1;
}

def QOpt_UKernelOp : QOpt_Op<"ukernel", [
    AttrSizedOperandSegments,
    DestinationStyleOpInterface,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "Call of a kernel-library function (microkernel)";
  let description = [{
    A call of the function `name` of a kernel library (for the CPU backend,
    `qopt_rt_uk_*` of `include/qopt-runtime/cpu.h`), in destination-passing
    style: the kernel reads `ins` and writes `outs` in place. On tensors the
    op returns the written `outs`, so it bufferizes like a linalg op; on
    buffers it has no results.

    The ABI the op is lowered to (`convert-qopt-ukernel-to-func`) is fixed:
    the function receives the execution context (`!llvm.ptr` to a
    `qopt_rt_context`: the ISA variant and the model instance's thread
    pool), then a pointer to the first element of each `ins` buffer, then of each `outs` buffer,
    then each of `scalars` by value, in order, and returns nothing. Buffers
    must be contiguous (identity layout).

    ```mlir
    %y = qopt.ukernel "qopt_rt_uk_quantize_s8" ins(%x : tensor<1x64xf32>)
           outs(%init : tensor<1x64xi8>) scalars([64 : i64, 0.5 : f32, 3 : i32])
           -> tensor<1x64xi8>
    ```
  }];
  let arguments = (ins StrAttr:$name,
                       Variadic<AnyShaped>:$inputs,
                       Variadic<AnyShaped>:$outputs,
                       DefaultValuedAttr<ArrayAttr, "{}">:$scalars);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $name (`ins` `(` $inputs^ `:` type($inputs) `)`)?
    `outs` `(` $outputs `:` type($outputs) `)`
    (`scalars` `(` $scalars^ `)`)? attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getOutputsMutable();
    }
    /// True when the operands are tensors (before bufferization).
    bool hasPureTensorSemantics() {
      return ::llvm::all_of(getOperandTypes(), [](::mlir::Type t) {
        return ::llvm::isa<::mlir::RankedTensorType>(t);
      });
    }
  }];
  let hasVerifier = 1;
}

#endif // QOPT_DIALECT_QOPT_IR_QOPTOPS_TD
