//===- Patches.cpp - A layer input's patch matrix -------------------------===//
//
// Implements extractPatches: rows of a matrix product's left operand as
// they are (or spread into per-batch blocks), im2col rows of an NHWC
// window with zero padding.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/Patches.h"

#include <cstring>

using namespace mlir;
using namespace mlir::qopt;

FailureOr<PatchMatrix> mlir::qopt::extractPatches(const PatchGeometry &g,
                                                  const Tensor &x) {
  if (x.getDType() != DType::F32)
    return failure();
  PatchMatrix m;
  m.cols = g.patchSize();
  ArrayRef<int64_t> xs = x.getShape();
  const float *xd = x.data<float>();

  if (g.layout == PatchGeometry::InputLayout::Rows) {
    int64_t k = m.cols / g.batch;
    if (xs.empty() || xs.back() != k || k == 0 ||
        x.getNumElements() % (g.batch * k) != 0)
      return failure();
    m.rows = x.getNumElements() / k;
    if (g.batch == 1) {
      m.view = xd;
      return m;
    }
    // Batch b's rows fill block b of their patch; the others stay zero.
    int64_t perBatch = m.rows / g.batch;
    m.storage.assign(m.rows * m.cols, 0.0f);
    for (int64_t r = 0; r < m.rows; ++r)
      std::memcpy(m.storage.data() + r * m.cols + (r / perBatch) * k,
                  xd + r * k, k * sizeof(float));
    return m;
  }

  // NHWC window: the patch of output pixel (b, oy, ox) in (kh, kw, c) order.
  if (xs.size() != 4)
    return failure();
  int64_t n = xs[0], h = xs[1], w = xs[2], c = xs[3];
  auto [kh, kw] = g.kernel;
  if (m.cols != kh * kw * c)
    return failure();
  auto outSize = [](int64_t in, int64_t padSum, int64_t kernel, int64_t dil,
                    int64_t stride) {
    int64_t span = in + padSum - (kernel - 1) * dil - 1;
    return span < 0 ? int64_t(0) : span / stride + 1;
  };
  int64_t oh = outSize(h, g.pad[0] + g.pad[1], kh, g.dilation[0], g.stride[0]);
  int64_t ow = outSize(w, g.pad[2] + g.pad[3], kw, g.dilation[1], g.stride[1]);
  m.rows = n * oh * ow;
  m.storage.assign(m.rows * m.cols, 0.0f);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox) {
        float *dst = m.storage.data() + ((b * oh + oy) * ow + ox) * m.cols;
        for (int64_t ky = 0; ky < kh; ++ky) {
          int64_t iy = oy * g.stride[0] - g.pad[0] + ky * g.dilation[0];
          for (int64_t kx = 0; kx < kw; ++kx, dst += c) {
            int64_t ix = ox * g.stride[1] - g.pad[2] + kx * g.dilation[1];
            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
              continue;
            std::memcpy(dst, xd + ((b * h + iy) * w + ix) * c,
                        c * sizeof(float));
          }
        }
      }
  return m;
}
