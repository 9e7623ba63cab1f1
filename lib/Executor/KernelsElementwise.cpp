//===- KernelsElementwise.cpp - Elementwise kernels ------------------------===//
//
// TOSA elementwise ops (with broadcasting of size-1 dimensions), casts, and
// the arith/math elementwise ops the ONNX frontend emits. float32 tensors
// take a direct path; other types compute in double / int64 and store back
// with the result type's semantics (integer wrap-around, float16 rounding).
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "qopt/Support/FloatBits.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::exec;

//===----------------------------------------------------------------------===//
// Element access
//===----------------------------------------------------------------------===//

double exec::loadDouble(const Tensor &t, int64_t i) { return t.getDouble(i); }

void exec::storeDouble(Tensor &t, int64_t i, double v) {
  switch (t.getDType()) {
  case DType::F32:
    t.mutableData<float>()[i] = float(v);
    return;
  case DType::F64:
    t.mutableData<double>()[i] = v;
    return;
  case DType::F16:
    t.mutableData<uint16_t>()[i] = floatToHalfBits(float(v));
    return;
  case DType::BF16:
    t.mutableData<uint16_t>()[i] = floatToBf16Bits(float(v));
    return;
  default:
    storeInt(t, i, int64_t(v));
    return;
  }
}

void exec::storeInt(Tensor &t, int64_t i, int64_t v) {
  switch (t.getDType()) {
  case DType::I1:
    t.mutableData<uint8_t>()[i] = v != 0;
    return;
  case DType::I8:
  case DType::U8:
    t.mutableData<uint8_t>()[i] = uint8_t(v);
    return;
  case DType::I16:
    t.mutableData<uint16_t>()[i] = uint16_t(v);
    return;
  case DType::I32:
    t.mutableData<uint32_t>()[i] = uint32_t(v);
    return;
  case DType::I64:
    t.mutableData<int64_t>()[i] = v;
    return;
  default:
    storeDouble(t, i, double(v));
    return;
  }
}

void exec::forEachBroadcast(
    ArrayRef<int64_t> shape, ArrayRef<int64_t> a, ArrayRef<int64_t> b,
    ArrayRef<int64_t> c,
    llvm::function_ref<void(int64_t, int64_t, int64_t, int64_t)> fn) {
  int64_t rank = shape.size();
  auto broadcastStrides = [&](ArrayRef<int64_t> s) {
    SmallVector<int64_t, 4> strides(rank, 0);
    if (s.empty())
      return strides;
    SmallVector<int64_t, 4> dense = stridesOf(s);
    for (int64_t i = 0; i < rank; ++i)
      strides[i] = s[i] == 1 ? 0 : dense[i];
    return strides;
  };
  SmallVector<int64_t, 4> sa = broadcastStrides(a), sb = broadcastStrides(b),
                          sc = broadcastStrides(c);
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  if (n == 0)
    return;
  if (rank == 0) {
    fn(0, 0, 0, 0);
    return;
  }
  int64_t inner = shape[rank - 1];
  SmallVector<int64_t, 4> coord(rank, 0);
  int64_t ia = 0, ib = 0, ic = 0;
  for (int64_t out = 0; out < n; out += inner) {
    for (int64_t k = 0; k < inner; ++k)
      fn(out + k, ia + k * sa[rank - 1], ib + k * sb[rank - 1],
         ic + k * sc[rank - 1]);
    for (int64_t d = rank - 2; d >= 0; --d) {
      ia += sa[d];
      ib += sb[d];
      ic += sc[d];
      if (++coord[d] < shape[d])
        break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      ic -= sc[d] * shape[d];
      coord[d] = 0;
    }
  }
}

/// Like forEachBroadcast, one innermost row at a time: fn(outOffset,
/// aOffset, bOffset, aInnerStride, bInnerStride, rowLength).
template <typename Fn>
static void forEachBroadcastRow(ArrayRef<int64_t> shape, ArrayRef<int64_t> a,
                                ArrayRef<int64_t> b, Fn &&fn) {
  int64_t rank = shape.size();
  if (rank == 0) {
    fn(0, 0, 0, 0, 0, 1);
    return;
  }
  auto broadcastStrides = [&](ArrayRef<int64_t> s) {
    SmallVector<int64_t, 4> dense = stridesOf(s), strides(rank, 0);
    for (int64_t i = 0; i < rank; ++i)
      strides[i] = s[i] == 1 ? 0 : dense[i];
    return strides;
  };
  SmallVector<int64_t, 4> sa = broadcastStrides(a), sb = broadcastStrides(b);
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  int64_t inner = shape[rank - 1];
  if (n == 0 || inner == 0)
    return;
  SmallVector<int64_t, 4> coord(rank, 0);
  int64_t ia = 0, ib = 0;
  for (int64_t out = 0; out < n; out += inner) {
    fn(out, ia, ib, sa[rank - 1], sb[rank - 1], inner);
    for (int64_t d = rank - 2; d >= 0; --d) {
      ia += sa[d];
      ib += sb[d];
      if (++coord[d] < shape[d])
        break;
      ia -= sa[d] * shape[d];
      ib -= sb[d] * shape[d];
      coord[d] = 0;
    }
  }
}

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

namespace {
using UnaryFn = double (*)(double);

/// Applies `f` elementwise; float32 operands go through `ff`.
LogicalResult unary(Operation *op, const Tensor &x, SmallVectorImpl<Tensor> &r,
                    const KernelContext &ctx, UnaryFn f,
                    float (*ff)(float) = nullptr) {
  Tensor out = allocResult(op);
  int64_t n = out.getNumElements();
  if (ff && x.getDType() == DType::F32 && out.getDType() == DType::F32) {
    const float *in = x.data<float>();
    float *o = out.mutableData<float>();
    ctx.parallelFor(n, 1 << 14, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        o[i] = ff(in[i]);
    });
  } else {
    for (int64_t i = 0; i < n; ++i)
      storeDouble(out, i, f(loadDouble(x, i)));
  }
  r.push_back(out);
  return success();
}

#define QOPT_UNARY(NAME, DEXPR, FEXPR)                                         \
  double NAME##D(double x) { return DEXPR; }                                   \
  float NAME##F(float x) { return FEXPR; }                                     \
  LogicalResult NAME##Kernel(Operation *op, ArrayRef<Tensor> in,              \
                             SmallVectorImpl<Tensor> &r,                       \
                             const KernelContext &ctx) {                       \
    return unary(op, in[0], r, ctx, NAME##D, NAME##F);                         \
  }

QOPT_UNARY(exp, std::exp(x), std::exp(x))
QOPT_UNARY(log, std::log(x), std::log(x))
QOPT_UNARY(abs, std::fabs(x), std::fabs(x))
QOPT_UNARY(sigmoid, 1.0 / (1.0 + std::exp(-x)), 1.0f / (1.0f + std::exp(-x)))
QOPT_UNARY(tanh, std::tanh(x), std::tanh(x))
QOPT_UNARY(erf, std::erf(x), std::erf(x))
QOPT_UNARY(floor, std::floor(x), std::floor(x))
QOPT_UNARY(ceil, std::ceil(x), std::ceil(x))
QOPT_UNARY(sin, std::sin(x), std::sin(x))
QOPT_UNARY(cos, std::cos(x), std::cos(x))
QOPT_UNARY(reciprocal, 1.0 / x, 1.0f / x)
QOPT_UNARY(rsqrt, 1.0 / std::sqrt(x), 1.0f / std::sqrt(x))
QOPT_UNARY(sqrt, std::sqrt(x), std::sqrt(x))
QOPT_UNARY(roundEven, std::nearbyint(x), std::nearbyint(x))
#undef QOPT_UNARY

/// Integer abs / negate keep integer semantics.
LogicalResult absKernelAny(Operation *op, ArrayRef<Tensor> in,
                           SmallVectorImpl<Tensor> &r,
                           const KernelContext &ctx) {
  if (isFloat(in[0].getDType()))
    return absKernel(op, in, r, ctx);
  Tensor out = allocResult(op);
  for (int64_t i = 0; i < out.getNumElements(); ++i)
    storeInt(out, i, std::llabs(in[0].getInt(i)));
  r.push_back(out);
  return success();
}

LogicalResult negateKernel(Operation *op, ArrayRef<Tensor> in,
                           SmallVectorImpl<Tensor> &r, const KernelContext &) {
  Tensor out = allocResult(op);
  const Tensor &x = in[0];
  if (isFloat(x.getDType())) {
    for (int64_t i = 0; i < out.getNumElements(); ++i)
      storeDouble(out, i, -loadDouble(x, i));
  } else {
    int64_t izp = in[1].getInt(0), ozp = in[2].getInt(0);
    for (int64_t i = 0; i < out.getNumElements(); ++i)
      storeInt(out, i, -(x.getInt(i) - izp) + ozp);
  }
  r.push_back(out);
  return success();
}

LogicalResult logicalNotKernel(Operation *op, ArrayRef<Tensor> in,
                               SmallVectorImpl<Tensor> &r,
                               const KernelContext &) {
  Tensor out = allocResult(op);
  for (int64_t i = 0; i < out.getNumElements(); ++i)
    storeInt(out, i, in[0].getInt(i) == 0);
  r.push_back(out);
  return success();
}

LogicalResult clampKernel(Operation *op, ArrayRef<Tensor> in,
                          SmallVectorImpl<Tensor> &r,
                          const KernelContext &ctx) {
  auto clamp = cast<tosa::ClampOp>(op);
  // tosa.clamp verifies that min_val/max_val are float attributes for float
  // element types and integer attributes otherwise.
  Tensor out = allocResult(op);
  const Tensor &x = in[0];
  int64_t n = out.getNumElements();
  if (x.getDType() == DType::F32) {
    float lo = cast<FloatAttr>(clamp.getMinValAttr()).getValue().convertToFloat();
    float hi = cast<FloatAttr>(clamp.getMaxValAttr()).getValue().convertToFloat();
    const float *xi = x.data<float>();
    float *o = out.mutableData<float>();
    ctx.parallelFor(n, 1 << 14, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        float v = xi[i];
        o[i] = std::isnan(v) ? v : std::min(std::max(v, lo), hi);
      }
    });
  } else if (isFloat(x.getDType())) {
    double lo = cast<FloatAttr>(clamp.getMinValAttr()).getValueAsDouble();
    double hi = cast<FloatAttr>(clamp.getMaxValAttr()).getValueAsDouble();
    for (int64_t i = 0; i < n; ++i)
      storeDouble(out, i, std::min(std::max(loadDouble(x, i), lo), hi));
  } else {
    int64_t lo = cast<IntegerAttr>(clamp.getMinValAttr()).getInt();
    int64_t hi = cast<IntegerAttr>(clamp.getMaxValAttr()).getInt();
    for (int64_t i = 0; i < n; ++i)
      storeInt(out, i, std::min(std::max(x.getInt(i), lo), hi));
  }
  r.push_back(out);
  return success();
}

/// TOSA cast: float -> int rounds half to even and saturates; int -> int
/// narrows by wrapping; anything -> bool is `!= 0`.
LogicalResult castKernel(Operation *op, ArrayRef<Tensor> in,
                         SmallVectorImpl<Tensor> &r, const KernelContext &) {
  Tensor out = allocResult(op);
  const Tensor &x = in[0];
  DType to = out.getDType();
  int64_t n = out.getNumElements();
  if (to == DType::I1) {
    for (int64_t i = 0; i < n; ++i)
      storeInt(out, i, isFloat(x.getDType()) ? loadDouble(x, i) != 0
                                             : x.getInt(i) != 0);
  } else if (isFloat(to)) {
    for (int64_t i = 0; i < n; ++i)
      storeDouble(out, i, isFloat(x.getDType()) ? loadDouble(x, i)
                                                : double(x.getInt(i)));
  } else if (isFloat(x.getDType())) {
    unsigned bits = dtypeBytes(to) * 8;
    double lo = -std::ldexp(1.0, bits - 1), hi = std::ldexp(1.0, bits - 1) - 1;
    for (int64_t i = 0; i < n; ++i) {
      double v = loadDouble(x, i);
      v = std::isnan(v) ? 0 : std::min(std::max(std::nearbyint(v), lo), hi);
      storeInt(out, i, int64_t(v));
    }
  } else {
    for (int64_t i = 0; i < n; ++i)
      storeInt(out, i, x.getInt(i));
  }
  r.push_back(out);
  return success();
}

//===----------------------------------------------------------------------===//
// Binary and ternary ops
//===----------------------------------------------------------------------===//

enum class BinOp { Add, Sub, Mul, Div, IntDiv, Pow, Max, Min, Eq, Gt, Ge,
                   And, Or, Xor, BitAnd, BitOr, BitXor };

/// One binary op on floating-point values: float32 directly, other float
/// types widened to double. Max and Min propagate NaN (ONNX semantics);
/// comparisons return 0 or 1.
template <BinOp K, typename T> T applyFloat(T a, T b) {
  switch (K) {
  case BinOp::Add:
    return a + b;
  case BinOp::Sub:
    return a - b;
  case BinOp::Mul:
    return a * b;
  case BinOp::Div:
    return a / b;
  case BinOp::Pow:
    return std::pow(a, b);
  case BinOp::Max:
    return std::isnan(a) || std::isnan(b) ? T(NAN) : std::max(a, b);
  case BinOp::Min:
    return std::isnan(a) || std::isnan(b) ? T(NAN) : std::min(a, b);
  case BinOp::Eq:
    return a == b;
  case BinOp::Gt:
    return a > b;
  case BinOp::Ge:
    return a >= b;
  default:
    return 0;
  }
}

template <BinOp K> int64_t applyI(int64_t a, int64_t b) {
  switch (K) {
  case BinOp::Add:
    return int64_t(uint64_t(a) + uint64_t(b));
  case BinOp::Sub:
    return int64_t(uint64_t(a) - uint64_t(b));
  case BinOp::Mul:
    return int64_t(uint64_t(a) * uint64_t(b));
  case BinOp::IntDiv:
  case BinOp::Div:
    return b == 0 ? 0 : a / b; // C++ truncates toward zero, as TOSA does.
  case BinOp::Max:
    return std::max(a, b);
  case BinOp::Min:
    return std::min(a, b);
  case BinOp::Eq:
    return a == b;
  case BinOp::Gt:
    return a > b;
  case BinOp::Ge:
    return a >= b;
  case BinOp::And:
    return (a != 0) && (b != 0);
  case BinOp::Or:
    return (a != 0) || (b != 0);
  case BinOp::Xor:
    return (a != 0) != (b != 0);
  case BinOp::BitAnd:
    return a & b;
  case BinOp::BitOr:
    return a | b;
  case BinOp::BitXor:
    return a ^ b;
  case BinOp::Pow: {
    int64_t r = 1;
    for (int64_t i = 0; i < b; ++i)
      r *= a;
    return r;
  }
  }
  return 0;
}

template <BinOp K>
LogicalResult binaryKernel(Operation *op, ArrayRef<Tensor> in,
                           SmallVectorImpl<Tensor> &r,
                           const KernelContext &ctx) {
  const Tensor &a = in[0], &b = in[1];
  Tensor out = allocResult(op);
  int64_t n = out.getNumElements();
  bool isCompare = K == BinOp::Eq || K == BinOp::Gt || K == BinOp::Ge;
  if (a.getDType() == DType::F32 && b.getDType() == DType::F32 &&
      out.getDType() == DType::F32) {
    const float *pa = a.data<float>(), *pb = b.data<float>();
    float *o = out.mutableData<float>();
    if (a.getShape() == out.getShape() && b.getShape() == out.getShape()) {
      ctx.parallelFor(n, 1 << 14, [&](int64_t s, int64_t e) {
        for (int64_t i = s; i < e; ++i)
          o[i] = applyFloat<K, float>(pa[i], pb[i]);
      });
    } else {
      // Row by row: the innermost axis of each operand is contiguous or
      // broadcast, so the inner loop is a plain strided loop.
      forEachBroadcastRow(out.getShape(), a.getShape(), b.getShape(),
                          [&](int64_t o0, int64_t a0, int64_t b0, int64_t sa,
                              int64_t sb, int64_t len) {
                            for (int64_t j = 0; j < len; ++j)
                              o[o0 + j] =
                                  applyFloat<K, float>(pa[a0 + j * sa], pb[b0 + j * sb]);
                          });
    }
  } else if (isFloat(a.getDType())) {
    forEachBroadcast(out.getShape(), a.getShape(), b.getShape(), {},
                     [&](int64_t i, int64_t ia, int64_t ib, int64_t) {
                       double v = applyFloat<K, double>(loadDouble(a, ia),
                                            loadDouble(b, ib));
                       if (isCompare)
                         storeInt(out, i, int64_t(v));
                       else
                         storeDouble(out, i, v);
                     });
  } else {
    forEachBroadcast(out.getShape(), a.getShape(), b.getShape(), {},
                     [&](int64_t i, int64_t ia, int64_t ib, int64_t) {
                       storeInt(out, i, applyI<K>(a.getInt(ia), b.getInt(ib)));
                     });
  }
  r.push_back(out);
  return success();
}

/// tosa.mul: operands 0 and 1 (operand 2 is the integer shift, 0 here).
LogicalResult mulKernel(Operation *op, ArrayRef<Tensor> in,
                        SmallVectorImpl<Tensor> &r, const KernelContext &ctx) {
  if (!isFloat(in[0].getDType()) && in.size() > 2 && in[2].getInt(0) != 0) {
    // Integer multiply with rounding right shift.
    int64_t shift = in[2].getInt(0);
    Tensor out = allocResult(op);
    forEachBroadcast(out.getShape(), in[0].getShape(), in[1].getShape(), {},
                     [&](int64_t i, int64_t ia, int64_t ib, int64_t) {
                       int64_t p = in[0].getInt(ia) * in[1].getInt(ib);
                       storeInt(out, i, (p + (int64_t(1) << (shift - 1))) >> shift);
                     });
    r.push_back(out);
    return success();
  }
  return binaryKernel<BinOp::Mul>(op, in.take_front(2), r, ctx);
}

LogicalResult selectKernel(Operation *op, ArrayRef<Tensor> in,
                           SmallVectorImpl<Tensor> &r, const KernelContext &) {
  const Tensor &p = in[0], &t = in[1], &f = in[2];
  Tensor out = allocResult(op);
  unsigned bytes = dtypeBytes(out.getDType());
  forEachBroadcast(out.getShape(), p.getShape(), t.getShape(), f.getShape(),
                   [&](int64_t i, int64_t ip, int64_t it, int64_t iff) {
                     const Tensor &src = p.data<uint8_t>()[ip] ? t : f;
                     int64_t is = p.data<uint8_t>()[ip] ? it : iff;
                     std::memcpy(out.mutableBytes() + i * bytes,
                                 src.bytes() + is * bytes, bytes);
                   });
  r.push_back(out);
  return success();
}
} // namespace

void exec::registerElementwiseKernels(KernelTable &t) {
  t[TypeID::get<tosa::ExpOp>()] = expKernel;
  t[TypeID::get<tosa::LogOp>()] = logKernel;
  t[TypeID::get<tosa::AbsOp>()] = absKernelAny;
  t[TypeID::get<tosa::SigmoidOp>()] = sigmoidKernel;
  t[TypeID::get<tosa::TanhOp>()] = tanhKernel;
  t[TypeID::get<tosa::ErfOp>()] = erfKernel;
  t[TypeID::get<tosa::FloorOp>()] = floorKernel;
  t[TypeID::get<tosa::CeilOp>()] = ceilKernel;
  t[TypeID::get<tosa::SinOp>()] = sinKernel;
  t[TypeID::get<tosa::CosOp>()] = cosKernel;
  t[TypeID::get<tosa::ReciprocalOp>()] = reciprocalKernel;
  t[TypeID::get<tosa::RsqrtOp>()] = rsqrtKernel;
  t[TypeID::get<tosa::NegateOp>()] = negateKernel;
  t[TypeID::get<tosa::LogicalNotOp>()] = logicalNotKernel;
  t[TypeID::get<tosa::ClampOp>()] = clampKernel;
  t[TypeID::get<tosa::CastOp>()] = castKernel;
  t[TypeID::get<math::SqrtOp>()] = sqrtKernel;
  t[TypeID::get<math::RoundEvenOp>()] = roundEvenKernel;
  t[TypeID::get<tosa::AddOp>()] = binaryKernel<BinOp::Add>;
  t[TypeID::get<tosa::SubOp>()] = binaryKernel<BinOp::Sub>;
  t[TypeID::get<tosa::MulOp>()] = mulKernel;
  t[TypeID::get<arith::DivFOp>()] = binaryKernel<BinOp::Div>;
  t[TypeID::get<tosa::IntDivOp>()] = binaryKernel<BinOp::IntDiv>;
  t[TypeID::get<tosa::PowOp>()] = binaryKernel<BinOp::Pow>;
  t[TypeID::get<tosa::MaximumOp>()] = binaryKernel<BinOp::Max>;
  t[TypeID::get<tosa::MinimumOp>()] = binaryKernel<BinOp::Min>;
  t[TypeID::get<tosa::EqualOp>()] = binaryKernel<BinOp::Eq>;
  t[TypeID::get<tosa::GreaterOp>()] = binaryKernel<BinOp::Gt>;
  t[TypeID::get<tosa::GreaterEqualOp>()] = binaryKernel<BinOp::Ge>;
  t[TypeID::get<tosa::LogicalAndOp>()] = binaryKernel<BinOp::And>;
  t[TypeID::get<tosa::LogicalOrOp>()] = binaryKernel<BinOp::Or>;
  t[TypeID::get<tosa::LogicalXorOp>()] = binaryKernel<BinOp::Xor>;
  t[TypeID::get<tosa::BitwiseAndOp>()] = binaryKernel<BinOp::BitAnd>;
  t[TypeID::get<tosa::BitwiseOrOp>()] = binaryKernel<BinOp::BitOr>;
  t[TypeID::get<tosa::BitwiseXorOp>()] = binaryKernel<BinOp::BitXor>;
  t[TypeID::get<tosa::SelectOp>()] = selectKernel;
}
