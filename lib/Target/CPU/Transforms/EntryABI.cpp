//===- EntryABI.cpp - The C ABI of a compiled model's entry ---------------===//
//
// Records what the generated C header describes (input and output names,
// shapes, element types) before lowering erases the tensor types, marks the
// inputs read-only for One-Shot Bufferize and gives the entry function its
// library-prefixed symbol name.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/Passes.h"
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::qopt {
#define GEN_PASS_DEF_QOPTCPUENTRYABIPASS
#include "qopt/Target/CPU/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;

namespace {

bool isCIdentifier(StringRef name) {
  if (name.empty() || !(llvm::isAlpha(name[0]) || name[0] == '_'))
    return false;
  return llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

struct QOptCPUEntryABIPass
    : public qopt::impl::QOptCPUEntryABIPassBase<QOptCPUEntryABIPass> {
  using Base::Base;

  // The ABI record is a qopt attribute, also on modules without qopt ops.
  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    registry.insert<qopt::QOptDialect>();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!isCIdentifier(libraryName)) {
      module.emitError() << "library name '" << libraryName
                         << "' is not a C identifier";
      return signalPassFailure();
    }
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal()) {
      module.emitError() << "no function '" << entry
                         << "' with a body to export";
      return signalPassFailure();
    }
    Builder b(&getContext());
    // One #qopt.entry_tensor per input/output. Unnamed ones are called
    // argN / resultN, as the reference executor calls them.
    auto describe = [&](Type type, DictionaryAttr attrs, StringRef fallback,
                        unsigned index,
                        SmallVectorImpl<qopt::EntryTensorAttr> &out)
        -> LogicalResult {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() ||
          !qopt::EntryTensorAttr::isABIElementType(tensor.getElementType()))
        return func.emitError()
               << (fallback == "arg" ? "argument " : "result ") << index
               << " has type " << type
               << "; a library entry takes statically shaped tensors of f32, "
                  "f64, i1, i8, i16, i32 or i64";
      std::string name = (fallback + Twine(index)).str();
      if (attrs)
        if (auto n = attrs.getAs<StringAttr>("qopt.name"))
          name = n.getValue().str();
      out.push_back(qopt::EntryTensorAttr::get(
          &getContext(), name, tensor.getElementType(), tensor.getShape()));
      return success();
    };
    SmallVector<qopt::EntryTensorAttr> inputs, outputs;
    FunctionType type = func.getFunctionType();
    for (unsigned i = 0; i < type.getNumInputs(); ++i)
      if (failed(describe(type.getInput(i), func.getArgAttrDict(i), "arg", i,
                          inputs)))
        return signalPassFailure();
    for (unsigned i = 0; i < type.getNumResults(); ++i)
      if (failed(describe(type.getResult(i), func.getResultAttrDict(i),
                          "result", i, outputs)))
        return signalPassFailure();
    if (outputs.empty()) {
      func.emitError("an exported function needs at least one result");
      return signalPassFailure();
    }
    module->setAttr(qopt::QOptDialect::kCPUAbiAttrName,
                    qopt::EntryABIAttr::get(&getContext(), libraryName, inputs,
                                            outputs,
                                            /*workspace_bytes=*/std::nullopt));
    // The names live in the ABI record now; other argument and result
    // attributes (calibration statistics) mean nothing to codegen.
    for (unsigned i = 0; i < type.getNumInputs(); ++i)
      func.setArgAttrs(
          i, b.getDictionaryAttr(b.getNamedAttr(
                 bufferization::BufferizationDialect::kWritableAttrName,
                 b.getBoolAttr(false))));
    for (unsigned i = 0; i < type.getNumResults(); ++i)
      func.setResultAttrs(i, b.getDictionaryAttr({}));
    std::string symbol = libraryName + "_entry";
    if (Operation *clash = module.lookupSymbol(symbol); clash && clash != func) {
      clash->emitError() << "symbol '" << symbol
                         << "' is reserved for the library entry";
      return signalPassFailure();
    }
    if (failed(SymbolTable::replaceAllSymbolUses(
            func, b.getStringAttr(symbol), module))) {
      func.emitError("cannot rename the entry function");
      return signalPassFailure();
    }
    SymbolTable::setSymbolName(func, symbol);
    func.setPublic();
  }
};

} // namespace
