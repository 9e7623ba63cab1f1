//===- KernelsNN.cpp - Convolution, matmul and pooling kernels -------------===//
//
// Float convolutions are im2col + GEMM (Eigen) over fixed blocks of output
// rows, and float matmuls are GEMMs over fixed row blocks: blocks, not
// threads, decide the summation order, so results do not depend on the
// thread count. Integer variants (i8 operands, zero points, i32
// accumulation) are direct loops with exact integer arithmetic.
//
//===----------------------------------------------------------------------===//

#include "Gemm.h"
#include "Kernels.h"
#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::exec;

namespace {
/// Output rows per GEMM block (fixed, so results do not depend on threads).
constexpr int64_t kRowBlock = 24;

struct ConvGeometry {
  int64_t n, h, w, ic, oh, ow, oc, kh, kw;
  int64_t padTop, padLeft, strideH, strideW, dilH, dilW;
};

ConvGeometry geometry(Operation *op, const Tensor &x, const Tensor &out,
                      int64_t kh, int64_t kw) {
  // `pad` and `stride` (and the pools' `kernel`) are required
  // DenseI64ArrayAttrs of every op using this, checked by their verifiers.
  auto pad = cast<DenseI64ArrayAttr>(op->getAttr("pad")).asArrayRef();
  auto stride = cast<DenseI64ArrayAttr>(op->getAttr("stride")).asArrayRef();
  // Pools have no dilation.
  int64_t dilH = 1, dilW = 1;
  if (auto d = op->getAttrOfType<DenseI64ArrayAttr>("dilation")) {
    dilH = d.asArrayRef()[0];
    dilW = d.asArrayRef()[1];
  }
  ArrayRef<int64_t> xs = x.getShape(), os = out.getShape();
  return {xs[0], xs[1], xs[2], xs[3], os[1], os[2], os[3], kh, kw,
          pad[0], pad[2], stride[0], stride[1], dilH, dilW};
}

LogicalResult conv2dKernel(Operation *op, ArrayRef<Tensor> in,
                           SmallVectorImpl<Tensor> &r,
                           const KernelContext &ctx) {
  const Tensor &x = in[0], &w = in[1], &bias = in[2];
  Tensor out = allocResult(op);
  ArrayRef<int64_t> ws = w.getShape();
  ConvGeometry g = geometry(op, x, out, ws[1], ws[2]);
  int64_t k = g.kh * g.kw * g.ic, rows = g.oh * g.ow;

  if (x.getDType() != DType::F32) {
    // Integer: exact direct loops with zero points, i32 accumulation.
    int64_t xzp = in[3].getInt(0), wzp = in[4].getInt(0);
    for (int64_t n = 0; n < g.n; ++n)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox)
          for (int64_t o = 0; o < g.oc; ++o) {
            int64_t acc = bias.getInt(o);
            for (int64_t ky = 0; ky < g.kh; ++ky)
              for (int64_t kx = 0; kx < g.kw; ++kx) {
                int64_t iy = oy * g.strideH - g.padTop + ky * g.dilH;
                int64_t ix = ox * g.strideW - g.padLeft + kx * g.dilW;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w)
                  continue;
                for (int64_t c = 0; c < g.ic; ++c)
                  acc += (x.getInt(((n * g.h + iy) * g.w + ix) * g.ic + c) -
                          xzp) *
                         (w.getInt(((o * g.kh + ky) * g.kw + kx) * g.ic + c) -
                          wzp);
              }
            storeInt(out, ((n * g.oh + oy) * g.ow + ox) * g.oc + o,
                     int64_t(int32_t(acc)));
          }
    r.push_back(out);
    return success();
  }

  PackedWeights weight(w.data<float>(), g.oc, k);
  const float *xd = x.data<float>();
  float *od = out.mutableData<float>();
  const float *bd = bias.data<float>();
  bool pointwise = g.kh == 1 && g.kw == 1 && g.strideH == 1 &&
                   g.strideW == 1 && g.padTop == 0 && g.padLeft == 0 &&
                   g.oh == g.h && g.ow == g.w;
  int64_t blocksPerImage = (rows + kRowBlock - 1) / kRowBlock;
  int64_t grain = std::max<int64_t>(1, (1 << 18) / (kRowBlock * k * g.oc + 1));
  ctx.parallelFor(g.n * blocksPerImage, grain, [&](int64_t b0, int64_t b1) {
    std::vector<float> patch;
    for (int64_t blk = b0; blk < b1; ++blk) {
      int64_t n = blk / blocksPerImage;
      int64_t r0 = (blk % blocksPerImage) * kRowBlock;
      int64_t r1 = std::min(rows, r0 + kRowBlock);
      int64_t m = r1 - r0;
      const float *lhs;
      if (pointwise) {
        lhs = xd + (n * rows + r0) * g.ic;
      } else {
        patch.assign(m * k, 0.0f);
        for (int64_t row = r0; row < r1; ++row) {
          int64_t oy = row / g.ow, ox = row % g.ow;
          float *dst = patch.data() + (row - r0) * k;
          for (int64_t ky = 0; ky < g.kh; ++ky) {
            int64_t iy = oy * g.strideH - g.padTop + ky * g.dilH;
            for (int64_t kx = 0; kx < g.kw; ++kx, dst += g.ic) {
              int64_t ix = ox * g.strideW - g.padLeft + kx * g.dilW;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w)
                continue;
              std::memcpy(dst, xd + ((n * g.h + iy) * g.w + ix) * g.ic,
                          g.ic * sizeof(float));
            }
          }
        }
        lhs = patch.data();
      }
      gemm(lhs, k, weight, bd, od + (n * rows + r0) * g.oc, g.oc, m);
    }
  });
  r.push_back(out);
  return success();
}

LogicalResult depthwiseKernel(Operation *op, ArrayRef<Tensor> in,
                              SmallVectorImpl<Tensor> &r,
                              const KernelContext &ctx) {
  const Tensor &x = in[0], &w = in[1], &bias = in[2];
  Tensor out = allocResult(op);
  ArrayRef<int64_t> ws = w.getShape(); // [KH, KW, C, M]
  ConvGeometry g = geometry(op, x, out, ws[0], ws[1]);
  int64_t mult = ws[3];
  bool f32 = x.getDType() == DType::F32;
  int64_t xzp = f32 ? 0 : in[3].getInt(0), wzp = f32 ? 0 : in[4].getInt(0);
  if (f32 && mult == 1) {
    // Channel vectors per tap: acc[c] += x[.., c] * w[ky, kx, c].
    ctx.parallelFor(g.n * g.oh, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t row = b0; row < b1; ++row) {
        int64_t n = row / g.oh, oy = row % g.oh;
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          float *o = out.mutableData<float>() + ((n * g.oh + oy) * g.ow + ox) * g.oc;
          // Sum the taps from zero, then add the bias: the order of TOSA's
          // linalg lowering, so that compiled float depthwise layers between
          // integer layers give the same bits (docs/Semantics.md).
          std::fill(o, o + g.oc, 0.0f);
          for (int64_t ky = 0; ky < g.kh; ++ky) {
            int64_t iy = oy * g.strideH - g.padTop + ky * g.dilH;
            if (iy < 0 || iy >= g.h)
              continue;
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              int64_t ix = ox * g.strideW - g.padLeft + kx * g.dilW;
              if (ix < 0 || ix >= g.w)
                continue;
              const float *xp = x.data<float>() + ((n * g.h + iy) * g.w + ix) * g.ic;
              const float *wp = w.data<float>() + (ky * g.kw + kx) * g.ic;
              for (int64_t c = 0; c < g.ic; ++c)
                o[c] += xp[c] * wp[c];
            }
          }
          for (int64_t c = 0; c < g.oc; ++c)
            o[c] = bias.data<float>()[c] + o[c];
        }
      }
    });
    r.push_back(out);
    return success();
  }
  ctx.parallelFor(g.n * g.oh, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t row = b0; row < b1; ++row) {
      int64_t n = row / g.oh, oy = row % g.oh;
      for (int64_t ox = 0; ox < g.ow; ++ox)
        for (int64_t c = 0; c < g.ic; ++c)
          for (int64_t m = 0; m < mult; ++m) {
            int64_t o = c * mult + m;
            int64_t outIndex = ((n * g.oh + oy) * g.ow + ox) * g.oc + o;
            if (f32) {
              float acc = 0.0f; // Bias last, as above.
              for (int64_t ky = 0; ky < g.kh; ++ky) {
                int64_t iy = oy * g.strideH - g.padTop + ky * g.dilH;
                if (iy < 0 || iy >= g.h)
                  continue;
                for (int64_t kx = 0; kx < g.kw; ++kx) {
                  int64_t ix = ox * g.strideW - g.padLeft + kx * g.dilW;
                  if (ix < 0 || ix >= g.w)
                    continue;
                  acc += x.data<float>()[((n * g.h + iy) * g.w + ix) * g.ic + c] *
                         w.data<float>()[((ky * g.kw + kx) * g.ic + c) * mult + m];
                }
              }
              out.mutableData<float>()[outIndex] = bias.data<float>()[o] + acc;
            } else {
              int64_t acc = bias.getInt(o);
              for (int64_t ky = 0; ky < g.kh; ++ky)
                for (int64_t kx = 0; kx < g.kw; ++kx) {
                  int64_t iy = oy * g.strideH - g.padTop + ky * g.dilH;
                  int64_t ix = ox * g.strideW - g.padLeft + kx * g.dilW;
                  if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w)
                    continue;
                  acc += (x.getInt(((n * g.h + iy) * g.w + ix) * g.ic + c) - xzp) *
                         (w.getInt(((ky * g.kw + kx) * g.ic + c) * mult + m) - wzp);
                }
              storeInt(out, outIndex, int64_t(int32_t(acc)));
            }
          }
    }
  });
  r.push_back(out);
  return success();
}

/// tosa.matmul: a [N, H, C] x b [N, C, W] -> [N, H, W].
LogicalResult matmulKernel(Operation *op, ArrayRef<Tensor> in,
                           SmallVectorImpl<Tensor> &r,
                           const KernelContext &ctx) {
  const Tensor &a = in[0], &b = in[1];
  Tensor out = allocResult(op);
  ArrayRef<int64_t> as = a.getShape(), bs = b.getShape();
  int64_t batch = as[0], h = as[1], c = as[2], w = bs[2];
  if (a.getDType() != DType::F32) {
    int64_t azp = in[2].getInt(0), bzp = in[3].getInt(0);
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t i = 0; i < h; ++i)
        for (int64_t j = 0; j < w; ++j) {
          int64_t acc = 0;
          for (int64_t k = 0; k < c; ++k)
            acc += (a.getInt((n * h + i) * c + k) - azp) *
                   (b.getInt((n * c + k) * w + j) - bzp);
          storeInt(out, (n * h + i) * w + j, int64_t(int32_t(acc)));
        }
    r.push_back(out);
    return success();
  }
  bool layer = batch == 1 && isConstantFoldable(op->getOperand(1));
  batchedMatmul(a.data<float>(), b.data<float>(), out.mutableData<float>(),
                batch, h, c, w, layer, ctx);
  r.push_back(out);
  return success();
}

template <bool IsMax>
LogicalResult poolKernel(Operation *op, ArrayRef<Tensor> in,
                         SmallVectorImpl<Tensor> &r,
                         const KernelContext &ctx) {
  const Tensor &x = in[0];
  Tensor out = allocResult(op);
  auto kernel = cast<DenseI64ArrayAttr>(op->getAttr("kernel")).asArrayRef();
  ConvGeometry g = geometry(op, x, out, kernel[0], kernel[1]);
  bool f32 = x.getDType() == DType::F32;
  if (f32) {
    // Channels are contiguous: combine whole channel vectors per tap.
    ctx.parallelFor(g.n * g.oh, 1, [&](int64_t b0, int64_t b1) {
      std::vector<float> acc(g.ic);
      for (int64_t row = b0; row < b1; ++row) {
        int64_t n = row / g.oh, oy = row % g.oh;
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          std::fill(acc.begin(), acc.end(),
                    IsMax ? -std::numeric_limits<float>::infinity() : 0.0f);
          int64_t count = 0;
          for (int64_t ky = 0; ky < g.kh; ++ky) {
            int64_t iy = oy * g.strideH - g.padTop + ky;
            if (iy < 0 || iy >= g.h)
              continue;
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              int64_t ix = ox * g.strideW - g.padLeft + kx;
              if (ix < 0 || ix >= g.w)
                continue;
              ++count;
              const float *p = x.data<float>() + ((n * g.h + iy) * g.w + ix) * g.ic;
              for (int64_t c = 0; c < g.ic; ++c)
                acc[c] = IsMax ? (p[c] > acc[c] || std::isnan(p[c]) ? p[c] : acc[c])
                               : acc[c] + p[c];
            }
          }
          float *o = out.mutableData<float>() + ((n * g.oh + oy) * g.ow + ox) * g.oc;
          float inv = float(std::max<int64_t>(count, 1));
          for (int64_t c = 0; c < g.ic; ++c)
            o[c] = IsMax ? acc[c] : acc[c] / inv;
        }
      }
    });
    r.push_back(out);
    return success();
  }
  ctx.parallelFor(g.n * g.oh, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t row = b0; row < b1; ++row) {
      int64_t n = row / g.oh, oy = row % g.oh;
      for (int64_t ox = 0; ox < g.ow; ++ox)
        for (int64_t c = 0; c < g.ic; ++c) {
          double acc = IsMax ? -std::numeric_limits<double>::infinity() : 0.0;
          float accF = IsMax ? -std::numeric_limits<float>::infinity() : 0.0f;
          int64_t count = 0;
          for (int64_t ky = 0; ky < g.kh; ++ky) {
            int64_t iy = oy * g.strideH - g.padTop + ky;
            if (iy < 0 || iy >= g.h)
              continue;
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              int64_t ix = ox * g.strideW - g.padLeft + kx;
              if (ix < 0 || ix >= g.w)
                continue;
              int64_t idx = ((n * g.h + iy) * g.w + ix) * g.ic + c;
              ++count;
              if (f32) {
                float v = x.data<float>()[idx];
                accF = IsMax ? (v > accF || std::isnan(v) ? v : accF) : accF + v;
              } else {
                double v = loadDouble(x, idx);
                acc = IsMax ? std::max(acc, v) : acc + v;
              }
            }
          }
          int64_t o = ((n * g.oh + oy) * g.ow + ox) * g.oc + c;
          if (f32)
            out.mutableData<float>()[o] =
                IsMax ? accF : accF / float(std::max<int64_t>(count, 1));
          else
            storeDouble(out, o,
                        IsMax ? acc : acc / double(std::max<int64_t>(count, 1)));
        }
    }
  });
  r.push_back(out);
  return success();
}
} // namespace

void exec::registerNNKernels(KernelTable &t) {
  t[TypeID::get<tosa::Conv2DOp>()] = conv2dKernel;
  t[TypeID::get<tosa::DepthwiseConv2DOp>()] = depthwiseKernel;
  t[TypeID::get<tosa::MatMulOp>()] = matmulKernel;
  t[TypeID::get<tosa::MaxPool2dOp>()] = poolKernel<true>;
  t[TypeID::get<tosa::AvgPool2dOp>()] = poolKernel<false>;
}
