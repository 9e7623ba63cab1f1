//===- PlanWorkspace.cpp - Temporaries of the entry in one workspace ------===//
//
// A linear scan over the entry block: buffers live from their alloc to their
// dealloc (the deallocation pipeline puts it after the last use of every
// alias), so two buffers may share bytes when one is freed before the other
// is allocated. Offsets are chosen first fit in a free list; the workspace
// is the high-water mark.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/CPU/Passes.h"
#include "qopt/Dialect/QOpt/IR/QOptAttrs.h"
#include "qopt/Dialect/QOpt/IR/QOptDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

#include <functional>
#include <map>

namespace mlir::qopt {
#define GEN_PASS_DEF_QOPTCPUPLANWORKSPACEPASS
#include "qopt/Target/CPU/Passes.h.inc"
} // namespace mlir::qopt

using namespace mlir;

namespace {

constexpr int64_t kAlignment = 64;

int64_t alignUp(int64_t v) { return (v + kAlignment - 1) / kAlignment * kAlignment; }

/// First-fit allocator over [0, high water mark).
class Arena {
public:
  int64_t allocate(int64_t size) {
    for (auto it = free.begin(); it != free.end(); ++it) {
      if (it->second < size)
        continue;
      int64_t offset = it->first, rest = it->second - size;
      free.erase(it);
      if (rest > 0)
        free[offset + size] = rest;
      return offset;
    }
    int64_t offset = top;
    // Extend a free block that ends at the top instead of leaving it.
    if (!free.empty()) {
      auto last = std::prev(free.end());
      if (last->first + last->second == top) {
        offset = last->first;
        free.erase(last);
      }
    }
    top = offset + size;
    return offset;
  }
  void release(int64_t offset, int64_t size) {
    auto it = free.emplace(offset, size).first;
    // Merge with the following and preceding free blocks.
    auto next = std::next(it);
    if (next != free.end() && it->first + it->second == next->first) {
      it->second += next->second;
      free.erase(next);
    }
    if (it != free.begin()) {
      auto prev = std::prev(it);
      if (prev->first + prev->second == it->first) {
        prev->second += it->second;
        free.erase(it);
      }
    }
  }
  int64_t size() const { return top; }

private:
  std::map<int64_t, int64_t> free;
  int64_t top = 0;
};

struct QOptCPUPlanWorkspacePass
    : public qopt::impl::QOptCPUPlanWorkspacePassBase<
          QOptCPUPlanWorkspacePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto abi = module->getAttrOfType<qopt::EntryABIAttr>(
        qopt::QOptDialect::kCPUAbiAttrName);
    if (!abi) {
      module.emitError("qopt-cpu-plan-workspace: no qopt.cpu.abi; run "
                       "qopt-cpu-entry-abi first");
      return signalPassFailure();
    }
    std::string name = (abi.getName() + "_entry").str();
    auto entry = module.lookupSymbol<func::FuncOp>(name);
    if (!entry || entry.isExternal()) {
      module.emitError() << "qopt-cpu-plan-workspace: no function '" << name
                         << "'";
      return signalPassFailure();
    }
    Block &body = entry.getBody().front();

    // Buffers to place: static, byte-addressable, freed in the block that
    // allocates them (a buffer never freed there could escape).
    auto bytesOf = [](MemRefType type) -> int64_t {
      if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
          !type.getElementType().isIntOrFloat() ||
          type.getElementTypeBitWidth() % 8 != 0 || type.getMemorySpace())
        return 0;
      return alignUp(std::max<int64_t>(
          1, type.getNumElements() * type.getElementTypeBitWidth() / 8));
    };
    // Offsets in program order. Blocks of nested regions (the loops of
    // qopt-cpu-tile-patches) are visited where their op is: a buffer
    // allocated and freed in one iteration's block is live only inside it,
    // so every iteration reuses the same bytes.
    Arena arena;
    SmallVector<std::pair<memref::AllocOp, int64_t>> planned;
    DenseMap<Value, std::pair<int64_t, int64_t>> live;
    SmallVector<memref::DeallocOp> deallocs;
    std::function<void(Block &)> visit = [&](Block &block) {
      DenseSet<Value> freed;
      for (Operation &op : block)
        if (auto dealloc = dyn_cast<memref::DeallocOp>(op))
          freed.insert(dealloc.getMemref());
      for (Operation &op : block) {
        if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
          int64_t bytes = bytesOf(alloc.getType());
          if (bytes == 0 || !freed.count(alloc.getResult()))
            continue;
          int64_t offset = arena.allocate(bytes);
          planned.push_back({alloc, offset});
          live[alloc.getResult()] = {offset, bytes};
        } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
          auto it = live.find(dealloc.getMemref());
          if (it == live.end())
            continue;
          arena.release(it->second.first, it->second.second);
          live.erase(it);
          deallocs.push_back(dealloc);
        } else if (isa<scf::ForOp>(op)) {
          for (Region &region : op.getRegions())
            for (Block &nested : region)
              visit(nested);
        }
      }
    };
    visit(body);

    // The workspace argument and the views into it.
    int64_t size = arena.size();
    auto wsType = MemRefType::get({size}, IntegerType::get(&getContext(), 8));
    unsigned index = entry.getNumArguments();
    if (failed(entry.insertArgument(index, wsType, {}, entry.getLoc())))
      return signalPassFailure();
    Value workspace = entry.getArgument(index);
    IRRewriter rewriter(&getContext());
    for (auto [alloc, offset] : planned) {
      rewriter.setInsertionPoint(alloc);
      Value at = arith::ConstantIndexOp::create(rewriter, alloc.getLoc(), offset);
      Value view = memref::ViewOp::create(rewriter, alloc.getLoc(),
                                          alloc.getType(), workspace, at,
                                          ValueRange());
      rewriter.replaceOp(alloc, view);
    }
    for (memref::DeallocOp dealloc : deallocs)
      rewriter.eraseOp(dealloc);

    module->setAttr(qopt::QOptDialect::kCPUAbiAttrName,
                    qopt::EntryABIAttr::get(&getContext(), abi.getName(),
                                            abi.getInputs(), abi.getOutputs(),
                                            size));
  }
};

} // namespace
