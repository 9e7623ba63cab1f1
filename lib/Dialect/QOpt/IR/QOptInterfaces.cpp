//===- QOptInterfaces.cpp - QOpt op interfaces -----------------------------===//
//
// QuantizableOpInterface: generated definitions, the shared verifier, and
// helpers used by implementations and by passes.
//
//===----------------------------------------------------------------------===//

#include "qopt/Dialect/QOpt/IR/QOptInterfaces.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace mlir::qopt;

#include "qopt/Dialect/QOpt/IR/QOptInterfaces.cpp.inc"

LogicalResult mlir::qopt::detail::verifyQuantizableOpInterface(Operation *op) {
  auto layer = cast<QuantizableOpInterface>(op);
  unsigned index = layer.getWeightOperandIndex();
  if (index >= op->getNumOperands())
    return op->emitOpError() << "QuantizableOpInterface reports weight operand "
                             << index << " but the op has "
                             << op->getNumOperands() << " operands";
  auto weightType = dyn_cast<ShapedType>(op->getOperand(index).getType());
  if (!weightType || !weightType.hasRank())
    return op->emitOpError()
           << "QuantizableOpInterface weight operand must be a ranked shaped "
              "value, got "
           << op->getOperand(index).getType();
  int64_t rank = weightType.getRank();
  SmallVector<int64_t> reduction = layer.getWeightReductionAxes();
  int64_t output = layer.getWeightOutputChannelAxis();
  if (reduction.empty())
    return op->emitOpError()
           << "QuantizableOpInterface reports no weight reduction axis";
  llvm::SmallDenseSet<int64_t, 4> seen;
  for (int64_t axis : reduction) {
    if (axis < 0 || axis >= rank)
      return op->emitOpError() << "QuantizableOpInterface reduction axis "
                               << axis << " is out of range for weight rank "
                               << rank;
    if (!seen.insert(axis).second || axis == output)
      return op->emitOpError() << "QuantizableOpInterface weight axis " << axis
                               << " is reported twice";
  }
  if (output < 0 || output >= rank)
    return op->emitOpError() << "QuantizableOpInterface output-channel axis "
                             << output << " is out of range for weight rank "
                             << rank;
  return success();
}

bool mlir::qopt::isConstantFoldable(Value value) {
  SmallVector<Value> worklist{value};
  llvm::SmallPtrSet<Operation *, 8> visited;
  while (!worklist.empty()) {
    Operation *def = worklist.pop_back_val().getDefiningOp();
    if (!def)
      return false; // A block argument: known only at run time.
    if (!visited.insert(def).second)
      continue;
    if (matchPattern(def, m_Constant()))
      continue;
    if (def->getNumRegions() != 0 || !isMemoryEffectFree(def) ||
        def->getNumOperands() == 0)
      return false;
    llvm::append_range(worklist, def->getOperands());
  }
  return true;
}
