//===- CUDATarget.cpp - The NVIDIA GPU (CUDA) target ----------------------===//
//
// What the CUDA kernels lower (getCUDALayerSupport: the one list
// qopt-annotate-candidates, qopt-allocate-bits and the layout pass
// consult), the analytic GPU cost model, the weight-layout pass and the
// TargetBackend. The model-library writer (host code, glue kernels) is not
// built yet: writeArtifact says so (docs/Backends/CUDA.md).
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CUDA/CUDATarget.h"
#include "qopt/Analysis/QuantizedLayerSupport.h"
#include "qopt/Target/CUDA/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qopt;

namespace {
/// Largest group (or channel) the int8 kernel's int32 sums take exactly.
constexpr int64_t kMaxS8Group = 32768;
} // namespace

std::string mlir::qopt::getCUDAWeightLayoutError(const PackedWeightInfo &info,
                                                 bool integer) {
  int64_t group = info.groupSize;
  if (integer) {
    if (info.codeType)
      return "has code-book weights on the integer path; the CUDA kernels "
             "run code-book weights weight-only (f16 activations)";
    if (group != 0 && group % 32 != 0)
      return "has groups of " + std::to_string(group) +
             "; the int8 kernel needs groups that are a multiple of 32";
    if ((group == 0 ? info.k : group) > kMaxS8Group)
      return "sums " + std::to_string(group == 0 ? info.k : group) +
             " products per scale; the int8 kernel's int32 sums are exact "
             "up to 32768";
    return "";
  }
  if (group != 0 && group % 16 != 0)
    return "has groups of " + std::to_string(group) +
           "; the weight-only kernels need groups that are a multiple of 16";
  return "";
}

LayerSupport mlir::qopt::getCUDALayerSupport(const LayerInfo &layer,
                                             FormatAttr format) {
  QuantizedLayerSupport support = getQuantizedLayerSupport(layer, format);
  if (!support.isSupported())
    return LayerSupport::unsupported(support.reason);
  QuantizableOpInterface op = layer.op;
  if (isa<tosa::DepthwiseConv2DOp>(op.getOperation()))
    return LayerSupport::unsupported(
        "the CUDA kernel library has no depthwise convolution yet");
  int64_t group = format.getGranularity() == Granularity::Group
                      ? format.getGroupSize()
                      : 0;
  if (group != 0 && group % 16 != 0)
    return LayerSupport::unsupported(
        "the CUDA kernels keep one scale per 16 elements of K: groups must "
        "be a multiple of 16");
  if (!support.integerWeights)
    return LayerSupport::weightOnly(
        "minifloat codes are decoded to f16 by the weight-only kernels");
  if (group != 0 && group % 32 != 0)
    return LayerSupport::weightOnly(
        "groups of 16 take the weight-only kernels; the int8 kernel needs "
        "multiples of 32");
  return LayerSupport::integer();
}

double mlir::qopt::estimateCUDALayerLatency(const LayerInfo &layer,
                                            FormatAttr format,
                                            bool integerPath,
                                            const CUDADeviceModel &device) {
  double params = double(layer.numParams.value_or(0));
  double macs = double(layer.macs.value_or(0));
  ShapedType weight = layer.weightType;
  QuantizableOpInterface op = layer.op;
  int64_t axis = op.getWeightOutputChannelAxis();
  double n = weight.hasStaticShape() && axis >= 0 && axis < weight.getRank()
                 ? double(weight.getDimSize(axis))
                 : 1.0;
  double k = params / std::max(n, 1.0);
  double m = params > 0 ? macs / params : 1.0;
  // The stored field: 8/4/2-bit integers, 8/4-bit codes.
  unsigned bits = format.isInteger() ? format.getBitWidth()
                                     : getMinifloatCodeBits(
                                           format.getElementType());
  double fieldBits = bits <= 2 ? 2 : bits <= 4 ? 4 : 8;
  double groups = format.getGranularity() == Granularity::Group &&
                          format.getGroupSize() > 0
                      ? k / double(format.getGroupSize())
                      : 1.0;
  double bytes = params * fieldBits / 8 + n * groups * (4 + 2);
  bytes += integerPath ? m * k + 4 * m * n : 2 * (m * k + m * n);
  double compute;
  if (integerPath)
    compute = macs / device.int8MacsPerUs;
  else if (m <= 1.0)
    compute = macs / (device.f16MacsPerUs / 30); // GEMV on CUDA cores
  else
    compute = macs / device.f16MacsPerUs;
  double memory = bytes / (device.hbmBytesPerUs * device.bandwidthEfficiency);
  return std::max(memory, compute) + device.launchUs;
}

namespace {

/// Latency from the analytic roofline of CUDADeviceModel. The allocator
/// asks one format at a time: integer formats are priced on the path the
/// target would choose for them (integer when getCUDALayerSupport allows
/// it, weight-only otherwise).
class CUDACostModel : public CostModel {
public:
  StringRef getTarget() const override { return "cuda"; }
  StringRef getLatencyUnit() const override { return "us"; }
  llvm::Expected<double> latency(const LayerInfo &layer,
                                 FormatAttr format) const override {
    LayerSupport support = getCUDALayerSupport(layer, format);
    if (!support.isSupported())
      return llvm::createStringError(
          "cuda cost model: layer '" + layer.name + "' in " +
          format.getShortName() + " is not lowered (" + support.reason + ")");
    if (!layer.numParams || !layer.macs)
      return llvm::createStringError("cuda cost model: layer '" + layer.name +
                                     "' has a dynamic shape");
    return estimateCUDALayerLatency(
        layer, format, support.lowering == LayerLowering::Integer, device);
  }

private:
  CUDADeviceModel device;
};

class CUDATarget : public TargetBackend {
public:
  StringRef getName() const override { return "cuda"; }
  StringRef getDescription() const override {
    return "NVIDIA GPUs: low-bit weight-only and int8 tensor-core kernels "
           "over Marlin-style fragment layouts (the kernels, layouts and "
           "cost model exist; the model-library writer does not yet; "
           "docs/Backends/CUDA.md)";
  }

  LayerSupport getLayerSupport(const LayerInfo &layer,
                               FormatAttr format) const override {
    return getCUDALayerSupport(layer, format);
  }

  /// A latency table measured on a GPU (scripts/gpu/device-check.sh
  /// writes one) when given, else the analytic H100 roofline.
  llvm::Expected<std::unique_ptr<CostModel>>
  createCostModel(ModuleOp, const CostModelOptions &options) const override {
    if (!options.tablePath.empty()) {
      auto table = LatencyTableCostModel::load(options.tablePath);
      if (!table)
        return table.takeError();
      return std::unique_ptr<CostModel>(std::move(*table));
    }
    return std::unique_ptr<CostModel>(std::make_unique<CUDACostModel>());
  }

  void addWeightLayoutPasses(OpPassManager &pm) const override {
    pm.addPass(createQOptCUDAMaterializeWeightsPass());
  }

  LogicalResult
  buildPipeline(OpPassManager &pm, const TargetPipelineOptions &options,
                llvm::function_ref<void(const Twine &)> emitError)
      const override {
    if (!StringRef(options.extra).trim().empty()) {
      emitError("the cuda target takes no options, got '" + options.extra +
                "'");
      return failure();
    }
    addWeightLayoutPasses(pm);
    return success();
  }

  bool isLowered(ModuleOp module) const override {
    bool any = false, all = true;
    module.walk([&](PackedWeightOp op) {
      any = true;
      all &= op.getLayout() == WeightLayout::MmaF16 ||
             op.getLayout() == WeightLayout::MmaS8;
    });
    return any && all;
  }

  ArrayRef<StringRef> getArtifactExtensions() const override {
    static const StringRef extensions[] = {".so"};
    return extensions;
  }

  LogicalResult writeArtifact(ModuleOp module,
                              const ArtifactRequest &) const override {
    return module.emitError()
           << "the cuda target cannot write a model library yet: its "
              "kernels, weight layouts and cost model exist, the host code "
              "and the glue kernels do not (docs/Backends/CUDA.md); "
              "'-o FILE.mlir' writes the IR with the weights in the "
              "kernels' layouts";
  }
};

} // namespace

void mlir::qopt::registerCUDATarget() {
  registerTargetBackend(std::make_unique<CUDATarget>());
}
