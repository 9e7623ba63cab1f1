//===- HLSGraph.h - The dataflow graph an HLS project is made of -*- C++ -*-===//
//
// What the HLS target builds from an integer-only function
// (qopt-integer-chains' output): the host's input quantization, a list of
// layer stages on int8 codes (each one HLS template call: dense, conv2d,
// depthwise_conv2d, max_pool2d, gather, repack, clone; a layer may fuse a
// residual add, reading a second buffer), the device's output
// accumulators and the host's float epilogue. Data movement (transpose,
// reshape on codes) is folded into index maps: into the next dense layer's
// weight columns when it feeds one, else into a gather stage. Everything
// the templates need (sizes, centred weights w' = q - zq, bias codes,
// requantization multipliers, value ranges for the minimal widths) is
// computed here, once; the project writer only prints it.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_HLS_HLSGRAPH_H
#define QOPT_TARGET_HLS_HLSGRAPH_H

#include "qopt/Analysis/FPGACostModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::qopt::hls {

/// A tensor of int8 codes (or of the output accumulators) between stages.
struct Buffer {
  /// NHWC for 4-D tensors; [1, N] for flat ones.
  llvm::SmallVector<int64_t> shape;
  /// The range of codes it can hold (a fused ReLU narrows it).
  int32_t lo = -128, hi = 127;
  /// Elements of one io_stream pixel: the channels (last dimension).
  int64_t pack = 1;
  int64_t numElements() const;
};

enum class StageKind {
  Dense,
  Conv2D,
  Depthwise,
  MaxPool,
  Gather,
  Repack,
  /// Two copies of a buffer that two stages read (a residual shortcut).
  Clone
};

struct Stage {
  StageKind kind;
  /// The ONNX node (location) name, for reports and messages.
  std::string name;
  /// Input and output buffer indices (a clone's second copy: output2).
  int input = 0, output = 0, output2 = -1;

  // Window stages (conv2d, depthwise, max-pool): NHWC geometry.
  int64_t inH = 1, inW = 1, inC = 1, outH = 1, outW = 1, outC = 1;
  int64_t kH = 1, kW = 1, strideH = 1, strideW = 1, padTop = 0, padLeft = 0,
          dilationH = 1, dilationW = 1, depthMultiplier = 1;

  // Layers (dense, conv2d, depthwise).
  /// Products per output (K) and output channels (N).
  int64_t fanIn = 0, channels = 0;
  /// Weight bits of the allocation's format and the centred codes
  /// q - zq, row-major [N][K] in the order the template reads.
  unsigned weightBits = 0;
  std::vector<int32_t> weights;
  /// Code-book (minifloat) weights: the format (for the FPGA model), the
  /// codes in the order of `weights` (which holds their integers
  /// value(code) * 2^E), and the decode table of all 2^bits codes.
  FPGAWeightFormat format;
  FloatType codeType;
  std::vector<int32_t> codes;
  std::vector<int32_t> table;
  /// int32 bias codes (zeros when the layer has none).
  std::vector<int64_t> bias;
  /// Input zero point and the range of x - zx (contains 0).
  int32_t inputZero = 0;
  int64_t xMin = 0, xMax = 0;
  /// Whether the stage requantizes (else it writes the accumulators: the
  /// output layer).
  bool requant = false;
  std::vector<int32_t> multiplier, shift;
  int32_t outputZero = 0, outputMin = -128, outputMax = 127;
  /// The exact range of the accumulator (bias plus every partial sum).
  int64_t accMin = 0, accMax = 0;
  /// A fused residual add (qopt.requantize's residual operand): the buffer
  /// of the shortcut's codes in the output's order (-1: none), their zero
  /// point and the multipliers Mr (one per multiplier).
  int residual = -1;
  int32_t residualZero = 0;
  std::vector<int64_t> residualMultiplier;

  // Gather: out[i] = in[index[i]].
  std::vector<int64_t> index;

  bool isLayer() const {
    return kind == StageKind::Dense || kind == StageKind::Conv2D ||
           kind == StageKind::Depthwise;
  }
  /// Weight elements, MACs of one execution (for the FPGA model).
  int64_t params() const { return fanIn * channels; }
  int64_t macs() const;
};

/// The host's side of the output, for result element i reading
/// accumulator j = outputIndex[i] (identity when empty: transposes and
/// reshapes after the layer) of channel n = j % channels:
/// y[i] = float32(float32(acc[j]) * scale[n]), then + bias[n] (the layer's
/// float bias), then + addBias[i] (a constant added after it, broadcast),
/// each in float32: the executor's float epilogue.
struct OutputEpilogue {
  std::vector<float> scale;
  std::vector<float> bias, addBias;
  std::vector<int64_t> outputIndex;
  /// The function result's shape.
  llvm::SmallVector<int64_t> shape;
};

struct Graph {
  /// The host's input quantization: code[i] = quantize(arg[inputIndex[i]])
  /// with (inputScale, inputZero); inputIndex maps the device input's
  /// (NHWC) order to the function argument's.
  llvm::SmallVector<int64_t> argShape;
  std::vector<int64_t> inputIndex;
  float inputScale = 1;
  int32_t inputZero = 0;
  std::vector<Buffer> buffers;
  std::vector<Stage> stages;
  /// The buffer holding the output accumulators.
  int outputBuffer = 0;
  OutputEpilogue epilogue;
  /// The ops the reference run needs: the input quantize and the output
  /// layer (whose accumulators it returns).
  Operation *inputQuantize = nullptr;
  Operation *outputLayer = nullptr;
};

/// Builds the graph of `func`, or fails with one error that lists every op
/// the HLS target cannot lower (with its node name).
FailureOr<Graph> buildGraph(func::FuncOp func);

/// Smallest W such that ap_int<W> holds [lo, hi] (at least 2).
unsigned signedBits(int64_t lo, int64_t hi);

} // namespace mlir::qopt::hls

#endif // QOPT_TARGET_HLS_HLSGRAPH_H
