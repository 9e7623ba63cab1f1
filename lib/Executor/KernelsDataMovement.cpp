//===- KernelsDataMovement.cpp - Shape and data-movement kernels -----------===//
//
// reshape, transpose, slice, concat, pad, tile, gather, reverse, reductions,
// tensor.bitcast and tensor.empty. They move bytes; only reductions compute.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <array>
#include <cstring>
#include <limits>
#include <optional>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::exec;

namespace {

/// out[i] = in[src(i)] for every element, element size taken from the type.
template <typename Fn>
void gatherElements(const Tensor &in, Tensor &out, Fn &&src) {
  unsigned bytes = dtypeBytes(out.getDType());
  int64_t n = out.getNumElements();
  const char *ib = in.bytes();
  char *ob = out.mutableBytes();
  for (int64_t i = 0; i < n; ++i)
    std::memcpy(ob + i * bytes, ib + src(i) * bytes, bytes);
}

// Result types are static tensors of supported element types in every
// kernel (see allocResult), so the casts below hold.
LogicalResult reshapeKernel(Operation *op, ArrayRef<Tensor> in,
                            SmallVectorImpl<Tensor> &r, const KernelContext &) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  r.push_back(in[0].reshaped(type.getShape()));
  return success();
}

LogicalResult bitcastKernel(Operation *op, ArrayRef<Tensor> in,
                            SmallVectorImpl<Tensor> &r, const KernelContext &) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  r.push_back(in[0].bitcast(*dtypeFromType(type.getElementType())));
  return success();
}

LogicalResult emptyKernel(Operation *op, ArrayRef<Tensor>,
                          SmallVectorImpl<Tensor> &r, const KernelContext &) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  r.push_back(Tensor::zeros(*dtypeFromType(type.getElementType()),
                            type.getShape()));
  return success();
}

/// If `perms` swaps two adjacent groups of axes after a common prefix
/// ([outer, A, B] -> [outer, B, A], e.g. NCHW <-> NHWC), returns
/// (outer, A, B) as element counts.
std::optional<std::array<int64_t, 3>>
asBatchedTranspose(ArrayRef<int32_t> perms, ArrayRef<int64_t> shape) {
  int64_t rank = perms.size(), prefix = 0;
  while (prefix < rank && perms[prefix] == prefix)
    ++prefix;
  if (prefix == rank)
    return std::nullopt;
  // After the prefix: perms = [s, s+1, ..., rank-1, prefix, ..., s-1].
  int64_t split = perms[prefix];
  for (int64_t i = prefix; i < rank; ++i) {
    int64_t expected = i - prefix < rank - split ? split + (i - prefix)
                                                 : prefix + (i - prefix) -
                                                       (rank - split);
    if (perms[i] != expected)
      return std::nullopt;
  }
  std::array<int64_t, 3> dims = {1, 1, 1};
  for (int64_t i = 0; i < prefix; ++i)
    dims[0] *= shape[i];
  for (int64_t i = prefix; i < split; ++i)
    dims[1] *= shape[i];
  for (int64_t i = split; i < rank; ++i)
    dims[2] *= shape[i];
  return dims;
}

LogicalResult transposeKernel(Operation *op, ArrayRef<Tensor> in,
                              SmallVectorImpl<Tensor> &r,
                              const KernelContext &ctx) {
  ArrayRef<int32_t> perms = cast<tosa::TransposeOp>(op).getPerms();
  const Tensor &x = in[0];
  Tensor out = allocResult(op);
  if (dtypeBytes(x.getDType()) == 4) {
    if (auto dims = asBatchedTranspose(perms, x.getShape())) {
      // Tiled [A, B] -> [B, A] per outer index, 4-byte elements.
      auto [outer, rowsA, colsB] = *dims;
      const uint32_t *src = x.data<uint32_t>();
      uint32_t *dst = out.mutableData<uint32_t>();
      constexpr int64_t tile = 32;
      int64_t tilesA = (rowsA + tile - 1) / tile;
      ctx.parallelFor(outer * tilesA, 1, [&](int64_t t0, int64_t t1) {
        for (int64_t t = t0; t < t1; ++t) {
          int64_t o = t / tilesA, a0 = (t % tilesA) * tile;
          int64_t a1 = std::min(rowsA, a0 + tile);
          const uint32_t *s = src + o * rowsA * colsB;
          uint32_t *d = dst + o * rowsA * colsB;
          for (int64_t b0 = 0; b0 < colsB; b0 += tile) {
            int64_t b1 = std::min(colsB, b0 + tile);
            for (int64_t a = a0; a < a1; ++a)
              for (int64_t b = b0; b < b1; ++b)
                d[b * rowsA + a] = s[a * colsB + b];
          }
        }
      });
      r.push_back(out);
      return success();
    }
  }
  int64_t rank = x.getRank();
  SmallVector<int64_t, 4> inStrides = stridesOf(x.getShape());
  ArrayRef<int64_t> shape = out.getShape();
  SmallVector<int64_t, 4> src(rank);
  for (int64_t d = 0; d < rank; ++d)
    src[d] = inStrides[perms[d]];
  unsigned bytes = dtypeBytes(x.getDType());
  int64_t n = out.getNumElements();
  if (n == 0) {
    r.push_back(out);
    return success();
  }
  if (rank >= 2 && perms[rank - 1] == rank - 1) {
    // The innermost axis stays innermost: copy whole rows.
    int64_t row = shape[rank - 1] * bytes;
    for (int64_t o = 0; o < n; o += shape[rank - 1]) {
      int64_t s = 0;
      int64_t rem = o;
      for (int64_t d = rank - 1; d >= 0; --d) {
        s += (rem % shape[d]) * src[d];
        rem /= shape[d];
      }
      std::memcpy(out.mutableBytes() + o * bytes, x.bytes() + s * bytes, row);
    }
    r.push_back(out);
    return success();
  }
  int64_t outer = rank ? n / shape[0] : 1;
  // Parallel over the outermost output dimension, odometer inside.
  ctx.parallelFor(rank ? shape[0] : 1, 1, [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) {
      SmallVector<int64_t, 4> coord(rank, 0);
      if (rank)
        coord[0] = o;
      int64_t s = rank ? o * src[0] : 0;
      char *dst = out.mutableBytes() + o * outer * bytes;
      for (int64_t i = 0; i < outer; ++i) {
        std::memcpy(dst + i * bytes, x.bytes() + s * bytes, bytes);
        for (int64_t d = rank - 1; d >= 1; --d) {
          s += src[d];
          if (++coord[d] < shape[d])
            break;
          s -= src[d] * shape[d];
          coord[d] = 0;
        }
      }
    }
  });
  r.push_back(out);
  return success();
}

LogicalResult sliceKernel(Operation *op, ArrayRef<Tensor> in,
                          SmallVectorImpl<Tensor> &r, const KernelContext &) {
  const Tensor &x = in[0];
  SmallVector<int64_t> start = shapeValues(in[1]);
  Tensor out = allocResult(op);
  ArrayRef<int64_t> shape = out.getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t, 4> inStrides = stridesOf(x.getShape()),
                          outStrides = stridesOf(shape);
  // Copy contiguous innermost runs.
  unsigned bytes = dtypeBytes(x.getDType());
  int64_t n = out.getNumElements();
  if (n == 0) {
    r.push_back(out);
    return success();
  }
  int64_t inner = shape[rank - 1];
  for (int64_t o = 0; o < n; o += inner) {
    int64_t s = 0;
    for (int64_t d = 0; d < rank; ++d)
      s += ((o / outStrides[d]) % shape[d] + start[d]) * inStrides[d];
    std::memcpy(out.mutableBytes() + o * bytes, x.bytes() + s * bytes,
                inner * bytes);
  }
  r.push_back(out);
  return success();
}

LogicalResult concatKernel(Operation *op, ArrayRef<Tensor> in,
                           SmallVectorImpl<Tensor> &r, const KernelContext &) {
  int64_t axis = cast<tosa::ConcatOp>(op).getAxis();
  Tensor out = allocResult(op);
  ArrayRef<int64_t> shape = out.getShape();
  unsigned bytes = dtypeBytes(out.getDType());
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  char *dst = out.mutableBytes();
  for (int64_t o = 0; o < outer; ++o)
    for (const Tensor &t : in) {
      int64_t chunk = t.getNumElements() / std::max<int64_t>(outer, 1) * bytes;
      std::memcpy(dst, t.bytes() + o * chunk, chunk);
      dst += chunk;
    }
  r.push_back(out);
  return success();
}

LogicalResult padKernel(Operation *op, ArrayRef<Tensor> in,
                        SmallVectorImpl<Tensor> &r, const KernelContext &) {
  const Tensor &x = in[0];
  SmallVector<int64_t> pads = shapeValues(in[1]);
  Tensor out = allocResult(op);
  unsigned bytes = dtypeBytes(out.getDType());
  // Fill with the pad value, then copy the input rows in.
  for (int64_t i = 0; i < out.getNumElements(); ++i)
    std::memcpy(out.mutableBytes() + i * bytes, in[2].bytes(), bytes);
  ArrayRef<int64_t> shape = x.getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t, 4> inStrides = stridesOf(shape),
                          outStrides = stridesOf(out.getShape());
  int64_t n = x.getNumElements();
  if (n == 0 || rank == 0) {
    r.push_back(out);
    return success();
  }
  int64_t inner = shape[rank - 1];
  for (int64_t i = 0; i < n; i += inner) {
    int64_t o = 0;
    for (int64_t d = 0; d < rank; ++d)
      o += ((i / inStrides[d]) % shape[d] + pads[2 * d]) * outStrides[d];
    std::memcpy(out.mutableBytes() + o * bytes, x.bytes() + i * bytes,
                inner * bytes);
  }
  r.push_back(out);
  return success();
}

LogicalResult tileKernel(Operation *op, ArrayRef<Tensor> in,
                         SmallVectorImpl<Tensor> &r, const KernelContext &) {
  const Tensor &x = in[0];
  Tensor out = allocResult(op);
  ArrayRef<int64_t> shape = out.getShape(), inShape = x.getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t, 4> inStrides = stridesOf(inShape),
                          outStrides = stridesOf(shape);
  gatherElements(x, out, [&](int64_t i) {
    int64_t s = 0;
    for (int64_t d = 0; d < rank; ++d)
      s += ((i / outStrides[d]) % shape[d] % inShape[d]) * inStrides[d];
    return s;
  });
  r.push_back(out);
  return success();
}

LogicalResult reverseKernel(Operation *op, ArrayRef<Tensor> in,
                            SmallVectorImpl<Tensor> &r, const KernelContext &) {
  int64_t axis = cast<tosa::ReverseOp>(op).getAxis();
  const Tensor &x = in[0];
  Tensor out = allocResult(op);
  ArrayRef<int64_t> shape = x.getShape();
  SmallVector<int64_t, 4> strides = stridesOf(shape);
  gatherElements(x, out, [&](int64_t i) {
    int64_t c = (i / strides[axis]) % shape[axis];
    return i + (shape[axis] - 1 - 2 * c) * strides[axis];
  });
  r.push_back(out);
  return success();
}

/// tosa.gather: values [N, K, C], indices [N, W] -> [N, W, C].
LogicalResult gatherKernel(Operation *op, ArrayRef<Tensor> in,
                           SmallVectorImpl<Tensor> &r, const KernelContext &) {
  const Tensor &values = in[0], &indices = in[1];
  Tensor out = allocResult(op);
  ArrayRef<int64_t> vs = values.getShape();
  int64_t n = vs[0], k = vs[1], c = vs[2], w = indices.getShape()[1];
  unsigned bytes = dtypeBytes(values.getDType());
  for (int64_t b = 0; b < n; ++b)
    for (int64_t j = 0; j < w; ++j) {
      int64_t idx = indices.getInt(b * w + j);
      if (idx < 0 || idx >= k)
        return op->emitError() << "qopt executor: gather index " << idx
                               << " out of range [0, " << k << ")",
               failure();
      std::memcpy(out.mutableBytes() + (b * w + j) * c * bytes,
                  values.bytes() + (b * k + idx) * c * bytes, c * bytes);
    }
  r.push_back(out);
  return success();
}

enum class Reduce { Sum, Max, Min, Prod };

template <Reduce K>
LogicalResult reduceKernel(Operation *op, ArrayRef<Tensor> in,
                           SmallVectorImpl<Tensor> &r, const KernelContext &) {
  // Every tosa.reduce_* op has a required I32Attr `axis`.
  int64_t axis = cast<IntegerAttr>(op->getAttr("axis")).getInt();
  const Tensor &x = in[0];
  Tensor out = allocResult(op);
  ArrayRef<int64_t> shape = x.getShape();
  int64_t outer = 1, inner = 1, len = shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  for (int64_t d = axis + 1; d < int64_t(shape.size()); ++d)
    inner *= shape[d];
  bool f32 = x.getDType() == DType::F32;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t base = o * len * inner + i;
      if (f32) {
        // Accumulate in float, in order, as a straightforward loop does.
        const float *p = x.data<float>() + base;
        float acc = K == Reduce::Sum ? 0.0f
                    : K == Reduce::Prod ? 1.0f
                    : p[0];
        for (int64_t j = 0; j < len; ++j) {
          float v = p[j * inner];
          if (K == Reduce::Sum)
            acc += v;
          else if (K == Reduce::Prod)
            acc *= v;
          else if (K == Reduce::Max)
            acc = std::isnan(v) || v > acc ? v : acc;
          else
            acc = std::isnan(v) || v < acc ? v : acc;
        }
        out.mutableData<float>()[o * inner + i] = acc;
      } else if (isFloat(x.getDType())) {
        double acc = K == Reduce::Sum ? 0 : K == Reduce::Prod ? 1
                                                              : loadDouble(x, base);
        for (int64_t j = 0; j < len; ++j) {
          double v = loadDouble(x, base + j * inner);
          acc = K == Reduce::Sum    ? acc + v
                : K == Reduce::Prod ? acc * v
                : K == Reduce::Max  ? std::max(acc, v)
                                    : std::min(acc, v);
        }
        storeDouble(out, o * inner + i, acc);
      } else {
        int64_t acc = K == Reduce::Sum ? 0 : K == Reduce::Prod ? 1
                                                               : x.getInt(base);
        for (int64_t j = 0; j < len; ++j) {
          int64_t v = x.getInt(base + j * inner);
          acc = K == Reduce::Sum    ? acc + v
                : K == Reduce::Prod ? acc * v
                : K == Reduce::Max  ? std::max(acc, v)
                                    : std::min(acc, v);
        }
        storeInt(out, o * inner + i, acc);
      }
    }
  r.push_back(out);
  return success();
}
} // namespace

void exec::registerDataMovementKernels(KernelTable &t) {
  t[TypeID::get<tosa::ReshapeOp>()] = reshapeKernel;
  t[TypeID::get<tensor::BitcastOp>()] = bitcastKernel;
  t[TypeID::get<tensor::EmptyOp>()] = emptyKernel;
  t[TypeID::get<tosa::TransposeOp>()] = transposeKernel;
  t[TypeID::get<tosa::SliceOp>()] = sliceKernel;
  t[TypeID::get<tosa::ConcatOp>()] = concatKernel;
  t[TypeID::get<tosa::PadOp>()] = padKernel;
  t[TypeID::get<tosa::TileOp>()] = tileKernel;
  t[TypeID::get<tosa::ReverseOp>()] = reverseKernel;
  t[TypeID::get<tosa::GatherOp>()] = gatherKernel;
  t[TypeID::get<tosa::ReduceSumOp>()] = reduceKernel<Reduce::Sum>;
  t[TypeID::get<tosa::ReduceMaxOp>()] = reduceKernel<Reduce::Max>;
  t[TypeID::get<tosa::ReduceMinOp>()] = reduceKernel<Reduce::Min>;
  t[TypeID::get<tosa::ReduceProductOp>()] = reduceKernel<Reduce::Prod>;
}
