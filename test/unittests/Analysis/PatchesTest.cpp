//===- PatchesTest.cpp - Unit tests of extractPatches ---------------------===//
//
// Patch matrices against a direct reading of the geometry: NHWC windows
// with stride, dilation and asymmetric padding; matrix rows as a view; and
// per-batch blocks of a batched weight.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/Patches.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::qopt;

namespace {
Tensor iota(ArrayRef<int64_t> shape) {
  Tensor t = Tensor::zeros(DType::F32, shape);
  for (int64_t i = 0; i < t.getNumElements(); ++i)
    t.mutableData<float>()[i] = float(i + 1);
  return t;
}

TEST(PatchesTest, NHWCWindow) {
  PatchGeometry g;
  g.layout = PatchGeometry::InputLayout::NHWCWindow;
  g.kernel = {2, 3};
  g.stride = {2, 1};
  g.dilation = {1, 2};
  g.pad = {1, 0, 2, 1};
  int64_t n = 2, h = 5, w = 4, c = 3;
  g.patchShape = {2, 3, c};
  Tensor x = iota({n, h, w, c});
  FailureOr<PatchMatrix> m = extractPatches(g, x);
  ASSERT_TRUE(succeeded(m));
  // OH = (5 + 1 - 1 - 1) / 2 + 1 = 3, OW = (4 + 3 - 4 - 1) / 1 + 1 = 3.
  int64_t oh = 3, ow = 3;
  ASSERT_EQ(m->getRows(), n * oh * ow);
  ASSERT_EQ(m->getCols(), 2 * 3 * c);
  const float *xd = x.data<float>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oy = 0; oy < oh; ++oy)
      for (int64_t ox = 0; ox < ow; ++ox)
        for (int64_t ky = 0; ky < 2; ++ky)
          for (int64_t kx = 0; kx < 3; ++kx)
            for (int64_t ch = 0; ch < c; ++ch) {
              int64_t iy = oy * 2 - 1 + ky, ix = ox - 2 + kx * 2;
              float want = iy < 0 || iy >= h || ix < 0 || ix >= w
                               ? 0.0f
                               : xd[((b * h + iy) * w + ix) * c + ch];
              int64_t row = (b * oh + oy) * ow + ox;
              EXPECT_EQ(m->data()[row * m->getCols() + (ky * 3 + kx) * c + ch],
                        want);
            }
}

TEST(PatchesTest, RowsAreAView) {
  PatchGeometry g;
  g.patchShape = {4};
  Tensor x = iota({1, 3, 4});
  FailureOr<PatchMatrix> m = extractPatches(g, x);
  ASSERT_TRUE(succeeded(m));
  EXPECT_EQ(m->getRows(), 3);
  EXPECT_EQ(m->getCols(), 4);
  EXPECT_EQ(m->data(), x.data<float>());
  // A K that does not match the input is refused.
  g.patchShape = {5};
  EXPECT_TRUE(failed(extractPatches(g, x)));
}

TEST(PatchesTest, BatchedRowsFillTheirBlock) {
  PatchGeometry g;
  g.batch = 2;
  g.patchShape = {2, 3};
  Tensor x = iota({2, 2, 3}); // batch 0: rows 1-3, 4-6; batch 1: 7-9, 10-12
  FailureOr<PatchMatrix> m = extractPatches(g, x);
  ASSERT_TRUE(succeeded(m));
  ASSERT_EQ(m->getRows(), 4);
  ASSERT_EQ(m->getCols(), 6);
  std::vector<float> got(m->data(), m->data() + 24);
  std::vector<float> want = {1, 2,  3,  0, 0,  0,  4, 5, 6,  0,  0,  0,
                             0, 0,  0,  7, 8,  9,  0, 0, 0, 10, 11, 12};
  EXPECT_EQ(got, want);
}
} // namespace
