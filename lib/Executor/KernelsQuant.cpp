//===- KernelsQuant.cpp - Reference kernels of quantized qopt ops ------------===//
//
// The oracle for docs/Semantics.md: qopt.quantize, qopt.dequantize,
// qopt.matmul, qopt.conv2d and qopt.depthwise_conv2d over qopt.packed_weight
// storage, written directly from the specification (element by element on
// the integer path) and independent of the runtime's kernels, which are tested against it.
// The float epilogue of the integer path is evaluated without contraction
// (this file is built with -ffp-contract=off).
//
//===----------------------------------------------------------------------===//

#include "Gemm.h"
#include "Kernels.h"

#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt-runtime/packing.h"

#include <cmath>
#include <optional>
#include <vector>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::exec;

namespace {

/// The logical fields of a packed weight's bytes in `layout`, widened
/// (codes as their signed bytes; users mask them).
std::vector<int32_t> unpackWeight(const PackedWeightInfo &info,
                                  WeightLayout layout, const Tensor &bytes) {
  std::vector<int8_t> fields(static_cast<size_t>(info.n * info.k));
  unpackLogicalFields(info, layout,
                      reinterpret_cast<const uint8_t *>(bytes.bytes()),
                      fields.data());
  return std::vector<int32_t>(fields.begin(), fields.end());
}

/// The value of minifloat `code` of `type`, from its bit fields (sign,
/// exponent with bias, mantissa; subnormals at exponent 0), written from
/// the OCP 8-bit and MX formats' definitions rather than through APFloat
/// (which the compiler's tables use), so the two are independent:
/// f8E4M3FN has no infinities and NaN at S.1111.111; f8E5M2 is IEEE-like
/// (exponent 31: infinity or NaN); the 6- and 4-bit formats have neither.
float decodeMinifloat(FloatType type, uint32_t code) {
  int expBits, manBits, bias;
  bool ieee = false, nanAllOnes = false;
  if (isa<Float8E4M3FNType>(type)) {
    expBits = 4, manBits = 3, bias = 7, nanAllOnes = true;
  } else if (isa<Float8E5M2Type>(type)) {
    expBits = 5, manBits = 2, bias = 15, ieee = true;
  } else if (isa<Float6E3M2FNType>(type)) {
    expBits = 3, manBits = 2, bias = 3;
  } else if (isa<Float6E2M3FNType>(type)) {
    expBits = 2, manBits = 3, bias = 1;
  } else { // Float4E2M1FNType (the verifier admits no other)
    expBits = 2, manBits = 1, bias = 1;
  }
  uint32_t mant = code & ((1u << manBits) - 1);
  uint32_t exp = (code >> manBits) & ((1u << expBits) - 1);
  bool negative = (code >> (manBits + expBits)) & 1;
  uint32_t expMax = (1u << expBits) - 1;
  float value;
  if (ieee && exp == expMax)
    value = mant ? std::nanf("") : INFINITY;
  else if (nanAllOnes && exp == expMax && mant == (1u << manBits) - 1)
    value = std::nanf("");
  else if (exp == 0)
    value = std::ldexp(float(mant) / float(1u << manBits), 1 - bias);
  else
    value = std::ldexp(1.0f + float(mant) / float(1u << manBits),
                       int(exp) - bias);
  return negative ? -value : value;
}

int32_t zeroPointOf(const PackedWeightInfo &info, int64_t row, int64_t group) {
  return info.zeroPoints.empty()
             ? 0
             : info.zeroPoints[row * info.numGroups() + group];
}

/// Whether `op`'s result is the exact accumulator (integer-only chains):
/// int32 for integer weights, int64 for code-book weights.
bool hasAccumulatorResult(Operation *op) {
  Type element =
      cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
  return element.isInteger(32) || element.isInteger(64);
}

/// The float32 weight [N, K] of the weight-only path: s * (q - zq) for
/// integer weights, s * value(code) for code-book weights (one rounding).
std::vector<float> dequantizedWeight(const PackedWeightInfo &info,
                                     const std::vector<int32_t> &q) {
  const int64_t groups = info.numGroups();
  const int64_t groupSize = info.groupSize == 0 ? info.k : info.groupSize;
  std::vector<float> w(q.size());
  for (int64_t n = 0; n < info.n; ++n)
    for (int64_t c = 0; c < info.k; ++c) {
      int64_t g = c / groupSize;
      float s = info.scales[n * groups + g];
      int32_t field = q[n * info.k + c];
      w[n * info.k + c] =
          info.codeType
              ? s * decodeMinifloat(info.codeType,
                                    uint32_t(field) & ((1u << info.bits) - 1))
              : s * float(field - zeroPointOf(info, n, g));
    }
  return w;
}

/// The weight-only path: dequantize the weight to float32 and multiply.
void floatMatmul(const float *x, int64_t m, const PackedWeightInfo &info,
                 const std::vector<int32_t> &q, const float *bias, float *y) {
  std::vector<float> w = dequantizedWeight(info, q);
  PackedWeights packed(w.data(), info.n, info.k);
  gemm(x, info.k, packed, bias, y, info.n, m);
}

struct LayerOperands {
  PackedWeightInfo info;
  /// The logical fields (integer storage values, or codes).
  std::vector<int32_t> q;
  /// The integer path's weights, [N, K]: q - zq (integer formats) or
  /// value(code) * 2^E (code books), and their scales [N, groups]: s, or
  /// s * 2^-E (docs/Semantics.md). Filled for int8 inputs only.
  std::vector<int64_t> qi;
  std::vector<float> si;
  const float *bias = nullptr;
  /// The bias of an accumulator result (i32, or i64 for code books).
  const int32_t *biasI32 = nullptr;
  const int64_t *biasI64 = nullptr;

  int64_t accumulatorBias(int64_t n) const {
    return biasI32 ? biasI32[n] : biasI64 ? biasI64[n] : 0;
  }
};

/// The integer path's weights and scales of `l` (LayerOperands::qi, si).
LogicalResult integerWeights(Operation *op, LayerOperands &l) {
  const PackedWeightInfo &info = l.info;
  const int64_t groups = info.numGroups();
  const int64_t groupSize = info.groupSize == 0 ? info.k : info.groupSize;
  l.qi.resize(l.q.size());
  l.si.assign(info.scales.begin(), info.scales.end());
  if (!info.codeType) {
    for (int64_t n = 0; n < info.n; ++n)
      for (int64_t c = 0; c < info.k; ++c)
        l.qi[n * info.k + c] =
            l.q[n * info.k + c] - zeroPointOf(info, n, c / groupSize);
    return success();
  }
  // Code books: value(code) is exact in float32, and so is its product
  // with 2^E, an integer of at most 33 bits.
  int e = int(getMinifloatIntegerExponent(info.codeType));
  for (size_t i = 0; i < l.q.size(); ++i) {
    float v = decodeMinifloat(info.codeType,
                              uint32_t(l.q[i]) & ((1u << info.bits) - 1));
    if (!std::isfinite(v))
      return op->emitError() << "qopt executor: a " << info.codeType
                             << " weight code is NaN or infinite, which the "
                                "integer path has no integer for",
             failure();
    l.qi[i] = int64_t(std::ldexp(double(v), e));
  }
  for (int64_t i = 0; i < info.n * groups; ++i)
    l.si[i] = std::ldexp(info.scales[i], -e);
  return success();
}

FailureOr<LayerOperands> layerOperands(Operation *op, Value weight,
                                       ArrayRef<Tensor> operands) {
  LayerOperands l;
  // Code-book weights keep their scales on the packed_weight op.
  auto packed = weight.getDefiningOp<PackedWeightOp>();
  FailureOr<PackedWeightInfo> info =
      packed ? packed.getInfo()
             : getPackedWeightInfo(weight.getType(),
                                   [&]() { return op->emitError(); });
  if (failed(info))
    return failure();
  l.info = std::move(*info);
  WeightLayout layout = packed ? packed.getLayout() : WeightLayout::Logical;
  if (int64_t(operands[1].getNumBytes()) != getPackedDataBytes(l.info, layout))
    return op->emitError("qopt executor: packed weight size mismatch"),
           failure();
  l.q = unpackWeight(l.info, layout, operands[1]);
  if (!isFloat(operands[0].getDType()) && failed(integerWeights(op, l)))
    return failure();
  if (operands.size() > 2) {
    if (operands[2].getDType() == DType::I32)
      l.biasI32 = operands[2].data<int32_t>();
    else if (operands[2].getDType() == DType::I64)
      l.biasI64 = operands[2].data<int64_t>();
    else
      l.bias = operands[2].data<float>();
  }
  return l;
}

/// y[m][n] for x [M, K] (int8 with zero point zx and scale sx), the
/// integer path of qopt.matmul: per group an exact integer sum (int64 holds
/// both weight kinds' sums), then the float32 epilogue in group order.
void integerMatmul(const int8_t *x, int64_t m, float sx, int32_t zx,
                   const LayerOperands &l, float *y) {
  const PackedWeightInfo &info = l.info;
  const int64_t groups = info.numGroups();
  const int64_t groupSize = info.groupSize == 0 ? info.k : info.groupSize;
  for (int64_t r = 0; r < m; ++r)
    for (int64_t n = 0; n < info.n; ++n) {
      float acc = 0.0f;
      for (int64_t g = 0; g < groups; ++g) {
        int64_t sum = 0;
        for (int64_t c = g * groupSize; c < (g + 1) * groupSize; ++c)
          sum += (int64_t(x[r * info.k + c]) - zx) * l.qi[n * info.k + c];
        float multiplier = sx * l.si[n * groups + g];
        float term = float(sum) * multiplier;
        acc = acc + term;
      }
      if (l.bias)
        acc = acc + l.bias[n];
      y[r * info.n + n] = acc;
    }
}

/// acc[m][n] = bias[n] + sum_k (x[m][k] - zx) * qi[n][k] exactly: the
/// accumulator path of qopt.matmul (one scale per row; the verifier bounds
/// K so the sum is exact in `AccT`, int32 or int64).
template <typename AccT>
void accumulatorMatmul(const int8_t *x, int64_t m, int32_t zx,
                       const LayerOperands &l, AccT *y) {
  const PackedWeightInfo &info = l.info;
  for (int64_t r = 0; r < m; ++r)
    for (int64_t n = 0; n < info.n; ++n) {
      int64_t sum = l.accumulatorBias(n);
      for (int64_t c = 0; c < info.k; ++c)
        sum += (int64_t(x[r * info.k + c]) - zx) * l.qi[n * info.k + c];
      y[r * info.n + n] = AccT(sum);
    }
}

/// The accumulator path into `out` (int32 or int64 by its dtype).
void accumulatorMatmul(const int8_t *x, int64_t m, int32_t zx,
                       const LayerOperands &l, Tensor &out) {
  if (out.getDType() == DType::I64)
    accumulatorMatmul(x, m, zx, l, out.mutableData<int64_t>());
  else
    accumulatorMatmul(x, m, zx, l, out.mutableData<int32_t>());
}
LogicalResult quantizeKernel(Operation *op, ArrayRef<Tensor> operands,
                             SmallVectorImpl<Tensor> &results,
                             const KernelContext &) {
  auto quantize = cast<QuantizeOp>(op);
  FailureOr<ActivationQuantInfo> q = getActivationQuantInfo(
      quantize.getType().getElementType(), [&]() { return op->emitError(); });
  if (failed(q))
    return failure();
  Tensor out = allocResult(op);
  const float *x = operands[0].data<float>();
  int8_t *dst = out.mutableData<int8_t>();
  for (int64_t i = 0, e = out.getNumElements(); i < e; ++i) {
    float r = std::nearbyint(x[i] / q->scale);
    double v = std::isnan(r) ? 0.0 : double(r);
    v = std::fmin(std::fmax(v + q->zeroPoint, -128.0), 127.0);
    dst[i] = int8_t(v);
  }
  results.push_back(out);
  return success();
}

LogicalResult dequantizeKernel(Operation *op, ArrayRef<Tensor> operands,
                               SmallVectorImpl<Tensor> &results,
                               const KernelContext &) {
  auto dequantize = cast<DequantizeOp>(op);
  FailureOr<ActivationQuantInfo> q = getActivationQuantInfo(
      dequantize.getInput().getType().getElementType(),
      [&]() { return op->emitError(); });
  if (failed(q))
    return failure();
  Tensor out = allocResult(op);
  const int8_t *x = operands[0].data<int8_t>();
  float *dst = out.mutableData<float>();
  for (int64_t i = 0, e = out.getNumElements(); i < e; ++i)
    dst[i] = q->scale * float(int32_t(x[i]) - q->zeroPoint);
  results.push_back(out);
  return success();
}

LogicalResult matmulKernel(Operation *op, ArrayRef<Tensor> operands,
                           SmallVectorImpl<Tensor> &results,
                           const KernelContext &) {
  auto matmul = cast<MatmulOp>(op);
  FailureOr<LayerOperands> l = layerOperands(op, matmul.getWeight(), operands);
  if (failed(l))
    return failure();
  int64_t m = matmul.getInput().getType().getDimSize(0);
  Tensor out = allocResult(op);
  Type inputElement = matmul.getInput().getType().getElementType();
  if (inputElement.isF32()) {
    floatMatmul(operands[0].data<float>(), m, l->info, l->q, l->bias,
                out.mutableData<float>());
  } else {
    ActivationQuantInfo a =
        *getActivationQuantInfo(inputElement, [&]() { return op->emitError(); });
    if (hasAccumulatorResult(op))
      accumulatorMatmul(operands[0].data<int8_t>(), m, a.zeroPoint, *l, out);
    else
      integerMatmul(operands[0].data<int8_t>(), m, a.scale, a.zeroPoint, *l,
                    out.mutableData<float>());
  }
  results.push_back(out);
  return success();
}

/// im2col of an NHWC tensor: rows (b, oh, ow), columns (kh, kw, c); padded
/// positions hold `padValue`.
template <typename T>
std::vector<T> im2col(const T *x, ArrayRef<int64_t> inShape,
                      ArrayRef<int64_t> outShape, Conv2DOp conv, T padValue) {
  int64_t b = inShape[0], h = inShape[1], w = inShape[2], c = inShape[3];
  int64_t oh = outShape[1], ow = outShape[2];
  ArrayRef<int64_t> kernel = conv.getKernel(), pad = conv.getPad(),
                    stride = conv.getStride(), dil = conv.getDilation();
  int64_t k = kernel[0] * kernel[1] * c;
  std::vector<T> cols(static_cast<size_t>(b * oh * ow * k), padValue);
  for (int64_t n = 0; n < b; ++n)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo) {
        T *row = cols.data() + ((n * oh + y) * ow + xo) * k;
        for (int64_t ky = 0; ky < kernel[0]; ++ky) {
          int64_t iy = y * stride[0] - pad[0] + ky * dil[0];
          if (iy < 0 || iy >= h)
            continue;
          for (int64_t kx = 0; kx < kernel[1]; ++kx) {
            int64_t ix = xo * stride[1] - pad[2] + kx * dil[1];
            if (ix < 0 || ix >= w)
              continue;
            const T *src = x + ((n * h + iy) * w + ix) * c;
            std::copy(src, src + c, row + (ky * kernel[1] + kx) * c);
          }
        }
      }
  return cols;
}

LogicalResult conv2dKernel(Operation *op, ArrayRef<Tensor> operands,
                           SmallVectorImpl<Tensor> &results,
                           const KernelContext &) {
  auto conv = cast<Conv2DOp>(op);
  FailureOr<LayerOperands> l = layerOperands(op, conv.getWeight(), operands);
  if (failed(l))
    return failure();
  ArrayRef<int64_t> inShape = conv.getInput().getType().getShape();
  ArrayRef<int64_t> outShape = conv.getResult().getType().getShape();
  int64_t m = outShape[0] * outShape[1] * outShape[2];
  Tensor out = allocResult(op);
  Type inputElement = conv.getInput().getType().getElementType();
  if (inputElement.isF32()) {
    std::vector<float> cols =
        im2col(operands[0].data<float>(), inShape, outShape, conv, 0.0f);
    floatMatmul(cols.data(), m, l->info, l->q, l->bias,
                out.mutableData<float>());
  } else {
    ActivationQuantInfo a =
        *getActivationQuantInfo(inputElement, [&]() { return op->emitError(); });
    std::vector<int8_t> cols = im2col(operands[0].data<int8_t>(), inShape,
                                      outShape, conv, int8_t(a.zeroPoint));
    if (hasAccumulatorResult(op))
      accumulatorMatmul(cols.data(), m, a.zeroPoint, *l, out);
    else
      integerMatmul(cols.data(), m, a.scale, a.zeroPoint, *l,
                    out.mutableData<float>());
  }
  results.push_back(out);
  return success();
}

/// qopt.depthwise_conv2d, written from its definition: output channel
/// o = c * M + m reads input channel c; taps in (kh, kw) order, which is
/// the order of the weight row. Out-of-bounds taps are skipped: on the
/// integer path they would hold zx and contribute 0, on the weight-only
/// path they would add 0.0 * w (skipping them is what the float
/// depthwise convolution of KernelsNN.cpp does too).
LogicalResult depthwiseConv2dKernel(Operation *op, ArrayRef<Tensor> operands,
                                    SmallVectorImpl<Tensor> &results,
                                    const KernelContext &) {
  auto conv = cast<DepthwiseConv2DOp>(op);
  FailureOr<LayerOperands> l = layerOperands(op, conv.getWeight(), operands);
  if (failed(l))
    return failure();
  const PackedWeightInfo &info = l->info;
  ArrayRef<int64_t> in = conv.getInput().getType().getShape();
  ArrayRef<int64_t> outShape = conv.getResult().getType().getShape();
  int64_t batch = in[0], h = in[1], w = in[2], c = in[3];
  int64_t oh = outShape[1], ow = outShape[2], oc = outShape[3];
  int64_t mult = oc / c;
  ArrayRef<int64_t> kernel = conv.getKernel(), pad = conv.getPad(),
                    stride = conv.getStride(), dil = conv.getDilation();
  const int64_t groups = info.numGroups();
  const int64_t groupSize = info.groupSize == 0 ? info.k : info.groupSize;
  Tensor out = allocResult(op);
  bool accumulator = hasAccumulatorResult(op);
  bool wide = out.getDType() == DType::I64;
  float *y = accumulator ? nullptr : out.mutableData<float>();
  Type inputElement = conv.getInput().getType().getElementType();
  bool integer = !inputElement.isF32();
  ActivationQuantInfo a{1.0f, 0};
  if (integer)
    a = *getActivationQuantInfo(inputElement,
                                [&]() { return op->emitError(); });
  // The dequantized weight of the weight-only path, [oc, k].
  std::vector<float> wf;
  if (!integer)
    wf = dequantizedWeight(info, l->q);
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t yo = 0; yo < oh; ++yo)
      for (int64_t xo = 0; xo < ow; ++xo)
        for (int64_t o = 0; o < oc; ++o) {
          int64_t ch = o / mult;
          // The input element of tap t, or nullopt when it is padding.
          auto inputAt = [&](int64_t t) -> std::optional<int64_t> {
            int64_t iy = yo * stride[0] - pad[0] + (t / kernel[1]) * dil[0];
            int64_t ix = xo * stride[1] - pad[2] + (t % kernel[1]) * dil[1];
            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
              return std::nullopt;
            return ((b * h + iy) * w + ix) * c + ch;
          };
          float acc = 0.0f;
          int64_t index = ((b * oh + yo) * ow + xo) * oc + o;
          if (accumulator) {
            // One group (the verifier): bias + the exact integer sum.
            const int8_t *x = operands[0].data<int8_t>();
            int64_t sum = l->accumulatorBias(o);
            for (int64_t t = 0; t < info.k; ++t)
              if (std::optional<int64_t> i = inputAt(t))
                sum += (int64_t(x[*i]) - a.zeroPoint) * l->qi[o * info.k + t];
            if (wide)
              out.mutableData<int64_t>()[index] = sum;
            else
              out.mutableData<int32_t>()[index] = int32_t(sum);
            continue;
          }
          if (integer) {
            const int8_t *x = operands[0].data<int8_t>();
            for (int64_t g = 0; g < groups; ++g) {
              int64_t sum = 0;
              for (int64_t t = g * groupSize; t < (g + 1) * groupSize; ++t)
                if (std::optional<int64_t> i = inputAt(t))
                  sum += (int64_t(x[*i]) - a.zeroPoint) *
                         l->qi[o * info.k + t];
              float multiplier = a.scale * l->si[o * groups + g];
              float term = float(sum) * multiplier;
              acc = acc + term;
            }
          } else {
            const float *x = operands[0].data<float>();
            for (int64_t t = 0; t < info.k; ++t)
              if (std::optional<int64_t> i = inputAt(t)) {
                float product = x[*i] * wf[o * info.k + t];
                acc = acc + product;
              }
          }
          if (l->bias)
            acc = acc + l->bias[o];
          y[((b * oh + yo) * ow + xo) * oc + o] = acc;
        }
  results.push_back(out);
  return success();
}

/// qopt.requantize, element by element from its definition
/// (requantizeValue, docs/Semantics.md).
LogicalResult requantizeKernel(Operation *op, ArrayRef<Tensor> operands,
                               SmallVectorImpl<Tensor> &results,
                               const KernelContext &) {
  auto requantize = cast<RequantizeOp>(op);
  FailureOr<ActivationQuantInfo> q =
      getActivationQuantInfo(requantize.getType().getElementType(),
                             [&]() { return op->emitError(); });
  if (failed(q))
    return failure();
  ArrayRef<int32_t> multiplier = requantize.getMultiplier(),
                    shift = requantize.getShift();
  int64_t channels = int64_t(multiplier.size());
  Tensor out = allocResult(op);
  bool wide = operands[0].getDType() == DType::I64;
  const int32_t *acc = wide ? nullptr : operands[0].data<int32_t>();
  const int64_t *acc64 = wide ? operands[0].data<int64_t>() : nullptr;
  int8_t *dst = out.mutableData<int8_t>();
  // A fused residual add: the term (r - zr) * Mr[c].
  const int8_t *residual = nullptr;
  int32_t residualZero = 0;
  ArrayRef<int64_t> residualMultiplier;
  if (Value r = requantize.getResidual()) {
    FailureOr<ActivationQuantInfo> rq = getActivationQuantInfo(
        cast<RankedTensorType>(r.getType()).getElementType(),
        [&]() { return op->emitError(); });
    if (failed(rq))
      return failure();
    residual = operands[1].data<int8_t>();
    residualZero = rq->zeroPoint;
    residualMultiplier = *requantize.getResidualMultiplier();
  }
  for (int64_t i = 0, e = out.getNumElements(); i < e; ++i) {
    int64_t c = i % channels;
    int64_t term =
        residual ? (int64_t(residual[i]) - residualZero) * residualMultiplier[c]
                 : 0;
    dst[i] = requantizeValue(wide ? acc64[i] : int64_t(acc[i]), multiplier[c],
                             shift[c], q->zeroPoint,
                             int32_t(requantize.getMin()),
                             int32_t(requantize.getMax()), term);
  }
  results.push_back(out);
  return success();
}

} // namespace

void exec::registerQuantKernels(KernelTable &t) {
  t[TypeID::get<RequantizeOp>()] = requantizeKernel;
  t[TypeID::get<QuantizeOp>()] = quantizeKernel;
  t[TypeID::get<DequantizeOp>()] = dequantizeKernel;
  t[TypeID::get<MatmulOp>()] = matmulKernel;
  t[TypeID::get<Conv2DOp>()] = conv2dKernel;
  t[TypeID::get<DepthwiseConv2DOp>()] = depthwiseConv2dKernel;
}
