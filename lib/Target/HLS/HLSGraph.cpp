//===- HLSGraph.cpp - From integer-only IR to HLS stages ------------------===//
//
// Walks the function once, in order. Float values before the input
// quantize are host-side views of the argument (transposes and reshapes);
// int8 code values are views of a stage's output buffer with an index map
// (transposes and reshapes compose, nothing is copied); each layer +
// qopt.requantize becomes one stage; the last layer, whose float epilogue
// reaches the return through reshapes and bias adds, writes accumulators
// that the host dequantizes. Anything else is collected and reported in
// one error.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/HLS/HLSGraph.h"
#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Executor/Executor.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <optional>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::hls;

int64_t Buffer::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t Stage::macs() const {
  switch (kind) {
  case StageKind::Dense:
    return params();
  case StageKind::Conv2D:
  case StageKind::Depthwise:
    return params() * outH * outW;
  default:
    return 0;
  }
}

unsigned hls::signedBits(int64_t lo, int64_t hi) {
  unsigned w = 2;
  while (w < 63 && (lo < -(int64_t(1) << (w - 1)) ||
                    hi > (int64_t(1) << (w - 1)) - 1))
    ++w;
  return w;
}

namespace {

int64_t product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// A view of a flat tensor: element i of the view is element index[i] of
/// its source (identity when index is empty).
struct View {
  int source = -1; // buffer index (codes) or -1 (the function argument)
  SmallVector<int64_t> shape;
  std::vector<int64_t> index;
};

View transposeView(const View &in, ArrayRef<int32_t> perms) {
  View out;
  out.source = in.source;
  const int64_t rank = in.shape.size();
  for (int32_t p : perms)
    out.shape.push_back(in.shape[p]);
  const int64_t n = product(in.shape);
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * in.shape[i + 1];
  out.index.resize(n);
  SmallVector<int64_t> coord(rank, 0);
  bool identity = true;
  for (int64_t o = 0; o < n; ++o) {
    int64_t flat = 0;
    for (int64_t i = 0; i < rank; ++i)
      flat += coord[i] * inStrides[perms[i]];
    int64_t src = in.index.empty() ? flat : in.index[flat];
    out.index[o] = src;
    identity &= src == o;
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++coord[i] < out.shape[i])
        break;
      coord[i] = 0;
    }
  }
  if (identity)
    out.index.clear();
  return out;
}

/// The window [begin, begin + size) of `in`.
View sliceView(const View &in, ArrayRef<int64_t> begin,
               ArrayRef<int64_t> size) {
  View out;
  out.source = in.source;
  out.shape.assign(size.begin(), size.end());
  const int64_t rank = in.shape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * in.shape[i + 1];
  const int64_t n = product(size);
  out.index.resize(n);
  SmallVector<int64_t> coord(rank, 0);
  bool identity = product(size) == product(in.shape);
  for (int64_t o = 0; o < n; ++o) {
    int64_t flat = 0;
    for (int64_t i = 0; i < rank; ++i)
      flat += (coord[i] + begin[i]) * inStrides[i];
    int64_t src = in.index.empty() ? flat : in.index[flat];
    out.index[o] = src;
    identity &= src == o;
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++coord[i] < size[i])
        break;
      coord[i] = 0;
    }
  }
  if (identity)
    out.index.clear();
  return out;
}

/// Bits of a weight format from its storage range.
unsigned storageBits(Type weightType) {
  Type element = cast<ShapedType>(weightType).getElementType();
  auto q = dyn_cast<quant::QuantizedType>(element);
  if (!q)
    return 8;
  int64_t range = q.getStorageTypeMax() - q.getStorageTypeMin() + 1;
  return llvm::Log2_64_Ceil(uint64_t(range));
}

/// The code books the HLS target decodes: every value * 2^E fits int32
/// (f8E5M2's need 33 bits).
bool isHLSCodeBook(FloatType type) { return !isa<Float8E5M2Type>(type); }

/// value(code) * 2^E for every code of `type` (APFloat, as the CPU
/// target's tables); kNaNCode for NaN codes.
constexpr int32_t kNaNCode = INT32_MIN;
std::vector<int32_t> codeBookTable(FloatType type) {
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  unsigned width = llvm::APFloat::semanticsSizeInBits(sem);
  int e = int(getMinifloatIntegerExponent(type));
  std::vector<int32_t> table;
  for (uint32_t code = 0; code < (1u << width); ++code) {
    llvm::APFloat value(sem, llvm::APInt(width, code));
    if (!value.isFinite()) {
      // f8E4M3FN's two NaN codes: never written by the quantizer; an op
      // whose weights use one is refused, and the emitted table holds 0.
      table.push_back(kNaNCode);
      continue;
    }
    bool lost;
    value.convert(llvm::APFloat::IEEEdouble(),
                  llvm::APFloat::rmNearestTiesToEven, &lost);
    table.push_back(int32_t(std::ldexp(value.convertToDouble(), e)));
  }
  return table;
}

class GraphBuilder {
public:
  explicit GraphBuilder(func::FuncOp func) : func(func) {}

  FailureOr<Graph> build();

private:
  void unsupported(Operation *op, const Twine &why) {
    // What depends on an unsupported op is not reported again.
    for (Value r : op->getResults())
      poisoned.insert(r);
    std::string name = getLocationName(op->getLoc());
    std::string entry = "'" + op->getName().getStringRef().str() + "'";
    if (!name.empty())
      entry += " (node '" + name + "')";
    entry += ": " + why.str();
    problems.push_back(entry);
  }

  int addBuffer(ArrayRef<int64_t> shape, int32_t lo, int32_t hi) {
    Buffer b;
    b.shape.assign(shape.begin(), shape.end());
    b.lo = lo;
    b.hi = hi;
    b.pack = shape.empty() ? 1 : shape.back();
    graph.buffers.push_back(b);
    return graph.buffers.size() - 1;
  }

  /// A buffer holding `view` in its own order with `pack`-wide pixels:
  /// the source itself, or a gather / repack stage's output.
  int materialize(const View &view, Operation *consumer) {
    const Buffer &src = graph.buffers[view.source];
    int64_t pack = view.shape.empty() ? 1 : view.shape.back();
    bool identity = true;
    for (size_t i = 0; i < view.index.size() && identity; ++i)
      identity = view.index[i] == int64_t(i);
    if (identity && int64_t(view.index.size()) == src.numElements()) {
      View plain = view;
      plain.index.clear();
      if (src.pack == pack)
        return view.source;
      return materialize(plain, consumer);
    }
    if (view.index.empty() && src.pack == pack)
      return view.source;
    Stage s;
    s.kind = view.index.empty() ? StageKind::Repack : StageKind::Gather;
    s.name = getLocationName(consumer->getLoc());
    s.input = view.source;
    s.index = view.index;
    int32_t lo = src.lo, hi = src.hi;
    s.output = addBuffer(view.shape, lo, hi);
    graph.stages.push_back(std::move(s));
    return graph.stages.back().output;
  }

  /// Gives every buffer one reader: a buffer that k > 1 stages read (a
  /// residual shortcut: the branch's first layer and the fused add) gets
  /// k - 1 clone stages right before its first reader.
  void insertClones() {
    for (int b = 0; b < int(graph.buffers.size()); ++b) {
      SmallVector<std::pair<size_t, int *>> readers;
      for (size_t i = 0; i < graph.stages.size(); ++i) {
        Stage &s = graph.stages[i];
        if (s.input == b)
          readers.push_back({i, &s.input});
        if (s.residual == b)
          readers.push_back({i, &s.residual});
      }
      if (readers.size() < 2)
        continue;
      // Retarget readers 0 .. k-2 to clone copies; the last keeps reading
      // the last clone's second copy.
      size_t at = readers.front().first;
      std::vector<Stage> clones;
      int source = b;
      for (size_t r = 0; r + 1 < readers.size(); ++r) {
        Stage c;
        c.kind = StageKind::Clone;
        c.name = graph.stages[readers[r].first].name;
        c.input = source;
        Buffer copy = graph.buffers[b];
        graph.buffers.push_back(copy);
        c.output = graph.buffers.size() - 1;
        graph.buffers.push_back(copy);
        c.output2 = graph.buffers.size() - 1;
        *readers[r].second = c.output;
        source = c.output2;
        clones.push_back(std::move(c));
      }
      *readers.back().second = source;
      graph.stages.insert(graph.stages.begin() + at, clones.begin(),
                          clones.end());
    }
  }

  LogicalResult addLayer(Operation *op);
  LogicalResult addPool(tosa::MaxPool2dOp op);
  LogicalResult addOutputEpilogue(Operation *layer, Stage &stage,
                                  const std::vector<float> &scales);

  func::FuncOp func;
  Graph graph;
  std::vector<std::string> problems;
  llvm::DenseMap<Value, View> hostViews, codeViews;
  llvm::DenseSet<Operation *> consumed;
  llvm::DenseSet<Value> constants, poisoned;
  bool sawOutput = false;
};

LogicalResult GraphBuilder::addPool(tosa::MaxPool2dOp op) {
  const View &in = codeViews[op.getInput()];
  Stage s;
  s.kind = StageKind::MaxPool;
  s.name = getLocationName(op->getLoc());
  s.input = materialize(in, op);
  auto inType = cast<RankedTensorType>(op.getInput().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  if (inType.getRank() != 4 || inType.getDimSize(0) != 1) {
    unsupported(op, "max-pooling needs one NHWC image (batch 1)");
    return failure();
  }
  s.inH = inType.getDimSize(1);
  s.inW = inType.getDimSize(2);
  s.inC = inType.getDimSize(3);
  s.outH = outType.getDimSize(1);
  s.outW = outType.getDimSize(2);
  s.outC = s.inC;
  s.kH = op.getKernel()[0];
  s.kW = op.getKernel()[1];
  s.strideH = op.getStride()[0];
  s.strideW = op.getStride()[1];
  s.padTop = op.getPad()[0];
  s.padLeft = op.getPad()[2];
  const Buffer &src = graph.buffers[s.input];
  s.output = addBuffer(outType.getShape(), src.lo, src.hi);
  codeViews[op.getResult()] = View{s.output, SmallVector<int64_t>(
                                                  outType.getShape()),
                                   {}};
  graph.stages.push_back(std::move(s));
  return success();
}

LogicalResult GraphBuilder::addLayer(Operation *op) {
  Value input = op->getOperand(0);
  auto inType = cast<RankedTensorType>(input.getType());
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  if (!codeViews.count(input)) {
    unsupported(op, inType.getElementType().isF32()
                        ? "float activations (the HLS target needs the "
                          "integer path: calibration data and int8 inputs)"
                        : "its input is not int8 codes of the graph");
    return failure();
  }
  auto packed = op->getOperand(1).getDefiningOp<PackedWeightOp>();
  if (!packed) {
    unsupported(op, "its weight is not a constant qopt.packed_weight");
    return failure();
  }
  FailureOr<PackedWeightInfo> info = packed.getInfo();
  if (failed(info))
    return failure();
  if (info->codeType && !isHLSCodeBook(info->codeType)) {
    unsupported(op, "f8E5M2 weights need 33-bit integers; the HLS target "
                    "decodes f8E4M3FN, f6E3M2FN, f6E2M3FN and f4E2M1FN");
    return failure();
  }
  if (info->groupSize != 0) {
    unsupported(op, "its weight has groups of scales (the HLS target needs "
                    "one scale per output channel)");
    return failure();
  }
  FailureOr<SmallVector<int8_t>> fields = packed.getLogicalFields();
  if (failed(fields))
    return failure();
  Type codesType = inType.getElementType();
  FailureOr<ActivationQuantInfo> in =
      getActivationQuantInfo(codesType, [&] { return op->emitError(); });
  if (failed(in))
    return failure();

  Stage s;
  s.name = getLocationName(op->getLoc());
  s.channels = info->n;
  s.fanIn = info->k;
  s.weightBits = storageBits(packed.getType());
  s.format = FPGAWeightFormat::integer(s.weightBits);
  s.inputZero = in->zeroPoint;
  s.weights.resize(info->n * info->k);
  if (info->codeType) {
    // Code books: the integers value(code) * 2^E (docs/Semantics.md) of
    // every code, through the table the templates decode with.
    s.codeType = info->codeType;
    s.format = FPGAWeightFormat::codeBookOf(info->codeType);
    s.weightBits = s.format.bits;
    s.table = codeBookTable(info->codeType);
    s.codes.resize(s.weights.size());
    for (size_t i = 0; i < s.weights.size(); ++i) {
      uint32_t code = uint8_t((*fields)[i]) & ((1u << s.weightBits) - 1);
      if (s.table[code] == kNaNCode) {
        unsupported(op, "a weight code is NaN (no integer value)");
        return failure();
      }
      s.codes[i] = int32_t(code);
      s.weights[i] = s.table[code];
    }
    for (int32_t &v : s.table)
      if (v == kNaNCode)
        v = 0;
  } else {
    for (int64_t n = 0; n < info->n; ++n) {
      int32_t zq = info->zeroPoints.empty() ? 0 : info->zeroPoints[n];
      for (int64_t k = 0; k < info->k; ++k)
        s.weights[n * info->k + k] = int32_t((*fields)[n * info->k + k]) - zq;
    }
  }
  View view = codeViews[input];

  if (isa<MatmulOp>(op)) {
    s.kind = StageKind::Dense;
    if (inType.getRank() != 2 || inType.getDimSize(0) != 1) {
      unsupported(op, "the HLS target runs one sample (a [1, K] input)");
      return failure();
    }
    // A permuted input (a flattening transpose) becomes a permutation of
    // the weight columns: x[k] = src[index[k]].
    // (A gather first when the view is not a permutation of its source.)
    if (!view.index.empty() &&
        graph.buffers[view.source].numElements() != s.fanIn) {
      View flat = view;
      flat.source = materialize(view, op);
      flat.index.clear();
      view = flat;
    }
    s.input = view.source;
    if (!view.index.empty()) {
      auto permute = [&](std::vector<int32_t> &values) {
        if (values.empty())
          return;
        std::vector<int32_t> permuted(values.size());
        for (int64_t n = 0; n < s.channels; ++n)
          for (int64_t k = 0; k < s.fanIn; ++k)
            permuted[n * s.fanIn + view.index[k]] = values[n * s.fanIn + k];
        values = std::move(permuted);
      };
      permute(s.weights);
      permute(s.codes);
    }
  } else {
    auto window = [&](auto conv) {
      s.kH = conv.getKernel()[0];
      s.kW = conv.getKernel()[1];
      s.padTop = conv.getPad()[0];
      s.padLeft = conv.getPad()[2];
      s.strideH = conv.getStride()[0];
      s.strideW = conv.getStride()[1];
      s.dilationH = conv.getDilation()[0];
      s.dilationW = conv.getDilation()[1];
    };
    if (auto conv = dyn_cast<Conv2DOp>(op)) {
      s.kind = StageKind::Conv2D;
      window(conv);
    } else {
      auto dw = cast<DepthwiseConv2DOp>(op);
      s.kind = StageKind::Depthwise;
      window(dw);
      s.depthMultiplier = dw.getChannelMultiplier();
    }
    if (inType.getRank() != 4 || inType.getDimSize(0) != 1) {
      unsupported(op, "the HLS target runs one NHWC image (batch 1)");
      return failure();
    }
    s.inH = inType.getDimSize(1);
    s.inW = inType.getDimSize(2);
    s.inC = inType.getDimSize(3);
    s.outH = resultType.getDimSize(1);
    s.outW = resultType.getDimSize(2);
    s.outC = resultType.getDimSize(3);
    s.input = materialize(view, op);
  }

  // x - zx over the codes the input can hold, with 0 (padding, skipped taps).
  const Buffer &src = graph.buffers[s.input];
  s.xMin = std::min<int64_t>(0, src.lo - s.inputZero);
  s.xMax = std::max<int64_t>(0, src.hi - s.inputZero);

  bool accumulator = resultType.getElementType().isInteger(32) ||
                     resultType.getElementType().isInteger(64);
  s.bias.assign(s.channels, 0);
  std::vector<float> floatBias;
  if (op->getNumOperands() > 2) {
    FailureOr<Tensor> bias = exec::evaluateConstantValue(op->getOperand(2));
    if (failed(bias)) {
      unsupported(op, "its bias is not a constant");
      return failure();
    }
    if (accumulator && bias->getDType() == DType::I64)
      for (int64_t n = 0; n < s.channels; ++n)
        s.bias[n] = bias->data<int64_t>()[n];
    else if (accumulator)
      for (int64_t n = 0; n < s.channels; ++n)
        s.bias[n] = bias->data<int32_t>()[n];
    else
      floatBias.assign(bias->data<float>(),
                       bias->data<float>() + s.channels);
  }

  // Exact accumulator range: the bias plus, per product, the extreme of
  // w' * (x - zx) over the input range (every partial sum lies inside).
  s.accMin = INT64_MAX;
  s.accMax = INT64_MIN;
  for (int64_t n = 0; n < s.channels; ++n) {
    int64_t lo = s.bias[n], hi = s.bias[n];
    for (int64_t k = 0; k < s.fanIn; ++k) {
      int64_t w = s.weights[n * s.fanIn + k];
      int64_t a = w * s.xMin, b = w * s.xMax;
      lo += std::min(a, b);
      hi += std::max(a, b);
    }
    s.accMin = std::min(s.accMin, lo);
    s.accMax = std::max(s.accMax, hi);
  }

  if (accumulator) {
    // The layer's one user is the requantize of its chain.
    auto requant = op->getResult(0).hasOneUse()
                       ? dyn_cast<RequantizeOp>(*op->getResult(0).user_begin())
                       : RequantizeOp();
    if (!requant) {
      unsupported(op, "its int32 accumulators are not requantized");
      return failure();
    }
    consumed.insert(requant);
    FailureOr<ActivationQuantInfo> out = getActivationQuantInfo(
        requant.getType().getElementType(),
        [&] { return requant->emitError(); });
    if (failed(out))
      return failure();
    s.requant = true;
    if (Value residual = requant.getResidual()) {
      auto it = codeViews.find(residual);
      if (it == codeViews.end()) {
        unsupported(requant, "its residual is not int8 codes of the graph");
        return failure();
      }
      View view = it->second;
      if (view.shape != SmallVector<int64_t>(resultType.getShape())) {
        unsupported(requant, "its residual's shape differs from the layer's");
        return failure();
      }
      FailureOr<ActivationQuantInfo> r = getActivationQuantInfo(
          cast<RankedTensorType>(residual.getType()).getElementType(),
          [&] { return requant->emitError(); });
      if (failed(r))
        return failure();
      s.residual = materialize(view, op);
      s.residualZero = r->zeroPoint;
      s.residualMultiplier.assign(requant.getResidualMultiplier()->begin(),
                                  requant.getResidualMultiplier()->end());
    }
    s.multiplier.assign(requant.getMultiplier().begin(),
                        requant.getMultiplier().end());
    s.shift.assign(requant.getShift().begin(), requant.getShift().end());
    s.outputZero = out->zeroPoint;
    s.outputMin = int32_t(requant.getMin());
    s.outputMax = int32_t(requant.getMax());
    s.output = addBuffer(resultType.getShape(), s.outputMin, s.outputMax);
    codeViews[requant.getResult()] =
        View{s.output, SmallVector<int64_t>(resultType.getShape()), {}};
    graph.stages.push_back(std::move(s));
    return success();
  }

  // The output layer: accumulators out, the float epilogue on the host.
  if (sawOutput) {
    unsupported(op, "a second layer with a float epilogue (the HLS target "
                    "keeps only the output layer's in float)");
    return failure();
  }
  sawOutput = true;
  s.requant = false;
  s.output = addBuffer(resultType.getShape(), 0, 0);
  // The executor's multipliers: float32(sx * s[n]), with s * 2^-E for a
  // code book.
  int codeExponent =
      info->codeType ? int(getMinifloatIntegerExponent(info->codeType)) : 0;
  std::vector<float> scales(s.channels);
  for (int64_t n = 0; n < s.channels; ++n)
    scales[n] = in->scale * std::ldexp(info->scales[n], -codeExponent);
  graph.epilogue.bias = floatBias;
  graph.outputLayer = op;
  graph.outputBuffer = s.output;
  graph.stages.push_back(std::move(s));
  return addOutputEpilogue(op, graph.stages.back(), scales);
}

LogicalResult
GraphBuilder::addOutputEpilogue(Operation *layer, Stage &stage,
                                const std::vector<float> &scales) {
  graph.epilogue.scale = scales;
  Value v = layer->getResult(0);
  // The result as a view of the accumulators.
  View out{-1, SmallVector<int64_t>(
                   cast<RankedTensorType>(v.getType()).getShape()),
           {}};
  while (true) {
    if (!v.hasOneUse()) {
      unsupported(layer, "its result feeds several ops (a residual "
                         "connection: qopt-integer-chains keeps the layer's "
                         "float epilogue; adds of int8 codes are not lowered "
                         "yet)");
      poisoned.insert(v);
      return failure();
    }
    Operation *user = *v.user_begin();
    if (isa<func::ReturnOp>(user)) {
      graph.epilogue.shape = out.shape;
      graph.epilogue.outputIndex = out.index;
      return success();
    }
    if (auto t = dyn_cast<tosa::TransposeOp>(user)) {
      consumed.insert(user);
      out = transposeView(out, t.getPerms());
      v = t.getResult();
      continue;
    }
    if (auto reshape = dyn_cast<tosa::ReshapeOp>(user)) {
      consumed.insert(user);
      auto type = cast<RankedTensorType>(reshape.getType());
      out.shape.assign(type.getShape().begin(), type.getShape().end());
      v = reshape.getResult();
      continue;
    }
    if (auto add = dyn_cast<tosa::AddOp>(user)) {
      Value other = add.getInput1() == v ? add.getInput2() : add.getInput1();
      FailureOr<Tensor> c = exec::evaluateConstantValue(other);
      bool ok = succeeded(c) && c->getDType() == DType::F32 &&
                graph.epilogue.addBias.empty() &&
                add.getType() == v.getType() &&
                c->getRank() <= int64_t(out.shape.size());
      if (ok) {
        // Broadcast the constant over the result (trailing alignment).
        ArrayRef<int64_t> cs = c->getShape();
        const int64_t rank = out.shape.size(), off = rank - cs.size();
        for (int64_t d = 0; d < int64_t(cs.size()); ++d)
          ok &= cs[d] == 1 || cs[d] == out.shape[off + d];
        if (ok) {
          const int64_t n = product(out.shape);
          SmallVector<int64_t> coord(rank, 0);
          for (int64_t i = 0; i < n; ++i) {
            int64_t flat = 0;
            for (int64_t d = 0; d < int64_t(cs.size()); ++d)
              flat = flat * cs[d] + (cs[d] == 1 ? 0 : coord[off + d]);
            graph.epilogue.addBias.push_back(c->data<float>()[flat]);
            for (int64_t d = rank - 1; d >= 0; --d) {
              if (++coord[d] < out.shape[d])
                break;
              coord[d] = 0;
            }
          }
        }
      }
      if (!ok) {
        unsupported(user, "a float op after the output layer other than a "
                          "constant (bias) add");
        return failure();
      }
      consumed.insert(user);
      v = add.getResult();
      continue;
    }
    // Name the op that made the layer keep its float epilogue: the first
    // one past the data movement (a residual add, a float activation).
    consumed.insert(user);
    Operation *cause = user;
    auto fusable = [](Operation *op) {
      return isa<tosa::TransposeOp, tosa::ReshapeOp, tosa::ClampOp,
                 tosa::MaxPool2dOp>(op);
    };
    while (fusable(cause) && cause->getResult(0).hasOneUse())
      cause = *cause->getResult(0).user_begin();
    if (fusable(cause))
      unsupported(layer, "its result feeds several ops (a residual "
                         "connection: qopt-integer-chains keeps the layer's "
                         "float epilogue; adds of int8 codes are not lowered "
                         "yet)");
    else if (isa<tosa::AddOp, tosa::SubOp>(cause) &&
        llvm::none_of(cause->getOperands(), [](Value v) {
          return succeeded(exec::evaluateConstantValue(v));
        }))
      unsupported(cause, "a residual add (the layers feeding it keep their "
                         "float epilogue in qopt-integer-chains; adds of int8 "
                         "codes are not lowered yet)");
    else
      unsupported(cause, "a float op between integer layers (only ReLU and "
                         "clip fuse into the requantization; only the output "
                         "layer keeps a float epilogue)");
    poisoned.insert(user->getResult(0));
    return failure();
  }
}

FailureOr<Graph> GraphBuilder::build() {
  if (func.getNumArguments() != 1 || func.getNumResults() != 1) {
    func.emitError() << "the HLS target compiles a function with one input "
                        "and one output, '"
                     << func.getSymName() << "' has "
                     << func.getNumArguments() << " and "
                     << func.getNumResults();
    return failure();
  }
  auto argType = dyn_cast<RankedTensorType>(func.getArgument(0).getType());
  if (!argType || !argType.hasStaticShape() ||
      !argType.getElementType().isF32()) {
    func.emitError() << "the HLS target needs a static float32 input";
    return failure();
  }
  graph.argShape.assign(argType.getShape().begin(), argType.getShape().end());
  hostViews[func.getArgument(0)] =
      View{-1, SmallVector<int64_t>(argType.getShape()), {}};

  for (Operation &op : func.getBody().front()) {
    if (consumed.count(&op))
      continue;
    // Constants, and ops on constants only (a reshaped bias).
    if (isa<tosa::ConstOp, tosa::ConstShapeOp, PackedWeightOp>(op) ||
        (op.getNumOperands() &&
         llvm::all_of(op.getOperands(),
                      [&](Value v) { return constants.count(v); }))) {
      for (Value r : op.getResults())
        constants.insert(r);
      continue;
    }
    if (llvm::any_of(op.getOperands(),
                     [&](Value v) { return poisoned.count(v); })) {
      for (Value r : op.getResults())
        poisoned.insert(r);
      continue;
    }
    if (isa<func::ReturnOp>(op)) {
      if (!sawOutput)
        unsupported(&op, "the output is not a quantized layer's result (the "
                         "HLS target ends in a layer on the integer path)");
      continue;
    }
    Value in = op.getNumOperands() ? op.getOperand(0) : Value();
    bool onHost = in && hostViews.count(in);
    bool onCodes = in && codeViews.count(in);
    if (auto quantize = dyn_cast<QuantizeOp>(op)) {
      if (!onHost || graph.inputQuantize) {
        unsupported(&op, "a quantize inside the graph (a float op between "
                         "layers that qopt-integer-chains could not remove)");
        continue;
      }
      const View &v = hostViews[in];
      FailureOr<ActivationQuantInfo> q = getActivationQuantInfo(
          quantize.getType().getElementType(),
          [&] { return quantize.emitError(); });
      if (failed(q))
        return failure();
      graph.inputScale = q->scale;
      graph.inputZero = q->zeroPoint;
      int64_t n = product(v.shape);
      graph.inputIndex.resize(n);
      for (int64_t i = 0; i < n; ++i)
        graph.inputIndex[i] = v.index.empty() ? i : v.index[i];
      graph.inputQuantize = &op;
      int b = addBuffer(v.shape, -128, 127);
      codeViews[quantize.getResult()] = View{b, v.shape, {}};
      continue;
    }
    if ((onHost || onCodes) &&
        isa<tosa::TransposeOp, tosa::ReshapeOp, tosa::SliceOp>(op)) {
      const View &v = onHost ? hostViews[in] : codeViews[in];
      View out;
      if (auto t = dyn_cast<tosa::TransposeOp>(op)) {
        out = transposeView(v, t.getPerms());
      } else if (auto slice = dyn_cast<tosa::SliceOp>(op)) {
        FailureOr<Tensor> start = exec::evaluateConstantValue(slice.getStart());
        if (failed(start)) {
          unsupported(&op, "a slice with a dynamic start");
          continue;
        }
        SmallVector<int64_t> begin;
        for (int64_t i = 0; i < start->getNumElements(); ++i)
          begin.push_back(start->getDType() == DType::I64
                              ? start->data<int64_t>()[i]
                              : start->data<int32_t>()[i]);
        auto type = cast<RankedTensorType>(slice.getType());
        out = sliceView(v, begin, type.getShape());
      } else {
        out = v;
        auto type = cast<RankedTensorType>(op.getResult(0).getType());
        out.shape.assign(type.getShape().begin(), type.getShape().end());
      }
      (onHost ? hostViews : codeViews)[op.getResult(0)] = out;
      continue;
    }
    if (onCodes && isa<tosa::MaxPool2dOp>(op)) {
      (void)addPool(cast<tosa::MaxPool2dOp>(op));
      continue;
    }
    if (isa<MatmulOp, Conv2DOp, DepthwiseConv2DOp>(op)) {
      (void)addLayer(&op);
      continue;
    }
    if (isa<RequantizeOp>(op)) {
      unsupported(&op, "a requantize that does not follow a layer");
      continue;
    }
    unsupported(&op, onHost ? "a float op before the input quantization "
                              "(only transposes and reshapes run on the host)"
                            : "not lowered by the HLS target");
  }
  if (problems.empty())
    insertClones();
  if (!graph.inputQuantize && problems.empty())
    problems.push_back("the input is never quantized (the HLS target needs "
                       "int8 activations: calibration data)");
  if (!problems.empty()) {
    InFlightDiagnostic diag = func.emitError()
                              << "the HLS target cannot lower "
                              << problems.size() << " op"
                              << (problems.size() == 1 ? "" : "s") << " of '"
                              << func.getSymName() << "': ";
    for (size_t i = 0; i < problems.size(); ++i)
      diag << (i ? "; " : "") << problems[i];
    return failure();
  }
  return std::move(graph);
}

} // namespace

FailureOr<Graph> hls::buildGraph(func::FuncOp func) {
  return GraphBuilder(func).build();
}
