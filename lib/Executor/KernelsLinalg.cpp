//===- KernelsLinalg.cpp - Named linalg layer kernels ----------------------===//
//
// The float layers other MLIR frontends emit as named linalg ops
// (linalg.matmul, linalg.batch_matmul, linalg.conv_2d_nhwc_hwcf /
// _nhwc_fhwc) and the tensor reshapes between them (tensor.collapse_shape,
// tensor.expand_shape). The products run the same blocked GEMMs as their
// TOSA counterparts (same thresholds, blocks and k order), so a linalg
// model and its TOSA equivalent compute the same bits; the init operand is
// added afterwards (outs = init + sum, with an init of zero left out so
// zeros keep their sign as in the TOSA kernels). Only the default indexing
// maps and float32 are supported; anything else is an error at run time.
//
//===----------------------------------------------------------------------===//

#include "Gemm.h"
#include "Kernels.h"
#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <cstring>
#include <vector>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::exec;

namespace {
/// Output rows per GEMM block, as in KernelsNN.cpp (fixed, so results do
/// not depend on threads, and equal to the TOSA kernels').
constexpr int64_t kRowBlock = 24;

LogicalResult unsupported(Operation *op, const Twine &what) {
  return op->emitError() << "qopt executor: " << op->getName() << " " << what,
         failure();
}

/// out += init, element by element (init of the out's shape).
void addInit(Tensor &out, const Tensor &init) {
  float *od = out.mutableData<float>();
  const float *id = init.data<float>();
  for (int64_t i = 0; i < out.getNumElements(); ++i)
    if (id[i] != 0.0f)
      od[i] = id[i] + od[i];
}

template <typename OpTy>
LogicalResult matmulKernel(Operation *op, ArrayRef<Tensor> in,
                           SmallVectorImpl<Tensor> &r,
                           const KernelContext &ctx) {
  auto linalgOp = cast<linalg::LinalgOp>(op);
  if (linalgOp.getIndexingMapsArray() !=
      OpTy::getDefaultIndexingMaps(op->getContext()))
    return unsupported(op, "with non-default indexing maps is not supported");
  const Tensor &a = in[0], &b = in[1], &init = in[2];
  if (a.getDType() != DType::F32 || b.getDType() != DType::F32 ||
      init.getDType() != DType::F32)
    return unsupported(op, "is supported on float32 only");
  Tensor out = allocResult(op);
  ArrayRef<int64_t> as = a.getShape(), bs = b.getShape();
  bool batched = as.size() == 3;
  int64_t batch = batched ? as[0] : 1;
  int64_t h = as[as.size() - 2], c = as.back(), w = bs.back();
  bool layer = batch == 1 && isConstantFoldable(op->getOperand(1));
  batchedMatmul(a.data<float>(), b.data<float>(), out.mutableData<float>(),
                batch, h, c, w, layer, ctx);
  addInit(out, init);
  r.push_back(out);
  return success();
}

/// 2-D NHWC convolutions without padding (linalg pads with tensor.pad):
/// im2col rows in (kh, kw, c) order times the filter as [F, KH*KW*C], in
/// blocks of output rows per image (tosa.conv2d's float path).
template <bool FilterHWCF>
LogicalResult convKernel(Operation *op, ArrayRef<Tensor> in,
                         SmallVectorImpl<Tensor> &r,
                         const KernelContext &ctx) {
  const Tensor &x = in[0], &f = in[1], &init = in[2];
  if (x.getDType() != DType::F32 || f.getDType() != DType::F32 ||
      init.getDType() != DType::F32)
    return unsupported(op, "is supported on float32 only");
  auto attrPair = [&](StringRef name) {
    std::array<int64_t, 2> v = {1, 1};
    if (auto attr = op->getAttrOfType<DenseIntElementsAttr>(name)) {
      auto values = llvm::to_vector(attr.getValues<int64_t>());
      v = {values[0], values[1]};
    }
    return v;
  };
  auto [sh, sw] = attrPair("strides");
  auto [dh, dw] = attrPair("dilations");
  Tensor out = allocResult(op);
  ArrayRef<int64_t> xs = x.getShape(), fs = f.getShape(), os = out.getShape();
  int64_t n = xs[0], h = xs[1], w = xs[2], ic = xs[3];
  int64_t oh = os[1], ow = os[2], oc = os[3];
  int64_t kh = FilterHWCF ? fs[0] : fs[1], kw = FilterHWCF ? fs[1] : fs[2];
  int64_t k = kh * kw * ic, rows = oh * ow;

  // The filter as [F, KH, KW, C] rows.
  std::vector<float> filter;
  const float *fd = f.data<float>();
  if (FilterHWCF) {
    filter.resize(oc * k);
    for (int64_t t = 0; t < k; ++t)
      for (int64_t o = 0; o < oc; ++o)
        filter[o * k + t] = fd[t * oc + o];
    fd = filter.data();
  }
  PackedWeights weight(fd, oc, k);
  const float *xd = x.data<float>();
  float *od = out.mutableData<float>();
  bool pointwise = kh == 1 && kw == 1 && sh == 1 && sw == 1 && oh == h &&
                   ow == w;
  int64_t blocksPerImage = (rows + kRowBlock - 1) / kRowBlock;
  int64_t grain = std::max<int64_t>(1, (1 << 18) / (kRowBlock * k * oc + 1));
  ctx.parallelFor(n * blocksPerImage, grain, [&](int64_t b0, int64_t b1) {
    std::vector<float> patch;
    for (int64_t blk = b0; blk < b1; ++blk) {
      int64_t img = blk / blocksPerImage;
      int64_t r0 = (blk % blocksPerImage) * kRowBlock;
      int64_t r1 = std::min(rows, r0 + kRowBlock);
      const float *lhs;
      if (pointwise) {
        lhs = xd + (img * rows + r0) * ic;
      } else {
        patch.assign((r1 - r0) * k, 0.0f);
        for (int64_t row = r0; row < r1; ++row) {
          int64_t oy = row / ow, ox = row % ow;
          float *dst = patch.data() + (row - r0) * k;
          for (int64_t ky = 0; ky < kh; ++ky) {
            int64_t iy = oy * sh + ky * dh;
            for (int64_t kx = 0; kx < kw; ++kx, dst += ic) {
              int64_t ix = ox * sw + kx * dw;
              std::memcpy(dst, xd + ((img * h + iy) * w + ix) * ic,
                          ic * sizeof(float));
            }
          }
        }
        lhs = patch.data();
      }
      gemm(lhs, k, weight, nullptr, od + (img * rows + r0) * oc, oc, r1 - r0);
    }
  });
  addInit(out, init);
  r.push_back(out);
  return success();
}

/// collapse_shape / expand_shape keep the row-major element order.
LogicalResult reassociateKernel(Operation *op, ArrayRef<Tensor> in,
                                SmallVectorImpl<Tensor> &r,
                                const KernelContext &) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  r.push_back(in[0].reshaped(type.getShape()));
  return success();
}
} // namespace

void mlir::qopt::exec::batchedMatmul(const float *a, const float *b,
                                     float *out, int64_t batch, int64_t h,
                                     int64_t c, int64_t w, bool layer,
                                     const KernelContext &ctx) {
  if (h * c * w <= 32768 && !layer) {
    for (int64_t n = 0; n < batch; ++n) {
      const float *an = a + n * h * c, *bn = b + n * c * w;
      float *on = out + n * h * w;
      for (int64_t i = 0; i < h; ++i) {
        float *row = on + i * w;
        std::fill(row, row + w, 0.0f);
        for (int64_t k = 0; k < c; ++k) {
          float av = an[i * c + k];
          const float *brow = bn + k * w;
          for (int64_t j = 0; j < w; ++j)
            row[j] += av * brow[j];
        }
      }
    }
    return;
  }
  int64_t blocks = (h + kRowBlock - 1) / kRowBlock;
  for (int64_t n = 0; n < batch; ++n) {
    std::vector<float> bt(w * c);
    const float *bn = b + n * c * w;
    for (int64_t i = 0; i < c; ++i)
      for (int64_t j = 0; j < w; ++j)
        bt[j * c + i] = bn[i * w + j];
    PackedWeights packed(bt.data(), w, c);
    int64_t grain = std::max<int64_t>(1, (1 << 18) / (kRowBlock * c * w + 1));
    ctx.parallelFor(blocks, grain, [&](int64_t b0, int64_t b1) {
      for (int64_t blk = b0; blk < b1; ++blk) {
        int64_t r0 = blk * kRowBlock, m = std::min(h, r0 + kRowBlock) - r0;
        gemm(a + (n * h + r0) * c, c, packed, nullptr,
             out + (n * h + r0) * w, w, m);
      }
    });
  }
}


void exec::registerLinalgKernels(KernelTable &t) {
  t[TypeID::get<linalg::MatmulOp>()] = matmulKernel<linalg::MatmulOp>;
  t[TypeID::get<linalg::BatchMatmulOp>()] =
      matmulKernel<linalg::BatchMatmulOp>;
  t[TypeID::get<linalg::Conv2DNhwcHwcfOp>()] = convKernel<true>;
  t[TypeID::get<linalg::Conv2DNhwcFhwcOp>()] = convKernel<false>;
  t[TypeID::get<tensor::CollapseShapeOp>()] = reassociateKernel;
  t[TypeID::get<tensor::ExpandShapeOp>()] = reassociateKernel;
}
