//===- ExecutorTest.cpp - Unit tests of the reference executor -------------===//
//
// Known answers for kernels whose semantics are easy to get subtly wrong:
// convolution padding/stride against a naive loop (every GEMM path), pooling
// padding counts, TOSA cast rounding/saturation, broadcasting, thread-count
// independence, and the .npy round trip.
//
//===----------------------------------------------------------------------===//

#include "qopt/Executor/Executor.h"
#include "qopt/Support/TensorIO.h"
#include "qopt/InitAllDialects.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

using namespace mlir;
using namespace mlir::qopt;

namespace {
class ExecutorTest : public ::testing::Test {
protected:
  ExecutorTest() {
    DialectRegistry registry;
    registerAllDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }

  SmallVector<Tensor> run(StringRef ir, ArrayRef<Tensor> args,
                          unsigned threads = 1) {
    module = parseSourceString<ModuleOp>(ir, &ctx);
    EXPECT_TRUE(module);
    auto func = module->lookupSymbol<func::FuncOp>("main");
    auto ex = Executor::create(func, {threads});
    EXPECT_TRUE(succeeded(ex));
    auto out = (*ex)->run(args);
    EXPECT_TRUE(succeeded(out));
    return *out;
  }

  static Tensor random(ArrayRef<int64_t> shape, unsigned seed) {
    Tensor t = Tensor::zeros(DType::F32, shape);
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> dist(-1, 1);
    for (int64_t i = 0; i < t.getNumElements(); ++i)
      t.mutableData<float>()[i] = dist(gen);
    return t;
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
};

/// Naive NHWC x OHWI convolution with padding [t, b, l, r] and stride.
std::vector<float> naiveConv(const Tensor &x, const Tensor &w, int64_t pt,
                             int64_t pl, int64_t s, int64_t oh, int64_t ow) {
  auto xs = x.getShape(), ws = w.getShape();
  std::vector<float> out(xs[0] * oh * ow * ws[0], 0.0f);
  for (int64_t n = 0; n < xs[0]; ++n)
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xx = 0; xx < ow; ++xx)
        for (int64_t o = 0; o < ws[0]; ++o) {
          double acc = 0;
          for (int64_t ky = 0; ky < ws[1]; ++ky)
            for (int64_t kx = 0; kx < ws[2]; ++kx)
              for (int64_t c = 0; c < ws[3]; ++c) {
                int64_t iy = y * s - pt + ky, ix = xx * s - pl + kx;
                if (iy < 0 || iy >= xs[1] || ix < 0 || ix >= xs[2])
                  continue;
                acc += double(x.data<float>()[((n * xs[1] + iy) * xs[2] + ix) *
                                                  xs[3] + c]) *
                       w.data<float>()[((o * ws[1] + ky) * ws[2] + kx) * ws[3] + c];
              }
          out[((n * oh + y) * ow + xx) * ws[0] + o] = float(acc);
        }
  return out;
}

TEST_F(ExecutorTest, Conv2DMatchesNaiveLoops) {
  // 19 output channels (a ragged 16-wide panel), 13x11 input, pads
  // top 1, bottom 1, left 0, right 2,
  // stride 2: edges of every GEMM tile.
  const char *ir = R"mlir(
func.func @main(%x: tensor<2x13x11x5xf32>, %w: tensor<19x3x3x5xf32>) -> tensor<2x7x6x19xf32> {
  %b = "tosa.const"() <{values = dense<0.0> : tensor<19xf32>}> : () -> tensor<19xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 0, 2>, stride = array<i64: 2, 2>} : (tensor<2x13x11x5xf32>, tensor<19x3x3x5xf32>, tensor<19xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x7x6x19xf32>
  return %y : tensor<2x7x6x19xf32>
})mlir";
  Tensor x = random({2, 13, 11, 5}, 1), w = random({19, 3, 3, 5}, 2);
  std::vector<float> want = naiveConv(x, w, 1, 0, 2, 7, 6);
  for (unsigned threads : {1u, 2u}) {
    SmallVector<Tensor> got = run(ir, {x, w}, threads);
    ASSERT_EQ(got[0].getNumElements(), int64_t(want.size()));
    for (size_t i = 0; i < want.size(); ++i)
      EXPECT_NEAR(got[0].data<float>()[i], want[i], 1e-5) << i;
  }
}

TEST_F(ExecutorTest, ResultsDoNotDependOnThreads) {
  const char *ir = R"mlir(
func.func @main(%a: tensor<1x300x70xf32>, %b: tensor<1x70x33xf32>) -> tensor<1x300x33xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %a, %b, %zp, %zp : (tensor<1x300x70xf32>, tensor<1x70x33xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x300x33xf32>
  return %y : tensor<1x300x33xf32>
})mlir";
  Tensor a = random({1, 300, 70}, 3), b = random({1, 70, 33}, 4);
  Tensor one = run(ir, {a, b}, 1)[0], two = run(ir, {a, b}, 2)[0];
  EXPECT_EQ(std::memcmp(one.bytes(), two.bytes(), one.getNumBytes()), 0);
}

TEST_F(ExecutorTest, AvgPoolExcludesPadding) {
  // 3x3 average with padding 1 at a corner averages the 4 real values.
  const char *ir = R"mlir(
func.func @main(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.avg_pool2d %x, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
})mlir";
  Tensor x = Tensor::zeros(DType::F32, {1, 2, 2, 1});
  float v[] = {1, 2, 3, 6};
  std::memcpy(x.mutableBytes(), v, sizeof(v));
  Tensor y = run(ir, {x})[0];
  for (int i = 0; i < 4; ++i)
    EXPECT_FLOAT_EQ(y.data<float>()[i], 3.0f);
}

TEST_F(ExecutorTest, CastRoundsHalfToEvenAndSaturates) {
  const char *ir = R"mlir(
func.func @main(%x: tensor<6xf32>) -> tensor<6xi8> {
  %y = tosa.cast %x : (tensor<6xf32>) -> tensor<6xi8>
  return %y : tensor<6xi8>
})mlir";
  Tensor x = Tensor::zeros(DType::F32, {6});
  float v[] = {0.5f, 1.5f, -2.5f, 300.0f, -300.0f, 2.4f};
  std::memcpy(x.mutableBytes(), v, sizeof(v));
  Tensor y = run(ir, {x})[0];
  int8_t want[] = {0, 2, -2, 127, -128, 2};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(y.data<int8_t>()[i], want[i]) << i;
}

TEST_F(ExecutorTest, BroadcastingAdd) {
  const char *ir = R"mlir(
func.func @main(%a: tensor<2x3xf32>, %b: tensor<1x3xf32>, %c: tensor<2x1xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %x = tosa.add %a, %b : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  %y = tosa.sub %a, %c : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %x, %y : tensor<2x3xf32>, tensor<2x3xf32>
})mlir";
  Tensor a = Tensor::zeros(DType::F32, {2, 3}), b = Tensor::zeros(DType::F32, {1, 3}),
         c = Tensor::zeros(DType::F32, {2, 1});
  for (int i = 0; i < 6; ++i)
    a.mutableData<float>()[i] = float(i);
  for (int i = 0; i < 3; ++i)
    b.mutableData<float>()[i] = 10.0f * float(i);
  c.mutableData<float>()[0] = 1;
  c.mutableData<float>()[1] = 2;
  SmallVector<Tensor> out = run(ir, {a, b, c});
  float addWant[] = {0, 11, 22, 3, 14, 25}, subWant[] = {-1, 0, 1, 1, 2, 3};
  for (int i = 0; i < 6; ++i) {
    EXPECT_FLOAT_EQ(out[0].data<float>()[i], addWant[i]);
    EXPECT_FLOAT_EQ(out[1].data<float>()[i], subWant[i]);
  }
}

TEST_F(ExecutorTest, WrongInputIsAnErrorNamingTheInput) {
  module = parseSourceString<ModuleOp>(R"mlir(
func.func @main(%x: tensor<2xf32> {qopt.name = "image"}) -> tensor<2xf32> {
  return %x : tensor<2xf32>
})mlir", &ctx);
  auto ex = Executor::create(module->lookupSymbol<func::FuncOp>("main"));
  ASSERT_TRUE(succeeded(ex));
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    message = d.str();
    return success();
  });
  EXPECT_TRUE(failed((*ex)->run({Tensor::zeros(DType::F32, {3})})));
  EXPECT_EQ(message, "input 'image': expected float32[2], got float32[3]");
}

TEST_F(ExecutorTest, ConstantEvaluationNeedsStaticTensorsThroughout) {
  // Both weights are computed from a constant by side-effect-free ops; the
  // second goes through an unranked value no kernel can allocate, which
  // fails instead of reading the shape of a type that has none.
  module = parseSourceString<ModuleOp>(R"mlir(
func.func @main() -> (tensor<2xf32>, tensor<2xf32>) {
  %c = "tosa.const"() <{values = dense<[-1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %ranked = tosa.abs %c : (tensor<2xf32>) -> tensor<2xf32>
  %u = tosa.abs %c : (tensor<2xf32>) -> tensor<*xf32>
  %unranked = tosa.abs %u : (tensor<*xf32>) -> tensor<2xf32>
  return %ranked, %unranked : tensor<2xf32>, tensor<2xf32>
})mlir", &ctx);
  ASSERT_TRUE(module);
  Operation *ret = module->lookupSymbol<func::FuncOp>("main")
                       .getBody()
                       .front()
                       .getTerminator();
  FailureOr<Tensor> ranked = exec::evaluateConstantValue(ret->getOperand(0));
  ASSERT_TRUE(succeeded(ranked));
  EXPECT_FLOAT_EQ(ranked->data<float>()[0], 1.0f);
  EXPECT_FLOAT_EQ(ranked->data<float>()[1], 2.0f);
  EXPECT_TRUE(failed(exec::evaluateConstantValue(ret->getOperand(1))));
}

TEST_F(ExecutorTest, OverridesReplaceConstantsAndOpResults) {
  // %c is a constant, %n an op result computed from it; each can be
  // overridden, the override persists across runs, and clearing restores.
  module = parseSourceString<ModuleOp>(R"mlir(
func.func @main(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %c = "tosa.const"() <{values = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %n = tosa.abs %c : (tensor<2xf32>) -> tensor<2xf32>
  %a = tosa.add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %b = tosa.add %x, %n : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %a, %b : tensor<2xf32>, tensor<2xf32>
})mlir", &ctx);
  ASSERT_TRUE(module);
  auto func = module->lookupSymbol<func::FuncOp>("main");
  auto ex = Executor::create(func);
  ASSERT_TRUE(succeeded(ex));
  Block &body = func.getBody().front();
  Value c = body.getOperations().front().getResult(0);
  Value n = std::next(body.begin())->getResult(0);
  Tensor x = Tensor::zeros(DType::F32, {2});
  Tensor ten = Tensor::zeros(DType::F32, {2});
  ten.mutableData<float>()[0] = ten.mutableData<float>()[1] = 10;
  ASSERT_TRUE(succeeded((*ex)->overrideValue(c, ten)));
  for (int repeat = 0; repeat < 2; ++repeat) {
    auto out = (*ex)->run({x});
    ASSERT_TRUE(succeeded(out));
    EXPECT_FLOAT_EQ((*out)[0].data<float>()[1], 10);  // x + override
    EXPECT_FLOAT_EQ((*out)[1].data<float>()[1], 10); // x + abs(override)
  }
  (*ex)->clearOverrides();
  ASSERT_TRUE(succeeded((*ex)->overrideValue(n, ten)));
  auto out = (*ex)->run({x});
  ASSERT_TRUE(succeeded(out));
  EXPECT_FLOAT_EQ((*out)[0].data<float>()[1], 2);
  EXPECT_FLOAT_EQ((*out)[1].data<float>()[1], 10);
  // A mismatched override is an error.
  ScopedDiagnosticHandler handler(&ctx, [](Diagnostic &) { return success(); });
  EXPECT_TRUE(failed((*ex)->overrideValue(c, Tensor::zeros(DType::F32, {3}))));
}

TEST_F(ExecutorTest, SnapshotsResumeUnderDifferentOverrides) {
  // A run stopped before the first op that reads %w, finished twice: once
  // as is and once with %w overridden, equals two whole runs; the prefix
  // (%h = x * 3) runs once.
  module = parseSourceString<ModuleOp>(R"mlir(
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %three = "tosa.const"() <{values = dense<3.0> : tensor<2xf32>}> : () -> tensor<2xf32>
  %w = "tosa.const"() <{values = dense<[1.0, 2.0]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %s = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %h = tosa.mul %x, %three, %s : (tensor<2xf32>, tensor<2xf32>, tensor<1xi8>) -> tensor<2xf32>
  %y = tosa.add %h, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %z = tosa.abs %y : (tensor<2xf32>) -> tensor<2xf32>
  return %z : tensor<2xf32>
})mlir", &ctx);
  ASSERT_TRUE(module);
  auto func = module->lookupSymbol<func::FuncOp>("main");
  auto ex = Executor::create(func);
  ASSERT_TRUE(succeeded(ex));
  Value w = std::next(func.getBody().front().begin())->getResult(0);
  size_t first = (*ex)->firstAffectedOp(w);
  Tensor x = Tensor::zeros(DType::F32, {2});
  x.mutableData<float>()[0] = 1;
  x.mutableData<float>()[1] = -2;
  int prefixRuns = 0;
  (*ex)->setObserver([&](Operation *op, ArrayRef<Tensor>, ArrayRef<Tensor>) {
    if (op && op->getName().getStringRef() == "tosa.mul")
      ++prefixRuns;
  });
  auto snapshot = (*ex)->start({x});
  ASSERT_TRUE(succeeded(snapshot));
  ASSERT_TRUE(succeeded((*ex)->advance(*snapshot, first)));
  EXPECT_EQ(snapshot->next, first);
  auto plain = (*ex)->finish(*snapshot);
  ASSERT_TRUE(succeeded(plain));
  Tensor ten = Tensor::zeros(DType::F32, {2});
  ten.mutableData<float>()[0] = ten.mutableData<float>()[1] = 10;
  ASSERT_TRUE(succeeded((*ex)->overrideValue(w, ten)));
  auto overridden = (*ex)->finish(*snapshot);
  ASSERT_TRUE(succeeded(overridden));
  EXPECT_EQ(prefixRuns, 1);
  EXPECT_FLOAT_EQ((*plain)[0].data<float>()[0], 4);      // |3 + 1|
  EXPECT_FLOAT_EQ((*plain)[0].data<float>()[1], 4);      // |-6 + 2|
  EXPECT_FLOAT_EQ((*overridden)[0].data<float>()[0], 13); // |3 + 10|
  EXPECT_FLOAT_EQ((*overridden)[0].data<float>()[1], 4);  // |-6 + 10|
  auto whole = (*ex)->run({x});
  ASSERT_TRUE(succeeded(whole));
  EXPECT_FLOAT_EQ((*whole)[0].data<float>()[0], 13);
  // The snapshot itself was not consumed by either finish.
  EXPECT_EQ(snapshot->next, first);
}

TEST(TensorIOTest, NpyRoundTrip) {
  Tensor t = Tensor::zeros(DType::I16, {2, 3});
  for (int i = 0; i < 6; ++i)
    t.mutableData<int16_t>()[i] = int16_t(i * 1000 - 2500);
  std::string bytes = serializeNpy(t);
  EXPECT_EQ(bytes.size() % 64, 12u); // 64-aligned header + 12 bytes of data.
  auto back = parseNpy(bytes, "mem");
  ASSERT_TRUE(bool(back));
  EXPECT_EQ(back->describe(), "int16[2, 3]");
  EXPECT_EQ(std::memcmp(back->bytes(), t.bytes(), 12), 0);
  auto bad = parseNpy("not numpy", "mem");
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "mem: not a .npy file (bad magic string)");
}
} // namespace
