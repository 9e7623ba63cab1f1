//===- QOptInterfaces.td - QOpt op interfaces --------------*- tablegen -*-===//
//
// QuantizableOpInterface: how qopt passes see a layer that owns a weight,
// independent of which dialect the op comes from.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_QOPTINTERFACES_TD
#define QOPT_DIALECT_QOPT_IR_QOPTINTERFACES_TD

include "mlir/IR/OpBase.td"

def QOpt_QuantizableOpInterface : OpInterface<"QuantizableOpInterface"> {
  let cppNamespace = "::mlir::qopt";
  let description = [{
    A layer whose weight operand can be quantized: a convolution, a matrix
    multiplication or another contraction. qopt's analyses and passes find
    layers only through this interface, so they work on any dialect that
    implements it. qopt attaches it as an external model to the upstream ops
    its ONNX frontend produces (TOSA `conv2d`, `depthwise_conv2d`, `matmul`
    and linalg convolutions and contractions); see
    `registerQuantizableOpInterfaceExternalModels`.

    Axes are axes of the weight operand's shape. The *reduction axes* are
    the weight axes summed over in the contraction; the last of them is the
    *group axis* along which group-wise scales are formed (the innermost
    contiguous reduction axis in the op's layout). The *output-channel axis*
    indexes the layer's output channels; per-channel scales go along it.
  }];

  let methods = [
    InterfaceMethod<
      "Index of the operand that holds the weight.",
      "unsigned", "getWeightOperandIndex">,
    InterfaceMethod<
      "Axes of the weight that are reduced over, outermost first.",
      "::llvm::SmallVector<int64_t>", "getWeightReductionAxes">,
    InterfaceMethod<
      "Axis of the weight that indexes output channels.",
      "int64_t", "getWeightOutputChannelAxis">,
    InterfaceMethod<[{
        Number of multiply-accumulates of one execution of the op, or
        std::nullopt when a shape it depends on is dynamic.
      }],
      "std::optional<int64_t>", "getMACs">,
    InterfaceMethod<[{
        The patch view of the layer's input (see `PatchGeometry`): which
        input elements multiply which weight elements, as a `[rows, K]`
        matrix whose K order is the weight's without its output-channel
        (or channel-multiplier) axis. std::nullopt when the op has no such
        view that qopt can cut (a dynamic shape, a layout it does not
        handle); calibration then records no input moments for the layer.
      }],
      "std::optional<::mlir::qopt::PatchGeometry>", "getPatchGeometry",
      (ins), [{}], [{ return std::nullopt; }]>
  ];

  let extraSharedClassDeclaration = [{
    /// The weight operand.
    ::mlir::Value getWeight() {
      return $_op->getOperand($_op.getWeightOperandIndex());
    }
    /// The weight's type.
    ::mlir::ShapedType getWeightType() {
      return ::llvm::cast<::mlir::ShapedType>(getWeight().getType());
    }
    /// Axis along which group-wise scales are formed.
    int64_t getWeightGroupAxis() {
      return $_op.getWeightReductionAxes().back();
    }
  }];

  let verify = [{
    return ::mlir::qopt::detail::verifyQuantizableOpInterface($_op);
  }];
}

#endif // QOPT_DIALECT_QOPT_IR_QOPTINTERFACES_TD
