//===- PatchGeometry.h - Which inputs meet which weights ---------*- C++ -*-===//
//
// The patch view of a layer's input, as QuantizableOpInterface reports it:
// how to cut the input into a [rows, K] matrix whose row r holds the input
// elements that multiply, for output position r, the weight elements of the
// *patch space* (the weight without its output-channel or multiplier axis,
// flattened row-major: the K order). Calibration measures the second
// moments E[x x^T] in this space and the Hessian-proxy sensitivity and
// GPTQ-style quantization read them back in the same order. Plain data, so
// analyses outside the dialect can cut patches without knowing op names.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_IR_PATCHGEOMETRY_H
#define QOPT_DIALECT_QOPT_IR_PATCHGEOMETRY_H

#include "llvm/ADT/SmallVector.h"

#include <array>
#include <cstdint>
#include <optional>

namespace mlir::qopt {

struct PatchGeometry {
  /// How the input is laid out and cut.
  enum class InputLayout {
    /// [batch..., M, K], K innermost: each of the numElements / K rows is a
    /// patch (a matrix product's left operand).
    Rows,
    /// NHWC with a 2-D window: each output pixel's patch is the window's
    /// input pixels in (kh, kw, c) order, zero outside the input.
    NHWCWindow,
  };
  InputLayout layout = InputLayout::Rows;
  /// The operand holding the layer input.
  unsigned inputOperandIndex = 0;

  /// NHWCWindow: window size, stride and dilation as (h, w); zero padding
  /// as (top, bottom, left, right).
  std::array<int64_t, 2> kernel = {1, 1};
  std::array<int64_t, 2> stride = {1, 1};
  std::array<int64_t, 2> dilation = {1, 1};
  std::array<int64_t, 4> pad = {0, 0, 0, 0};

  /// Rows: a weight with a batch axis of size `batch` > 1 multiplies batch
  /// b of the input by weight batch b only, so a patch is `batch` blocks of
  /// K of which only its own batch's block is non-zero (the moments are
  /// block-diagonal). 1 when the weight has no batch axis or it is 1.
  int64_t batch = 1;

  /// The weight axis the patch space leaves out (the output-channel axis,
  /// or a depthwise channel multiplier), or -1 when every weight axis is in
  /// it (a depthwise weight without multiplier).
  int64_t weightDropAxis = -1;
  /// Shape of the patch space (the weight's shape without weightDropAxis;
  /// unit batch axes left out). Its element count is K.
  llvm::SmallVector<int64_t, 4> patchShape;

  /// Depthwise: output channel c reads only input channel c, so only the
  /// diagonal of the patch moments means anything.
  bool depthwise = false;

  /// The result axis indexed by the weight's output channel (-1: none that
  /// a split by output channel can cut along).
  int64_t resultChannelAxis = -1;
  /// An operand indexed by output channel only and added to the result
  /// (a bias), which a split by output channel slices too.
  std::optional<unsigned> biasOperandIndex;

  /// K: the patch space's element count.
  int64_t patchSize() const {
    int64_t k = 1;
    for (int64_t d : patchShape)
      k *= d;
    return k;
  }
};

} // namespace mlir::qopt

#endif // QOPT_DIALECT_QOPT_IR_PATCHGEOMETRY_H
