//===- QOptDialect.cpp - QOpt dialect --------------------------------------===//
//
// Registers the qopt dialect's ops and attributes, and verifies the
// discardable `qopt.*` attributes that qopt passes put on upstream ops.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/IR/QOptDialect.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"

#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::qopt;

#include "qopt/Dialect/QOpt/IR/QOptOpsDialect.cpp.inc"

void QOptDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qopt/Dialect/QOpt/IR/QOptOps.cpp.inc"
      >();
  registerAttributes();
}

/// Verifies that `format` fits the weight of `layer`.
static LogicalResult verifyFormatForLayer(Operation *op,
                                          QuantizableOpInterface layer,
                                          StringRef attrName,
                                          FormatAttr format) {
  ShapedType weightType = layer.getWeightType();
  if (!weightType.hasRank())
    return success();
  return format.verifyForShape(weightType.getShape(), [&]() {
    return op->emitOpError() << "'" << attrName << "' " << format
                             << " does not fit weight of type " << weightType
                             << ": ";
  });
}

/// Checks a layer before its qopt.* attributes are checked against it.
/// Dialect attributes are verified before the op itself, so the op's own
/// invariants are checked first: QuantizableOpInterface models read operand
/// types and indexing maps that only a verified op guarantees. Interfaces
/// attached as external models are not verified by the op, so the
/// interface's checks follow.
static LogicalResult verifyLayer(Operation *op) {
  if (std::optional<RegisteredOperationName> info =
          op->getName().getRegisteredInfo())
    if (failed(info->verifyInvariants(op)) ||
        failed(info->verifyRegionInvariants(op)))
      return failure();
  return qopt::detail::verifyQuantizableOpInterface(op);
}

/// `qopt.cpu.abi` is a #qopt.entry_abi on a module (whose own verifier
/// checks its contents).
static LogicalResult verifyCPUAbiAttribute(Operation *op, Attribute value) {
  if (!isa<ModuleOp>(op))
    return op->emitOpError() << "'" << QOptDialect::kCPUAbiAttrName
                             << "' belongs on a module";
  if (!isa<EntryABIAttr>(value))
    return op->emitOpError() << "'" << QOptDialect::kCPUAbiAttrName
                             << "' must be a #qopt.entry_abi attribute";
  return success();
}

LogicalResult QOptDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  if (name == kActStatsAttrName) {
    if (!isa<ActStatsAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name
                               << "' must be a #qopt.act_stats attribute";
    return success();
  }
  if (name == kCPUAbiAttrName)
    return verifyCPUAbiAttribute(op, attr.getValue());
  if (name == kHLSConfigAttrName) {
    if (!isa<ModuleOp>(op) || !isa<DictionaryAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name
                               << "' must be a dictionary on a module";
    return success();
  }
  if (name == kNameAttrName) {
    auto text = dyn_cast<StringAttr>(attr.getValue());
    if (!text || text.getValue().empty())
      return op->emitOpError() << "'" << name
                               << "' must be a non-empty string";
    return success();
  }
  if (name != kFormatAttrName && name != kCandidatesAttrName &&
      name != kInputStatsAttrName && name != kSensitivityAttrName &&
      name != kGroupFormatsAttrName)
    return op->emitOpError()
           << "has unknown qopt attribute '" << name << "'; expected '"
           << kFormatAttrName << "', '" << kGroupFormatsAttrName << "', '"
           << kCandidatesAttrName << "', '" << kActStatsAttrName << "', '"
           << kInputStatsAttrName << "', '" << kSensitivityAttrName
           << "' or '" << kNameAttrName << "'";

  auto layer = dyn_cast<QuantizableOpInterface>(op);
  if (!layer)
    return op->emitOpError()
           << "carries '" << name
           << "' but does not implement QuantizableOpInterface";
  if (failed(verifyLayer(op)))
    return failure();

  if (name == kSensitivityAttrName) {
    auto sens = dyn_cast<SensitivityAttr>(attr.getValue());
    if (!sens)
      return op->emitOpError() << "'" << name
                               << "' must be a #qopt.sensitivity attribute";
    auto candidates = op->getAttrOfType<CandidatesAttr>(kCandidatesAttrName);
    // Rank 1 or 2 by the attribute's verifier.
    ArrayRef<int64_t> shape = sens.getValues().getShapedType().getShape();
    int64_t perCandidate = shape.back();
    if (!candidates || int64_t(candidates.getFormats().size()) != perCandidate)
      return op->emitOpError()
             << "'" << name << "' has " << perCandidate
             << " values per group but the op has "
             << (candidates ? int64_t(candidates.getFormats().size()) : 0)
             << " candidates";
    if (int64_t per = sens.getChannelsPerGroup()) {
      int64_t channels =
          layer.getWeightType().getDimSize(layer.getWeightOutputChannelAxis());
      if (!ShapedType::isDynamic(channels) &&
          shape.front() != (channels + per - 1) / per)
        return op->emitOpError()
               << "'" << name << "' has " << shape.front() << " groups but "
               << channels << " output channels in groups of " << per
               << " make " << (channels + per - 1) / per;
    }
    // Blob-backed values are first readable here, after the file's
    // dialect_resources section.
    if (failed(sens.readValues(
            [&]() { return op->emitOpError() << "'" << name << "' "; })))
      return failure();
    return success();
  }
  if (name == kInputStatsAttrName) {
    auto stats = dyn_cast<InputStatsAttr>(attr.getValue());
    if (!stats)
      return op->emitOpError() << "'" << name
                               << "' must be a #qopt.input_stats attribute";
    if (failed(verifyFloatElements(stats.getDiag(), [&]() {
          return op->emitOpError() << "'" << name << "' diag: ";
        })))
      return failure();
    if (stats.getMean())
      return verifyFloatElements(stats.getMean(), [&]() {
        return op->emitOpError() << "'" << name << "' mean: ";
      });
    return success();
  }

  if (name == kCandidatesAttrName) {
    auto candidates = dyn_cast<CandidatesAttr>(attr.getValue());
    if (!candidates)
      return op->emitOpError() << "'" << name
                               << "' must be a #qopt.candidates attribute";
    for (FormatAttr format : candidates.getFormats())
      if (failed(verifyFormatForLayer(op, layer, name, format)))
        return failure();
    return success();
  }

  if (name == kGroupFormatsAttrName) {
    auto groups = dyn_cast<GroupFormatsAttr>(attr.getValue());
    if (!groups)
      return op->emitOpError() << "'" << name
                               << "' must be a #qopt.group_formats attribute";
    if (op->hasAttr(kFormatAttrName))
      return op->emitOpError() << "has both '" << kFormatAttrName << "' and '"
                               << name << "'";
    int64_t channels =
        layer.getWeightType().getShape()[layer.getWeightOutputChannelAxis()];
    int64_t per = groups.getChannelsPerGroup();
    if (!ShapedType::isDynamic(channels) &&
        int64_t(groups.getFormats().size()) != (channels + per - 1) / per)
      return op->emitOpError()
             << "'" << name << "' has " << groups.getFormats().size()
             << " formats but " << channels << " output channels in groups of "
             << per << " make " << (channels + per - 1) / per;
    auto candidates = op->getAttrOfType<CandidatesAttr>(kCandidatesAttrName);
    for (Attribute a : groups.getFormats()) {
      auto format = cast<FormatAttr>(a); // by the attribute's verifier
      if (failed(verifyFormatForLayer(op, layer, name, format)))
        return failure();
      if (candidates && !candidates.contains(format))
        return op->emitOpError() << "'" << name << "' " << format
                                 << " is not one of the op's '"
                                 << kCandidatesAttrName << "'";
    }
    return success();
  }

  auto format = dyn_cast<FormatAttr>(attr.getValue());
  if (!format)
    return op->emitOpError() << "'" << name
                             << "' must be a #qopt.format attribute";
  if (failed(verifyFormatForLayer(op, layer, name, format)))
    return failure();
  if (auto candidates = op->getAttrOfType<CandidatesAttr>(kCandidatesAttrName))
    if (!candidates.contains(format))
      return op->emitOpError() << "'" << name << "' " << format
                               << " is not one of the op's '"
                               << kCandidatesAttrName << "'";
  return success();
}
