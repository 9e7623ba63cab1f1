//===- LatencyTableCacheTest.cpp - Measured latency tables as a cache -----===//
//
// The table file round-trips; a table measured on this machine by this
// qopt is reused and only its missing entries are measured; one measured
// elsewhere is dropped and re-measured; unmatched layer names are found.
// The measurer is a fake: nothing is timed.
//
//===----------------------------------------------------------------------===//

#include "qopt/Analysis/CostModel.h"
#include "qopt/Target/CPU/MeasureCosts.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::qopt;

namespace {

llvm::json::Object machine(llvm::StringRef cpu) {
  return llvm::json::Object{{"cpu", cpu},
                            {"isas", llvm::json::Array{"portable", "avx2"}},
                            {"isa", "avx2"},
                            {"threads", 1},
                            {"cpus", 2}};
}

std::string text(const LatencyTable &table) {
  std::string s;
  llvm::raw_string_ostream os(s);
  table.write(os);
  return s;
}

/// A measurer that records what it was asked and answers 100 + index.
struct FakeMeasurer {
  std::vector<std::string> asked;
  llvm::Expected<double> operator()(const LatencyRequest &r) {
    asked.push_back(r.layer + " " + r.format);
    return 100.0 + asked.size();
  }
};

LatencyTable measuredTable() {
  LatencyTable table;
  table.target = "cpu";
  table.unit = "us";
  table.fingerprint = machine("Test CPU 9000");
  table.qoptVersion = "1.2.3";
  table.measurement = llvm::json::Object{{"repeat", 20}, {"warmup", 3}};
  table.layers["/conv1/Conv"] = {{"f32", 80.25}, {"si8-ch", 12.5}};
  table.layers["/fc/Gemm"] = {{"f32", 3.0}, {"si4-g32", 1.125}};
  return table;
}

TEST(LatencyTableCacheTest, WriteParseRoundTrip) {
  LatencyTable table = measuredTable();
  std::string written = text(table);
  auto parsed = LatencyTable::parse(written, "round-trip");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  EXPECT_EQ(parsed->target, "cpu");
  EXPECT_EQ(parsed->unit, "us");
  EXPECT_EQ(parsed->qoptVersion, "1.2.3");
  ASSERT_TRUE(parsed->fingerprint.has_value());
  EXPECT_EQ(*parsed->fingerprint, *table.fingerprint);
  EXPECT_EQ(parsed->layers, table.layers);
  EXPECT_EQ(*parsed->lookup("/conv1/Conv", "si8-ch"), 12.5);
  EXPECT_FALSE(parsed->lookup("/conv1/Conv", "si4-ch").has_value());
  // The same text again: the file is stable under reuse.
  EXPECT_EQ(text(*parsed), written);
  EXPECT_NE(written.find("\"fingerprint\": {\"cpu\":\"Test CPU 9000\""),
            std::string::npos)
      << written;
  EXPECT_NE(written.find("\"/conv1/Conv\": {\"f32\": 80.250, "
                         "\"si8-ch\": 12.500}"),
            std::string::npos)
      << written;
}

TEST(LatencyTableCacheTest, SaveAndLoad) {
  llvm::SmallString<128> path;
  ASSERT_FALSE(
      llvm::sys::fs::createTemporaryFile("latency", "json", path));
  LatencyTable table = measuredTable();
  ASSERT_FALSE(bool(table.save(path)));
  auto loaded = LatencyTable::load(path);
  llvm::sys::fs::remove(path);
  ASSERT_TRUE(bool(loaded)) << llvm::toString(loaded.takeError());
  EXPECT_EQ(text(*loaded), text(table));
}

TEST(LatencyTableCacheTest, MatchingFingerprintReusesAndMeasuresMissing) {
  LatencyTable existing = measuredTable();
  std::vector<LatencyRequest> requests = {{"/conv1/Conv", "f32"},
                                          {"/conv1/Conv", "si8-ch"},
                                          {"/conv1/Conv", "si4-ch"},
                                          {"/fc/Gemm", "si4-g32"}};
  FakeMeasurer fake;
  LatencyCacheReport report;
  auto table = completeLatencyTable(
      &existing, "cpu", machine("Test CPU 9000"), "1.2.3", requests,
      [&](const LatencyRequest &r) { return fake(r); }, report);
  ASSERT_TRUE(bool(table)) << llvm::toString(table.takeError());
  EXPECT_FALSE(report.invalidated);
  EXPECT_EQ(report.reused, 3u);
  EXPECT_EQ(report.measured, 1u);
  EXPECT_EQ(fake.asked, std::vector<std::string>{"/conv1/Conv si4-ch"});
  EXPECT_EQ(*table->lookup("/conv1/Conv", "si4-ch"), 101.0);
  EXPECT_EQ(*table->lookup("/conv1/Conv", "si8-ch"), 12.5); // reused
  // Entries not requested now are kept.
  EXPECT_EQ(*table->lookup("/fc/Gemm", "f32"), 3.0);
}

TEST(LatencyTableCacheTest, MismatchInvalidatesEverything) {
  LatencyTable existing = measuredTable();
  std::vector<LatencyRequest> requests = {{"/conv1/Conv", "f32"},
                                          {"/conv1/Conv", "si8-ch"}};
  struct Case {
    llvm::json::Object fingerprint;
    const char *version;
    const char *reason;
  } cases[] = {
      {machine("Other CPU"), "1.2.3",
       "cpu 'Other CPU' here, 'Test CPU 9000' in the table"},
      {machine("Test CPU 9000"), "1.2.4",
       "qopt version '1.2.4' here, '1.2.3' in the table"},
  };
  for (Case &c : cases) {
    FakeMeasurer fake;
    LatencyCacheReport report;
    auto table = completeLatencyTable(
        &existing, "cpu", c.fingerprint, c.version, requests,
        [&](const LatencyRequest &r) { return fake(r); }, report);
    ASSERT_TRUE(bool(table)) << llvm::toString(table.takeError());
    EXPECT_TRUE(report.invalidated);
    EXPECT_EQ(report.reason, c.reason);
    EXPECT_EQ(report.reused, 0u);
    EXPECT_EQ(report.measured, 2u);
    EXPECT_EQ(fake.asked.size(), 2u);
    // Old entries are gone, the new stamp is this machine's.
    EXPECT_FALSE(table->lookup("/fc/Gemm", "f32").has_value());
    EXPECT_EQ(*table->fingerprint, c.fingerprint);
    EXPECT_EQ(table->qoptVersion, c.version);
  }
}

TEST(LatencyTableCacheTest, HandWrittenTableIsNotACache) {
  auto handWritten = LatencyTable::parse(
      R"({"target": "cpu", "unit": "us", "layers": {"a": {"f32": 1}}})", "h");
  ASSERT_TRUE(bool(handWritten));
  EXPECT_EQ(whyLatencyTableDiffers(*handWritten, "cpu", machine("X"), "1"),
            "the table has no fingerprint; qopt version '1' here, '' in the "
            "table");
  LatencyTable fpga = measuredTable();
  fpga.target = "fpga";
  EXPECT_EQ(whyLatencyTableDiffers(fpga, "cpu", machine("Test CPU 9000"),
                                   "1.2.3"),
            "target 'cpu' here, 'fpga' in the table");
  EXPECT_EQ(whyLatencyTableDiffers(measuredTable(), "cpu",
                                   machine("Test CPU 9000"), "1.2.3"),
            "");
}

TEST(LatencyTableCacheTest, MeasurerErrorsAbort) {
  std::vector<LatencyRequest> requests = {{"a", "f32"}};
  LatencyCacheReport report;
  auto table = completeLatencyTable(
      nullptr, "cpu", machine("X"), "1", requests,
      [](const LatencyRequest &) -> llvm::Expected<double> {
        return llvm::createStringError("no compiler");
      },
      report);
  ASSERT_FALSE(bool(table));
  EXPECT_EQ(llvm::toString(table.takeError()), "no compiler");
}

TEST(LatencyTableCacheTest, UnmatchedLayersAreNamedOnce) {
  auto model = LatencyTableCostModel::fromTable(measuredTable(), "t.json");
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  LayerInfo conv;
  conv.name = "/conv1/Conv";
  LayerInfo renamed;
  renamed.name = "/classifier/Gemm";
  std::vector<LayerInfo> layers = {conv, renamed};
  EXPECT_EQ((*model)->unmatchedLayers(layers),
            llvm::SmallVector<std::string>{"/fc/Gemm"});
  std::optional<std::string> warning =
      (*model)->unmatchedLayersWarning(layers);
  ASSERT_TRUE(warning.has_value());
  EXPECT_EQ(*warning, "latency table of target 'cpu' names 1 layer this "
                      "module does not have (measured on another version of "
                      "the model?): '/fc/Gemm'");
  EXPECT_FALSE((*model)->unmatchedLayersWarning(layers).has_value());
  // Every key matching: nothing to say.
  auto exact = LatencyTableCostModel::fromTable(measuredTable(), "t.json");
  LayerInfo fc;
  fc.name = "/fc/Gemm";
  std::vector<LayerInfo> all = {conv, fc};
  EXPECT_TRUE((*exact)->unmatchedLayers(all).empty());
  EXPECT_FALSE((*exact)->unmatchedLayersWarning(all).has_value());
}

} // namespace
