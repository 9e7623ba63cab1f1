//===- Calibration.cpp - Activation ranges and layer input moments ---------===//
//
// Implements the calibration statistics and range methods and the
// calibration plan (the runner: Transforms/CalibrationRunner.cpp).
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/Calibration.h"
#include "qopt/Analysis/Patches.h"
#include "qopt/Analysis/QuantizableLayers.h"
#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h"
#include "qopt/Support/Datasets.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/ScopeExit.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qopt;

void Histogram::add(double v) {
  if (counts.empty() || std::isnan(v))
    return;
  double width = hi - lo;
  int64_t bin = width > 0 ? int64_t((v - lo) / width * double(counts.size()))
                          : 0;
  bin = std::clamp<int64_t>(bin, 0, int64_t(counts.size()) - 1);
  ++counts[bin];
}

uint64_t Histogram::total() const {
  uint64_t t = 0;
  for (uint64_t c : counts)
    t += c;
  return t;
}

std::pair<double, double> mlir::qopt::percentileRange(const Histogram &hist,
                                                      double percentile) {
  uint64_t total = hist.total();
  if (!total)
    return {hist.lo, hist.hi};
  double tail = (100.0 - percentile) / 100.0 * double(total);
  // Lower bound: first bin edge where the cumulative count passes the tail.
  double lo = hist.lo, hi = hist.hi;
  uint64_t acc = 0;
  for (size_t b = 0; b < hist.counts.size(); ++b) {
    acc += hist.counts[b];
    if (double(acc) > tail) {
      lo = hist.lo + double(b) * hist.binWidth();
      break;
    }
  }
  acc = 0;
  for (size_t b = hist.counts.size(); b-- > 0;) {
    acc += hist.counts[b];
    if (double(acc) > tail) {
      hi = hist.lo + double(b + 1) * hist.binWidth();
      break;
    }
  }
  return {lo, std::max(lo, hi)};
}

double mlir::qopt::mseThreshold(const Histogram &absHist, unsigned bits) {
  size_t bins = absHist.counts.size();
  if (!absHist.total() || absHist.hi <= 0)
    return absHist.hi;
  double levels = double((int64_t(1) << (bits - 1)) - 1);
  double width = absHist.binWidth();
  double bestErr = std::numeric_limits<double>::infinity(), best = absHist.hi;
  // Candidate thresholds at bin edges; the error of a bin is that of its
  // center.
  size_t step = std::max<size_t>(1, bins / 512);
  for (size_t t = step; t <= bins; t += step) {
    double threshold = double(t) * width, scale = threshold / levels;
    double err = 0;
    for (size_t b = 0; b < bins; ++b) {
      if (!absHist.counts[b])
        continue;
      double c = (double(b) + 0.5) * width;
      double q = std::min(std::nearbyint(c / scale), levels) * scale;
      err += double(absHist.counts[b]) * (c - q) * (c - q);
    }
    if (err < bestErr) {
      bestErr = err;
      best = threshold;
    }
  }
  return best;
}

double mlir::qopt::entropyThreshold(const Histogram &absHist, unsigned bits) {
  size_t bins = absHist.counts.size();
  size_t levels = size_t(1) << (bits - 1);
  if (!absHist.total() || bins < levels)
    return absHist.hi;
  double bestKl = std::numeric_limits<double>::infinity();
  size_t bestI = bins;
  std::vector<double> p, q;
  for (size_t i = levels; i <= bins; ++i) {
    // P: the first i bins, everything beyond folded into the last.
    p.assign(absHist.counts.begin(), absHist.counts.begin() + i);
    for (size_t b = i; b < bins; ++b)
      p[i - 1] += double(absHist.counts[b]);
    // Q: P merged into `levels` chunks, each spread back over the chunk's
    // non-empty bins.
    q.assign(i, 0.0);
    double chunk = double(i) / double(levels);
    for (size_t l = 0; l < levels; ++l) {
      size_t start = size_t(double(l) * chunk);
      size_t end = l + 1 == levels ? i : size_t(double(l + 1) * chunk);
      double sum = 0;
      size_t nonEmpty = 0;
      for (size_t b = start; b < end; ++b) {
        sum += double(absHist.counts[b]);
        nonEmpty += absHist.counts[b] != 0;
      }
      for (size_t b = start; b < end; ++b)
        if (absHist.counts[b])
          q[b] = sum / double(nonEmpty);
    }
    double pSum = 0, qSum = 0;
    for (size_t b = 0; b < i; ++b) {
      pSum += p[b];
      qSum += q[b];
    }
    double kl = 0;
    for (size_t b = 0; b < i; ++b) {
      if (p[b] == 0)
        continue;
      double pb = p[b] / pSum;
      double qb = q[b] > 0 ? q[b] / qSum : 1e-12;
      kl += pb * std::log(pb / qb);
    }
    if (kl < bestKl) {
      bestKl = kl;
      bestI = i;
    }
  }
  return (double(bestI) + 0.5) * absHist.binWidth();
}

int64_t ActivationStats::channelsOf(const Tensor &t) const {
  return axis < 0 ? 1 : t.getShape()[axis];
}

/// Calls fn(channel, value) for every element of `t` (channel along `axis`,
/// or 0 per tensor).
template <typename Fn>
static void forEachValue(const Tensor &t, int64_t axis, Fn &&fn) {
  int64_t n = t.getNumElements();
  int64_t inner = 1, channels = axis < 0 ? 1 : t.getShape()[axis];
  if (axis >= 0)
    for (int64_t d = axis + 1; d < t.getRank(); ++d)
      inner *= t.getShape()[d];
  bool f32 = t.getDType() == DType::F32;
  for (int64_t i = 0; i < n; ++i) {
    int64_t c = axis < 0 ? 0 : (i / inner) % channels;
    fn(c, f32 ? double(t.data<float>()[i]) : t.getDouble(i));
  }
}

void ActivationStats::observeRange(const Tensor &t) {
  int64_t channels = channelsOf(t);
  if (min.empty()) {
    min.assign(channels, std::numeric_limits<float>::infinity());
    max.assign(channels, -std::numeric_limits<float>::infinity());
  }
  forEachValue(t, axis, [&](int64_t c, double v) {
    if (std::isnan(v))
      return;
    min[c] = std::min(min[c], float(v));
    max[c] = std::max(max[c], float(v));
  });
  ++samples;
}

void ActivationStats::observeHistogram(const Tensor &t, unsigned bins) {
  if (hist.empty()) {
    for (size_t c = 0; c < min.size(); ++c) {
      hist.emplace_back(min[c], max[c], bins);
      absHist.emplace_back(0.0, std::max(std::fabs(min[c]), std::fabs(max[c])),
                           bins);
    }
  }
  forEachValue(t, axis, [&](int64_t c, double v) {
    hist[c].add(v);
    absHist[c].add(std::fabs(v));
  });
}

std::pair<std::vector<float>, std::vector<float>>
ActivationStats::range(CalibrationMethod method, double percentile,
                       unsigned bits) const {
  std::vector<float> lo(min), hi(max);
  if (method == CalibrationMethod::MinMax || hist.empty())
    return {lo, hi};
  for (size_t c = 0; c < min.size(); ++c) {
    if (method == CalibrationMethod::Percentile) {
      auto [l, h] = percentileRange(hist[c], percentile);
      lo[c] = float(l);
      hi[c] = float(h);
      continue;
    }
    double t = method == CalibrationMethod::MSE
                   ? mseThreshold(absHist[c], bits)
                   : entropyThreshold(absHist[c], bits);
    // A symmetric range, never wider than what was observed.
    lo[c] = std::max(min[c], float(-t));
    hi[c] = std::min(max[c], float(t));
  }
  return {lo, hi};
}

SecondMoments::SecondMoments(int64_t dim, bool full)
    : dim(dim), full(full), diag(dim, 0.0), first(dim, 0.0) {
  if (full)
    sum.assign(dim * dim, 0.0);
}

void SecondMoments::add(const float *rows, int64_t n) {
  for (int64_t r = 0; r < n; ++r) {
    const float *x = rows + r * dim;
    for (int64_t i = 0; i < dim; ++i) {
      diag[i] += double(x[i]) * x[i];
      first[i] += double(x[i]);
    }
    if (full)
      for (int64_t i = 0; i < dim; ++i) {
        double xi = x[i];
        if (xi == 0)
          continue;
        double *row = sum.data() + i * dim;
        for (int64_t j = 0; j < dim; ++j)
          row[j] += xi * x[j];
      }
  }
  count += n;
}

std::vector<float> SecondMoments::diagonal() const {
  std::vector<float> out(dim);
  for (int64_t i = 0; i < dim; ++i)
    out[i] = count ? float(diag[i] / double(count)) : 0.0f;
  return out;
}

std::vector<float> SecondMoments::mean() const {
  std::vector<float> out(dim);
  for (int64_t i = 0; i < dim; ++i)
    out[i] = count ? float(first[i] / double(count)) : 0.0f;
  return out;
}

std::vector<float> SecondMoments::matrix() const {
  std::vector<float> out(sum.size());
  for (size_t i = 0; i < sum.size(); ++i)
    out[i] = count ? float(sum[i] / double(count)) : 0.0f;
  return out;
}

//===----------------------------------------------------------------------===//
// CalibrationPlan
//===----------------------------------------------------------------------===//

CalibrationPlan CalibrationPlan::build(func::FuncOp func,
                                       const CalibrationOptions &options) {
  CalibrationPlan plan;
  plan.func = func;
  plan.options = options;
  plan.axis = options.perChannel ? 1 : -1;
  plan.momentGroups.emplace_back();
  // The executor runs single-block functions only; anything else observes
  // nothing (and fails when the runner is created).
  if (func.getBody().getBlocks().size() != 1)
    return plan;

  // Float values (of rank > 1 per channel), arguments then ops; constants
  // are not activations.
  Block &body = func.getBody().front();
  auto wants = [&](Type type) {
    auto ranked = dyn_cast<RankedTensorType>(type);
    return ranked && isa<FloatType>(ranked.getElementType()) &&
           (plan.axis < 0 || ranked.getRank() > 1);
  };
  for (BlockArgument arg : body.getArguments()) {
    if (!wants(arg.getType()))
      continue;
    ObservedValue v;
    v.value = arg;
    v.argNumber = arg.getArgNumber();
    auto name =
        func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "qopt.name");
    v.name = name ? name.str() : "arg" + std::to_string(arg.getArgNumber());
    plan.values.push_back(std::move(v));
  }
  for (Operation &op : body) {
    if (!op.getNumResults() || !wants(op.getResult(0).getType()) ||
        op.hasTrait<OpTrait::ConstantLike>())
      continue;
    ObservedValue v;
    v.value = op.getResult(0);
    v.op = &op;
    v.name = getLocationName(op.getLoc());
    if (v.name.empty())
      v.name = op.getName().getStringRef().str();
    plan.values.push_back(std::move(v));
  }

  // Layers with a constant weight whose input can be cut into patches.
  if (options.secondMoments != SecondMomentsMode::None) {
    QuantizableLayerAnalysis layers(func);
    for (const LayerInfo &layer : layers.getLayers()) {
      std::optional<PatchGeometry> geometry =
          QuantizableOpInterface(layer.op).getPatchGeometry();
      if (!layer.constantWeight || !geometry)
        continue;
      ProbedLayer p;
      p.op = layer.op;
      p.name = layer.name;
      p.geometry = *geometry;
      p.diagShape.assign(geometry->patchShape.begin(),
                         geometry->patchShape.end());
      p.dim = geometry->patchSize();
      // Full matrices but for depthwise layers (only their diagonal means
      // anything).
      p.full = options.secondMoments == SecondMomentsMode::Full &&
               !geometry->depthwise;
      plan.layers.push_back(std::move(p));
    }
  }

  // Groups of layers whose full matrices fit the memory budget.
  int64_t budget = options.maxMemoryMB << 20, used = 0;
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    const ProbedLayer &p = plan.layers[i];
    int64_t bytes = p.full ? p.dim * p.dim * 8 : 0;
    if (bytes && used && used + bytes > budget) {
      plan.momentGroups.emplace_back();
      used = 0;
    }
    used += bytes;
    plan.momentGroups.back().push_back(i);
  }
  return plan;
}

int64_t CalibrationPlan::getNumPasses() const {
  return 1 + (options.method != CalibrationMethod::MinMax) +
         int64_t(momentGroups.size()) - 1;
}
