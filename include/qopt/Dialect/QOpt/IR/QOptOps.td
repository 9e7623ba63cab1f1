//===- QOptOps.td - QOpt op definitions --------------------*- tablegen -*-===//
//
// Operations of the qopt dialect.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_QOPTOPS_TD
#define QOPT_DIALECT_QOPT_IR_QOPTOPS_TD

include "qopt/Dialect/QOpt/IR/QOptBase.td"
include "qopt/Dialect/QOpt/IR/QOptAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonTypeConstraints.td"

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

#endif // QOPT_DIALECT_QOPT_IR_QOPTOPS_TD
