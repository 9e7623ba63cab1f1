//===- CostModel.cpp - Per-target cost of a layer in a format --------------===//

#include "qopt/Analysis/CostModel.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::qopt;

CostModel::~CostModel() = default;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::unique_ptr<LatencyTableCostModel>>
LatencyTableCostModel::load(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return error("cannot read latency table '" + path +
                 "': " + buffer.getError().message());
  return parse((*buffer)->getBuffer(), path);
}

llvm::Expected<std::unique_ptr<LatencyTableCostModel>>
LatencyTableCostModel::parse(llvm::StringRef json, llvm::StringRef origin) {
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(json);
  if (!value)
    return error("latency table '" + origin +
                 "': " + llvm::toString(value.takeError()));
  const llvm::json::Object *root = value->getAsObject();
  if (!root)
    return error("latency table '" + origin + "': expected a JSON object");
  auto model = std::unique_ptr<LatencyTableCostModel>(new LatencyTableCostModel);
  model->origin = origin.str();
  model->target = root->getString("target").value_or("unknown").str();
  model->unit = root->getString("unit").value_or("us").str();
  auto bad = [&](const llvm::Twine &what) {
    return error("latency table '" + origin + "': " + what);
  };
  auto nonNegative = [](const llvm::json::Value &v) -> std::optional<double> {
    std::optional<double> d = v.getAsNumber();
    if (!d || *d < 0 || !std::isfinite(*d))
      return std::nullopt;
    return d;
  };
  if (const llvm::json::Value *v = root->get("per_layer")) {
    std::optional<double> d = nonNegative(*v);
    if (!d)
      return bad("'per_layer' must be a non-negative number");
    model->perLayer = *d;
  }
  if (const llvm::json::Value *v = root->get("per_mac")) {
    const llvm::json::Object *perMac = v->getAsObject();
    if (!perMac)
      return bad("'per_mac' must map bit widths to numbers");
    for (const auto &[key, cost] : *perMac) {
      unsigned bits;
      if (llvm::StringRef(key).getAsInteger(10, bits) || bits == 0 ||
          bits > 32)
        return bad("'per_mac' key '" + llvm::StringRef(key) +
                   "' is not a bit width");
      std::optional<double> d = nonNegative(cost);
      if (!d)
        return bad("'per_mac' entry '" + llvm::StringRef(key) +
                   "' must be a non-negative number");
      model->perMac[bits] = *d;
    }
  }
  if (const llvm::json::Value *v = root->get("layers")) {
    const llvm::json::Object *layers = v->getAsObject();
    if (!layers)
      return bad("'layers' must map layer names to objects");
    for (const auto &[name, formats] : *layers) {
      const llvm::json::Object *byFormat = formats.getAsObject();
      if (!byFormat)
        return bad("layer '" + llvm::StringRef(name) +
                   "' must map format names to numbers");
      for (const auto &[format, cost] : *byFormat) {
        std::optional<double> d = nonNegative(cost);
        if (!d)
          return bad("layer '" + llvm::StringRef(name) + "' format '" +
                     llvm::StringRef(format) +
                     "' must be a non-negative number");
        model->layers[name.str()][format.str()] = *d;
      }
    }
  }
  if (model->perMac.empty() && model->layers.empty())
    return bad("needs 'per_mac' or 'layers'");
  return model;
}

llvm::Expected<double>
LatencyTableCostModel::latency(const LayerInfo &layer,
                               FormatAttr format) const {
  std::string shortName = format.getShortName();
  auto it = layers.find(layer.name);
  if (it != layers.end()) {
    auto f = it->second.find(shortName);
    if (f != it->second.end())
      return f->second;
  }
  auto mac = perMac.find(format.getBitWidth());
  if (mac == perMac.end() || !layer.macs)
    return error(llvm::formatv("latency table '{0}' has no entry for layer "
                               "'{1}' in {2} and no per_mac cost for {3} "
                               "bits{4}",
                               origin, layer.name, shortName,
                               format.getBitWidth(),
                               layer.macs ? "" : " (and its MACs are unknown)")
                     .str());
  return double(*layer.macs) * mac->second + perLayer;
}
