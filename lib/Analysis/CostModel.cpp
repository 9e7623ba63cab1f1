//===- CostModel.cpp - Per-target cost of a layer in a format --------------===//
//
// The latency table: parsing, writing (the format qopt-measure-costs
// writes and reads back as its cache), the machine-fingerprint check, and
// the table as a cost model.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/CostModel.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qopt;

CostModel::~CostModel() = default;

llvm::SmallVector<std::string>
CostModel::unmatchedLayers(llvm::ArrayRef<LayerInfo>) const {
  return {};
}

std::optional<std::string>
CostModel::unmatchedLayersWarning(llvm::ArrayRef<LayerInfo> layers) const {
  if (warnedUnmatched)
    return std::nullopt;
  llvm::SmallVector<std::string> names = unmatchedLayers(layers);
  if (names.empty())
    return std::nullopt;
  warnedUnmatched = true;
  constexpr size_t kShown = 10;
  std::string message;
  llvm::raw_string_ostream os(message);
  os << "latency table of target '" << getTarget() << "' names "
     << names.size() << " layer" << (names.size() == 1 ? "" : "s")
     << " this module does not have (measured on another version of the "
        "model?): ";
  for (size_t i = 0; i < std::min(names.size(), kShown); ++i)
    os << (i ? ", " : "") << "'" << names[i] << "'";
  if (names.size() > kShown)
    os << " and " << names.size() - kShown << " more";
  return message;
}

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

//===----------------------------------------------------------------------===//
// LatencyTable
//===----------------------------------------------------------------------===//

llvm::Expected<LatencyTable> LatencyTable::load(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return error("cannot read latency table '" + path +
                 "': " + buffer.getError().message());
  return parse((*buffer)->getBuffer(), path);
}

llvm::Expected<LatencyTable> LatencyTable::parse(llvm::StringRef json,
                                                 llvm::StringRef origin) {
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(json);
  if (!value)
    return error("latency table '" + origin +
                 "': " + llvm::toString(value.takeError()));
  const llvm::json::Object *root = value->getAsObject();
  if (!root)
    return error("latency table '" + origin + "': expected a JSON object");
  LatencyTable table;
  auto bad = [&](const llvm::Twine &what) {
    return error("latency table '" + origin + "': " + what);
  };
  auto string = [&](llvm::StringRef key,
                    std::string &out) -> llvm::Error {
    const llvm::json::Value *v = root->get(key);
    if (!v)
      return llvm::Error::success();
    std::optional<llvm::StringRef> s = v->getAsString();
    if (!s)
      return bad("'" + key + "' must be a string");
    out = s->str();
    return llvm::Error::success();
  };
  if (llvm::Error e = string("target", table.target))
    return std::move(e);
  if (llvm::Error e = string("unit", table.unit))
    return std::move(e);
  if (llvm::Error e = string("qopt_version", table.qoptVersion))
    return std::move(e);
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
    table.perLayer = *d;
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
      table.perMac[bits] = *d;
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
      auto &entries = table.layers[name.str()];
      for (const auto &[format, cost] : *byFormat) {
        std::optional<double> d = nonNegative(cost);
        if (!d)
          return bad("layer '" + llvm::StringRef(name) + "' format '" +
                     llvm::StringRef(format) +
                     "' must be a non-negative number");
        entries[format.str()] = *d;
      }
    }
  }
  for (llvm::StringRef key : {"fingerprint", "measurement"}) {
    const llvm::json::Value *v = root->get(key);
    if (!v)
      continue;
    const llvm::json::Object *object = v->getAsObject();
    if (!object)
      return bad("'" + key + "' must be an object");
    (key == "fingerprint" ? table.fingerprint : table.measurement) = *object;
  }
  return table;
}

/// `s` as a JSON string literal.
static std::string quote(llvm::StringRef s) {
  std::string text = s.str();
  if (!llvm::json::isUTF8(text))
    text = llvm::json::fixUTF8(text);
  return llvm::formatv("{0}", llvm::json::Value(std::move(text))).str();
}

void LatencyTable::write(llvm::raw_ostream &os) const {
  os << "{\n";
  os << "  \"target\": " << quote(target) << ",\n";
  os << "  \"unit\": " << quote(unit) << ",\n";
  if (!qoptVersion.empty())
    os << "  \"qopt_version\": " << quote(qoptVersion) << ",\n";
  // llvm::json prints object keys sorted: the text is deterministic.
  if (fingerprint)
    os << "  \"fingerprint\": "
       << llvm::formatv("{0}", llvm::json::Value(llvm::json::Object(
                                   *fingerprint)))
       << ",\n";
  if (measurement)
    os << "  \"measurement\": "
       << llvm::formatv("{0}", llvm::json::Value(llvm::json::Object(
                                   *measurement)))
       << ",\n";
  if (!perMac.empty()) {
    os << "  \"per_mac\": {";
    llvm::interleave(
        perMac, os,
        [&](const auto &entry) {
          os << "\"" << entry.first << "\": "
             << llvm::formatv("{0}", llvm::json::Value(entry.second));
        },
        ", ");
    os << "},\n";
  }
  if (perLayer != 0)
    os << "  \"per_layer\": "
       << llvm::formatv("{0}", llvm::json::Value(perLayer)) << ",\n";
  os << "  \"layers\": {";
  bool first = true;
  for (const auto &[layer, formats] : layers) {
    os << (first ? "\n" : ",\n") << "    " << quote(layer) << ": {";
    first = false;
    llvm::interleave(
        formats, os,
        [&](const auto &entry) {
          os << quote(entry.first) << ": "
             << llvm::formatv("{0:f3}", entry.second);
        },
        ", ");
    os << "}";
  }
  os << (layers.empty() ? "}\n" : "\n  }\n");
  os << "}\n";
}

llvm::Error LatencyTable::save(llvm::StringRef path) const {
  SmallString<256> temp;
  int fd;
  SmallString<256> model(path);
  model += ".tmp-%%%%%%";
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(model, fd, temp))
    return error("cannot write latency table '" + path + "': " + ec.message());
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    write(os);
    os.close();
    if (os.has_error()) {
      llvm::sys::fs::remove(temp);
      return error("cannot write latency table '" + path +
                   "': " + os.error().message());
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, path)) {
    llvm::sys::fs::remove(temp);
    return error("cannot write latency table '" + path + "': " + ec.message());
  }
  return llvm::Error::success();
}

/// A JSON value for messages, strings unquoted.
static std::string show(const llvm::json::Value *v) {
  if (!v)
    return "(none)";
  if (std::optional<llvm::StringRef> s = v->getAsString())
    return "'" + s->str() + "'";
  return llvm::formatv("{0}", *v).str();
}

bool LatencyTable::matches(const llvm::json::Object &here,
                           llvm::StringRef version, std::string *why) const {
  llvm::SmallVector<std::string> differences;
  if (!fingerprint) {
    differences.push_back("the table has no fingerprint");
  } else {
    llvm::StringSet<> keys;
    for (const auto &entry : here)
      keys.insert(entry.first.str());
    for (const auto &entry : *fingerprint)
      keys.insert(entry.first.str());
    llvm::SmallVector<llvm::StringRef> sorted;
    for (const auto &key : keys)
      sorted.push_back(key.getKey());
    llvm::sort(sorted);
    for (llvm::StringRef key : sorted) {
      const llvm::json::Value *mine = here.get(key);
      const llvm::json::Value *theirs = fingerprint->get(key);
      if (!mine || !theirs || *mine != *theirs)
        differences.push_back(key.str() + " " + show(mine) + " here, " +
                              show(theirs) + " in the table");
    }
  }
  if (qoptVersion != version)
    differences.push_back("qopt version '" + version.str() + "' here, '" +
                          qoptVersion + "' in the table");
  if (why)
    *why = llvm::join(differences, "; ");
  return differences.empty();
}

std::optional<double> LatencyTable::lookup(llvm::StringRef layer,
                                           llvm::StringRef format) const {
  auto it = layers.find(layer.str());
  if (it == layers.end())
    return std::nullopt;
  auto f = it->second.find(format.str());
  if (f == it->second.end())
    return std::nullopt;
  return f->second;
}

//===----------------------------------------------------------------------===//
// LatencyTableCostModel
//===----------------------------------------------------------------------===//

llvm::Expected<std::unique_ptr<LatencyTableCostModel>>
LatencyTableCostModel::load(llvm::StringRef path) {
  auto table = LatencyTable::load(path);
  if (!table)
    return table.takeError();
  return fromTable(std::move(*table), path);
}

llvm::Expected<std::unique_ptr<LatencyTableCostModel>>
LatencyTableCostModel::parse(llvm::StringRef json, llvm::StringRef origin) {
  auto table = LatencyTable::parse(json, origin);
  if (!table)
    return table.takeError();
  return fromTable(std::move(*table), origin);
}

llvm::Expected<std::unique_ptr<LatencyTableCostModel>>
LatencyTableCostModel::fromTable(LatencyTable table, llvm::StringRef origin) {
  if (table.perMac.empty() && table.layers.empty())
    return error("latency table '" + origin + "': needs 'per_mac' or 'layers'");
  auto model =
      std::unique_ptr<LatencyTableCostModel>(new LatencyTableCostModel);
  model->table = std::move(table);
  model->origin = origin.str();
  return model;
}

llvm::Expected<double>
LatencyTableCostModel::latency(const LayerInfo &layer,
                               FormatAttr format) const {
  std::string shortName = format.getShortName();
  if (std::optional<double> entry = table.lookup(layer.name, shortName))
    return *entry;
  auto mac = table.perMac.find(format.getBitWidth());
  if (mac == table.perMac.end() || !layer.macs)
    return error(llvm::formatv("latency table '{0}' has no entry for layer "
                               "'{1}' in {2} and no per_mac cost for {3} "
                               "bits{4}",
                               origin, layer.name, shortName,
                               format.getBitWidth(),
                               layer.macs ? "" : " (and its MACs are unknown)")
                     .str());
  return double(*layer.macs) * mac->second + table.perLayer;
}

llvm::SmallVector<std::string>
LatencyTableCostModel::unmatchedLayers(llvm::ArrayRef<LayerInfo> layers) const {
  llvm::StringSet<> names;
  for (const LayerInfo &layer : layers)
    names.insert(layer.name);
  llvm::SmallVector<std::string> unmatched;
  for (const auto &entry : table.layers)
    if (!names.contains(entry.first))
      unmatched.push_back(entry.first);
  return unmatched; // std::map order: sorted
}
