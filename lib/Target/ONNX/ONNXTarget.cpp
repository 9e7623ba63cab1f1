//===- ONNXTarget.cpp - ONNX as a TargetBackend ---------------------------===//
//
// The artifact is the input ONNX model edited by exportQuantizedOnnxModel
// (QDQ activations, MatMulNBits, per-axis and blocked DequantizeLinear);
// there is nothing to lower, so the pipeline is empty and any module that
// went through qopt-quantize can be written. onnxruntime runs the artifact,
// not qopt, so there is no loader.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/ONNX/ONNXTarget.h"
#include "qopt/Target/ONNX/ExportONNX.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::qopt;

LayerSupport mlir::qopt::getONNXLayerSupport(const LayerInfo &layer,
                                             FormatAttr format) {
  // The export writes what qopt-quantize lowered (qopt.conv2d, qopt.matmul):
  // integer weights of 2-8 bits; minifloat DequantizeLinear (opset 19+)
  // would need a float lowering qopt-quantize does not have.
  Operation *op = layer.op;
  if (!layer.constantWeight)
    return LayerSupport::unsupported("the weight is not a constant");
  if (!format.isInteger())
    return LayerSupport::unsupported("the ONNX export does not write " +
                                     format.getShortName() + " weights");
  if (format.getBitWidth() < 2 || format.getBitWidth() > 8)
    return LayerSupport::unsupported(
        "the ONNX export writes 2- to 8-bit integer weights");
  if (isa<tosa::Conv2DOp>(op)) {
    // Per channel: DequantizeLinear per axis; groups along the input
    // channels: DequantizeLinear with block_size (opset 21).
    if (format.getGranularity() == Granularity::Group && format.getAxis() != 3)
      return LayerSupport::unsupported(
          "conv2d groups must run along the input channels (axis 3)");
    if (format.getGranularity() == Granularity::PerChannel &&
        format.getAxis() != 0)
      return LayerSupport::unsupported(
          "conv2d per-channel scales must be on the output channels (axis 0)");
    return LayerSupport::integer();
  }
  if (isa<tosa::DepthwiseConv2DOp>(op)) {
    // DequantizeLinear per output channel of the group = C Conv.
    if (format.getGranularity() == Granularity::Group)
      return LayerSupport::unsupported(
          "the ONNX export writes depthwise weights per channel");
    return LayerSupport::integer();
  }
  if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
    // MatMulNBits (groups, or below 8 bits) or DequantizeLinear per axis;
    // the W and R of recurrent nodes by DequantizeLinear.
    auto a = dyn_cast<RankedTensorType>(matmul.getA().getType());
    auto b = dyn_cast<RankedTensorType>(matmul.getB().getType());
    if (!a || !b || !b.hasStaticShape() || a.getDimSize(0) != 1 ||
        b.getDimSize(0) != 1)
      return LayerSupport::unsupported(
          "only batch-1 matmuls with a [1, K, N] weight are quantized");
    if (format.getGranularity() == Granularity::Group && format.getAxis() != 1)
      return LayerSupport::unsupported("matmul groups must run along K");
    if (format.getGranularity() == Granularity::PerChannel &&
        format.getAxis() != 2)
      return LayerSupport::unsupported(
          "matmul per-channel scales must be on N (axis 2)");
    return LayerSupport::integer();
  }
  return LayerSupport::unsupported("the ONNX export has no quantized form of " +
                                   op->getName().getStringRef().str());
}

namespace {

class ONNXTarget : public TargetBackend {
public:
  StringRef getName() const override { return "onnx"; }
  StringRef getDescription() const override {
    return "quantized ONNX for onnxruntime: the input model edited with QDQ "
           "activations, MatMulNBits and per-axis or blocked "
           "DequantizeLinear weights (docs/Backends/ONNX.md)";
  }
  LayerSupport getLayerSupport(const LayerInfo &layer,
                               FormatAttr format) const override {
    return getONNXLayerSupport(layer, format);
  }
  LogicalResult buildPipeline(
      OpPassManager &, const TargetPipelineOptions &options,
      llvm::function_ref<void(const Twine &)> emitError) const override {
    if (!StringRef(options.extra).trim().empty()) {
      emitError("the onnx target takes no options, got '" + options.extra +
                "'");
      return failure();
    }
    return success();
  }
  bool isLowered(ModuleOp) const override { return true; }
  ArrayRef<StringRef> getArtifactExtensions() const override {
    static const StringRef extensions[] = {".onnx"};
    return extensions;
  }
  LogicalResult writeArtifact(ModuleOp module,
                              const ArtifactRequest &request) const override {
    if (!request.targetOptions.empty())
      return module.emitError() << "the onnx target has no artifact option '"
                                << request.targetOptions.front().first << "'";
    if (request.originalModel.empty())
      return module.emitError()
             << "the onnx target needs the ONNX model the IR was imported "
                "from";
    std::string error;
    std::unique_ptr<llvm::ToolOutputFile> output =
        openOutputFile(request.outputPath, &error);
    if (!output)
      return module.emitError() << error;
    if (failed(exportQuantizedOnnxModel(module, request.originalModel,
                                        output->os(),
                                        request.originalModelPath)))
      return failure();
    output->keep();
    return success();
  }
};

} // namespace

void mlir::qopt::registerONNXTarget() {
  registerTargetBackend(std::make_unique<ONNXTarget>());
}
