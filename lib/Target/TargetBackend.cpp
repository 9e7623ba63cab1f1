//===- TargetBackend.cpp - Target registry and defaults -------------------===//

#include "qopt/Target/TargetBackend.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/ManagedStatic.h"
#include "llvm/Support/Path.h"

#include <mutex>

using namespace mlir;
using namespace mlir::qopt;

LoadedModel::~LoadedModel() = default;
TargetBackend::~TargetBackend() = default;

llvm::Expected<std::unique_ptr<CostModel>>
TargetBackend::createCostModel(ModuleOp, const CostModelOptions &) const {
  return llvm::createStringError("target '" + getName().str() +
                                 "' has no cost model");
}

llvm::Expected<std::unique_ptr<FPGACostModel>>
TargetBackend::createResourceModel(llvm::StringRef) const {
  return llvm::createStringError("target '" + getName().str() +
                                 "' has no FPGA resource model");
}

void TargetBackend::addWeightLayoutPasses(OpPassManager &) const {}

bool TargetBackend::canLoad(llvm::StringRef, llvm::StringRef) const {
  return false;
}

llvm::Expected<std::unique_ptr<LoadedModel>>
TargetBackend::loadArtifact(llvm::StringRef path, const LoadOptions &) const {
  return llvm::createStringError("target '" + getName().str() +
                                 "' cannot run its artifacts here ('" +
                                 path.str() + "')");
}

namespace {
struct Registry {
  std::mutex mutex;
  std::vector<std::unique_ptr<TargetBackend>> targets;
};
Registry &registry() {
  static Registry instance;
  return instance;
}
} // namespace

void mlir::qopt::registerTargetBackend(std::unique_ptr<TargetBackend> target) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto &existing : r.targets)
    if (existing->getName() == target->getName())
      return; // registerAllTargets may run more than once.
  r.targets.push_back(std::move(target));
}

const TargetBackend *mlir::qopt::lookupTargetBackend(llvm::StringRef name) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  for (const auto &target : r.targets)
    if (target->getName() == name)
      return target.get();
  return nullptr;
}

std::vector<const TargetBackend *> mlir::qopt::getTargetBackends() {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<const TargetBackend *> result;
  for (const auto &target : r.targets)
    result.push_back(target.get());
  return result;
}

std::string mlir::qopt::getTargetBackendNames() {
  std::vector<std::string> names;
  for (const TargetBackend *target : getTargetBackends())
    names.push_back(target->getName().str());
  return llvm::join(names, ", ");
}

llvm::Expected<const TargetBackend *>
mlir::qopt::getTargetBackend(llvm::StringRef name) {
  if (const TargetBackend *target = lookupTargetBackend(name))
    return target;
  return llvm::createStringError("unknown target '" + name.str() +
                                 "' (registered: " + getTargetBackendNames() +
                                 ")");
}

const TargetBackend *mlir::qopt::findArtifactLoader(llvm::StringRef path,
                                                    llvm::StringRef head) {
  for (const TargetBackend *target : getTargetBackends())
    if (target->canLoad(path, head))
      return target;
  return nullptr;
}

std::string mlir::qopt::getDefaultArtifactName(llvm::StringRef path) {
  llvm::StringRef stem = llvm::sys::path::filename(path).split('.').first;
  stem.consume_front("lib");
  std::string name = stem.str();
  for (char &c : name)
    if (!llvm::isAlnum(c) && c != '_')
      c = '_';
  if (name.empty() || llvm::isDigit(name.front()))
    name = "model" + name;
  return name;
}
