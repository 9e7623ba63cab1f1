//===- EmitProject.cpp - Write an HLS C++ project -------------------------===//
//
// Prints the graph of HLSGraph.h as a Vitis HLS project (EmitProject.h);
// runs the reference executor for the testbench's expected values.
//
//===----------------------------------------------------------------------===//

#include "qopt/Target/HLS/EmitProject.h"
#include "qopt/Dialect/QOpt/IR/QOptOps.h"
#include "qopt/Executor/Executor.h"
#include "qopt/Support/Datasets.h"
#include "qopt/Target/HLS/HLSGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <random>

using namespace mlir;
using namespace mlir::qopt;
using namespace mlir::qopt::hls;

namespace {

/// The qhls library and the C-simulation headers, embedded at build time
/// (LibraryFiles.inc, generated from include/qopt-hls).
struct EmbeddedFile {
  const char *path;
  const char *text;
};
#include "LibraryFiles.inc"

//===----------------------------------------------------------------------===//
// Built-in parts
//===----------------------------------------------------------------------===//

struct FPGAPart {
  const char *name;
  double luts, dsps, brams, ffs;
};

// Totals from the vendors' product tables (BRAM in 18 Kb blocks, two per
// 36 Kb block RAM; flip-flops are the CLB registers).
constexpr FPGAPart kParts[] = {
    {"xc7z020clg400-1", 53200, 220, 280, 106400},
    {"xczu9eg-ffvb1156-2-e", 274080, 2520, 1824, 548160},
    {"xcvu9p-flga2104-2-e", 1182240, 6840, 4320, 2364480},
    {"xcu250-figd2104-2L-e", 1728000, 12288, 5376, 3456000},
    {"xcu55c-fsvh2892-2L-e", 1303680, 9024, 4032, 2607360},
};

const FPGAPart *lookupPart(StringRef name) {
  for (const FPGAPart &p : kParts)
    if (StringRef(p.name).starts_with_insensitive(name) && !name.empty())
      return &p;
  return nullptr;
}

} // namespace

std::string mlir::qopt::getKnownFPGAParts() {
  std::string s;
  for (const FPGAPart &p : kParts)
    s += (s.empty() ? "" : ", ") + std::string(p.name);
  return s;
}

HLSConfig HLSConfig::fromModule(ModuleOp module) {
  HLSConfig c;
  auto dict = module->getAttrOfType<DictionaryAttr>("qopt.hls");
  if (!dict)
    return c;
  if (auto a = dict.getAs<StringAttr>("io"))
    c.io = a.str();
  if (auto a = dict.getAs<IntegerAttr>("reuse_factor"))
    c.reuseFactor = a.getInt();
  if (auto a = dict.getAs<StringAttr>("part"))
    c.part = a.str();
  if (auto a = dict.getAs<StringAttr>("fpga_model"))
    c.fpgaModel = a.str();
  if (auto a = dict.getAs<FloatAttr>("clock_mhz"))
    c.clockMHz = a.getValueAsDouble();
  return c;
}

void HLSConfig::attachTo(ModuleOp module) const {
  Builder b(module.getContext());
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("io", b.getStringAttr(io)),
      b.getNamedAttr("reuse_factor", b.getI64IntegerAttr(reuseFactor)),
      b.getNamedAttr("part", b.getStringAttr(part)),
      b.getNamedAttr("clock_mhz", b.getF64FloatAttr(clockMHz))};
  if (!fpgaModel.empty())
    attrs.push_back(b.getNamedAttr("fpga_model", b.getStringAttr(fpgaModel)));
  module->setAttr("qopt.hls", b.getDictionaryAttr(attrs));
}

llvm::Expected<HLSConfig> HLSConfig::parse(StringRef options) {
  HLSConfig c;
  SmallVector<StringRef> items;
  options.split(items, ' ', -1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    auto [key, value] = item.split('=');
    if (key == "io") {
      if (value != "parallel" && value != "stream")
        return llvm::createStringError("hls: io must be parallel or stream, "
                                       "not '" + value.str() + "'");
      c.io = value.str();
    } else if (key == "reuse" || key == "reuse-factor") {
      unsigned r = 0;
      if (value.getAsInteger(10, r) || r == 0)
        return llvm::createStringError(
            "hls: reuse must be a positive integer, not '" + value.str() +
            "'");
      c.reuseFactor = r;
    } else if (key == "part") {
      c.part = value.str();
    } else if (key == "fpga-model") {
      c.fpgaModel = value.str();
    } else if (key == "clock") {
      double mhz = 0;
      if (value.getAsDouble(mhz) || !(mhz > 0))
        return llvm::createStringError("hls: clock must be a frequency in "
                                       "MHz, not '" + value.str() + "'");
      c.clockMHz = mhz;
    } else {
      return llvm::createStringError(
          "hls: unknown option '" + key.str() +
          "' (io=parallel|stream, reuse=R, part=P, fpga-model=FILE, "
          "clock=MHZ)");
    }
  }
  if (c.fpgaModel.empty() && !lookupPart(c.part))
    return llvm::createStringError(
        "hls: no built-in totals for part '" + c.part + "' (known: " +
        getKnownFPGAParts() + "); give fpga-model=FILE for other parts");
  return c;
}

llvm::Expected<std::unique_ptr<FPGACostModel>>
mlir::qopt::createHLSCostModel(const HLSConfig &config) {
  FPGAModelParameters params;
  if (!config.fpgaModel.empty()) {
    auto loaded = FPGACostModel::load(config.fpgaModel);
    if (!loaded)
      return loaded.takeError();
    params = (*loaded)->getParameters();
  } else {
    const FPGAPart *part = lookupPart(config.part);
    if (!part)
      return llvm::createStringError("hls: no built-in totals for part '" +
                                     config.part + "' (known: " +
                                     getKnownFPGAParts() + ")");
    params.device = part->name;
    params.totalLUTs = part->luts;
    params.totalDSPs = part->dsps;
    params.totalBRAMs = part->brams;
    params.totalFFs = part->ffs;
    params.clockMHz = config.clockMHz;
  }
  params.reuseFactor = config.reuseFactor;
  return std::make_unique<FPGACostModel>(std::move(params));
}

namespace {

//===----------------------------------------------------------------------===//
// Printing helpers
//===----------------------------------------------------------------------===//

std::string hexFloat(float f) {
  if (f == 0)
    return std::signbit(f) ? "-0.0f" : "0.0f";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%af", double(f));
  return buf;
}

std::string exactFloat(float f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", double(f));
  return buf;
}

template <typename T>
void printArray(llvm::raw_ostream &os, llvm::ArrayRef<T> values,
                llvm::function_ref<std::string(T)> print) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (i % 16 == 0)
      os << (i ? ",\n    " : "    ");
    else
      os << ", ";
    os << print(values[i]);
  }
}

/// The top function's name: `s` as a C identifier that none of the
/// project's own names (w3, config2, layer1_out, code_t, ...) can clash
/// with (else "<s>_top").
std::string topName(StringRef s) {
  std::string r;
  for (char c : s)
    r += llvm::isAlnum(c) ? c : '_';
  if (r.empty() || llvm::isDigit(r[0]))
    r = "m_" + r;
  StringRef n(r);
  auto numbered = [&](StringRef prefix) {
    if (!n.starts_with(prefix) || n.size() == prefix.size())
      return false;
    return llvm::all_of(n.drop_front(prefix.size()),
                        [](char c) { return llvm::isDigit(c); });
  };
  bool clash = n.starts_with("layer") || n.starts_with("buffer") ||
               n.ends_with("_t") || n == "main" || n == "input" ||
               n == "output" || n == "qhls" || n == "hls";
  for (StringRef prefix : {"w", "b", "m", "s", "g", "config"})
    clash |= numbered(prefix);
  return clash ? r + "_top" : r;
}

const char *stageKindName(StageKind k) {
  switch (k) {
  case StageKind::Dense:
    return "dense";
  case StageKind::Conv2D:
    return "conv2d";
  case StageKind::Depthwise:
    return "depthwise_conv2d";
  case StageKind::MaxPool:
    return "max_pool2d";
  case StageKind::Gather:
    return "gather";
  case StageKind::Repack:
    return "repack";
  case StageKind::Clone:
    return "clone";
  }
  return "?";
}

/// The minimal widths of a layer stage (defines.h).
struct LayerTypes {
  unsigned weight, xin, bias, accum, product;
  /// A fused residual add's multipliers Mr (unsigned; 1 when none).
  unsigned rmult = 1;
};

LayerTypes layerTypes(const Stage &s) {
  LayerTypes t;
  int64_t wmin = 0, wmax = 0;
  for (int32_t w : s.weights) {
    wmin = std::min<int64_t>(wmin, w);
    wmax = std::max<int64_t>(wmax, w);
  }
  t.weight = signedBits(wmin, wmax);
  t.xin = signedBits(s.xMin, s.xMax);
  int64_t bmin = 0, bmax = 0;
  for (int64_t b : s.bias) {
    bmin = std::min(bmin, b);
    bmax = std::max(bmax, b);
  }
  t.bias = signedBits(bmin, bmax);
  t.accum = signedBits(s.accMin, s.accMax);
  // acc * M (M < 2^31) plus the rounding 2^(S-1), exactly.
  int maxShift = 2;
  for (int32_t sh : s.shift)
    maxShift = std::max(maxShift, int(sh));
  t.product = std::max<unsigned>(t.accum + 31, unsigned(maxShift)) + 2;
  if (s.residual >= 0) {
    // + (r - zr) * Mr with |r - zr| <= 255 (9 signed bits), exactly.
    int64_t maxMr = 1;
    for (int64_t m : s.residualMultiplier)
      maxMr = std::max(maxMr, m);
    t.rmult = 64 - llvm::countl_zero(uint64_t(maxMr));
    t.product = std::max<unsigned>(t.product, t.rmult + 9 + 1) + 1;
  }
  return t;
}

class ProjectWriter {
public:
  ProjectWriter(ModuleOp module, func::FuncOp func, const Graph &graph,
                const HLSConfig &config, const FPGACostModel &cost,
                const HLSProjectOptions &options)
      : module(module), func(func), graph(graph), config(config), cost(cost),
        options(options), name(topName(options.name)),
        stream(config.io == "stream") {}

  LogicalResult write();

private:
  LogicalResult writeFile(StringRef relative,
                          llvm::function_ref<void(llvm::raw_ostream &)> body);
  std::string bufferName(int b) const {
    if (b == 0)
      return "input";
    if (b == graph.outputBuffer)
      return "output";
    for (size_t i = 0; i < graph.stages.size(); ++i)
      if (graph.stages[i].output == b)
        return "layer" + std::to_string(i + 1) + "_out";
    return "buffer" + std::to_string(b);
  }
  std::string elementType(int b) const {
    return b == graph.outputBuffer ? "result_t" : "code_t";
  }
  std::string pixelType(int b) const {
    return "qhls::pixel<" + elementType(b) + ", " +
           std::to_string(graph.buffers[b].pack) + ">";
  }
  void writeDefines(llvm::raw_ostream &os);
  void writeParameters(llvm::raw_ostream &os);
  void writeWeights(unsigned i, const Stage &s);
  void writeTopHeader(llvm::raw_ostream &os);
  void writeTop(llvm::raw_ostream &os);
  void writeHost(llvm::raw_ostream &os);
  void writeTestbench(llvm::raw_ostream &os);
  void writeMakefile(llvm::raw_ostream &os);
  void writeTcl(llvm::raw_ostream &os);
  LogicalResult writeReport();
  LogicalResult writeTestbenchData();

  ModuleOp module;
  func::FuncOp func;
  const Graph &graph;
  const HLSConfig &config;
  const FPGACostModel &cost;
  const HLSProjectOptions &options;
  std::string name;
  bool stream;
  bool failedWrite = false;
};

LogicalResult
ProjectWriter::writeFile(StringRef relative,
                         llvm::function_ref<void(llvm::raw_ostream &)> body) {
  SmallString<256> path(options.outputDir);
  llvm::sys::path::append(path, relative);
  if (std::error_code ec = llvm::sys::fs::create_directories(
          llvm::sys::path::parent_path(path))) {
    module.emitError() << "hls: cannot create '"
                       << llvm::sys::path::parent_path(path)
                       << "': " << ec.message();
    return failure();
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec) {
    module.emitError() << "hls: cannot write '" << path << "': " << ec.message();
    return failure();
  }
  body(os);
  os.close();
  if (os.has_error()) {
    module.emitError() << "hls: error writing '" << path << "'";
    os.clear_error();
    return failure();
  }
  return success();
}

void ProjectWriter::writeDefines(llvm::raw_ostream &os) {
  const Buffer &in = graph.buffers[0];
  const Buffer &out = graph.buffers[graph.outputBuffer];
  const Stage *outLayer = nullptr;
  for (const Stage &s : graph.stages)
    if (s.output == graph.outputBuffer)
      outLayer = &s;
  os << "// Types of " << name << " (" << options.producer
     << "): widths from the allocation and the minimal accumulators.\n"
     << "#ifndef " << llvm::StringRef(name).upper() << "_DEFINES_H\n"
     << "#define " << llvm::StringRef(name).upper() << "_DEFINES_H\n\n"
     << "#include \"ap_int.h\"\n#include \"hls_stream.h\"\n"
     << "#include \"qhls/qhls_common.h\"\n\n"
     << "#define N_INPUT " << in.numElements() << "\n"
     << "#define N_OUTPUT " << out.numElements() << "\n\n"
     << "// int8 activation codes (docs/Semantics.md).\n"
     << "typedef ap_int<8> code_t;\n"
     << "// The output layer's accumulators, dequantized on the host.\n"
     << "typedef ap_int<" << layerTypes(*outLayer).accum << "> result_t;\n"
     << "// Requantization multiplier M in [2^30, 2^31) and shift S in "
        "[2, 62].\n"
     << "typedef ap_uint<31> multiplier_t;\ntypedef ap_uint<6> shift_t;\n";
  if (stream) {
    os << "\n// io_stream pixels (the channels of one position).\n"
       << "typedef " << pixelType(0) << " input_pixel_t;\n"
       << "typedef " << pixelType(graph.outputBuffer)
       << " output_pixel_t;\n";
  }
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    const Stage &s = graph.stages[i];
    if (!s.isLayer())
      continue;
    LayerTypes t = layerTypes(s);
    unsigned id = i + 1;
    os << "\n// layer" << id << ": " << stageKindName(s.kind) << " '" << s.name
       << "', " << s.channels << " x " << s.fanIn << ", " << s.weightBits
       << "-bit weights\n";
    if (s.codeType) {
      os << "typedef ap_uint<" << s.weightBits << "> layer" << id
         << "_wcode_t; // " << s.codeType << " codes\n";
      os << "typedef ap_int<" << t.weight << "> layer" << id
         << "_weight_t; // value(code) * 2^"
         << getMinifloatIntegerExponent(s.codeType)
         << " (the bits of ap_fixed<" << t.weight << ", "
         << int(t.weight) - int(getMinifloatIntegerExponent(s.codeType))
         << ">)\n";
    } else {
      os << "typedef ap_int<" << t.weight << "> layer" << id
         << "_weight_t; // q - zq\n";
    }
    os << "typedef ap_int<" << t.xin << "> layer" << id
       << "_xin_t; // x - zx in [" << s.xMin << ", " << s.xMax << "]\n";
    os << "typedef ap_int<" << t.bias << "> layer" << id << "_bias_t;\n";
    os << "typedef ap_int<" << t.accum << "> layer" << id
       << "_accum_t; // every partial sum in [" << s.accMin << ", "
       << s.accMax << "]\n";
    os << "typedef ap_int<" << t.product << "> layer" << id
       << "_product_t; // acc * M " << (s.residual >= 0 ? "+ (r - zr) * Mr " : "")
       << "+ 2^(S-1)\n";
    os << "typedef ap_uint<" << t.rmult << "> layer" << id << "_rmult_t; // "
       << (s.residual >= 0 ? "residual multipliers Mr" : "no residual add")
       << "\n";
  }
  os << "\n#endif\n";
}

void ProjectWriter::writeParameters(llvm::raw_ostream &os) {
  os << "// Layer configurations of " << name << " (" << options.producer
     << ").\n"
     << "#ifndef " << llvm::StringRef(name).upper() << "_PARAMETERS_H\n"
     << "#define " << llvm::StringRef(name).upper() << "_PARAMETERS_H\n\n"
     << "#include \"defines.h\"\n"
     << "#include \"qhls/qhls_conv2d.h\"\n#include \"qhls/qhls_dense.h\"\n"
     << "#include \"qhls/qhls_gather.h\"\n#include \"qhls/qhls_pool.h\"\n\n";
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    const Stage &s = graph.stages[i];
    unsigned id = i + 1;
    if (s.isLayer() || s.kind == StageKind::Gather)
      os << "#include \"weights/w" << id << ".h\"\n";
  }
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    const Stage &s = graph.stages[i];
    unsigned id = i + 1;
    std::string l = "layer" + std::to_string(id);
    os << "\n// " << l << ": " << stageKindName(s.kind) << " '" << s.name
       << "'\nstruct config" << id << " {\n";
    auto field = [&](StringRef key, int64_t v) {
      os << "  static const " << (v < 0 ? "int" : "unsigned") << " " << key
         << " = " << v << ";\n";
    };
    if (s.kind == StageKind::Gather || s.kind == StageKind::Repack ||
        s.kind == StageKind::Clone) {
      field("n_elem", graph.buffers[s.output].numElements());
      field("in_pack", graph.buffers[s.input].pack);
      field("out_pack", graph.buffers[s.output].pack);
      os << "  typedef code_t input_t;\n};\n";
      continue;
    }
    if (s.kind != StageKind::Dense) {
      field("in_height", s.inH);
      field("in_width", s.inW);
      field("n_chan", s.inC);
      field("out_height", s.outH);
      field("out_width", s.outW);
      field("filt_height", s.kH);
      field("filt_width", s.kW);
      field("stride_height", s.strideH);
      field("stride_width", s.strideW);
      field("pad_top", s.padTop);
      field("pad_left", s.padLeft);
      field("dilation_height", s.dilationH);
      field("dilation_width", s.dilationW);
    }
    if (s.kind == StageKind::MaxPool) {
      os << "  typedef code_t input_t;\n};\n";
      continue;
    }
    int64_t units = (s.params() + config.reuseFactor - 1) / config.reuseFactor;
    if (s.kind == StageKind::Dense) {
      field("n_in", s.fanIn);
      field("n_out", s.channels);
      field("in_pack", graph.buffers[s.input].pack);
    } else {
      field("n_filt", s.channels);
      field("depth_multiplier", s.depthMultiplier);
    }
    field("reuse_factor", config.reuseFactor);
    field("n_mult_units", units);
    field("weight_block", units);
    os << "  static const int input_zero = " << s.inputZero << ";\n";
    os << "  static const bool requant = " << (s.requant ? "true" : "false")
       << ";\n";
    field("n_mult", s.requant ? s.multiplier.size() : 1);
    os << "  static const int output_zero = " << s.outputZero << ";\n"
       << "  static const int output_min = " << s.outputMin << ";\n"
       << "  static const int output_max = " << s.outputMax << ";\n"
       << "  typedef code_t input_t;\n"
       << "  typedef " << l << "_xin_t xin_t;\n"
       << "  typedef " << l << "_weight_t weight_t;\n"
       << "  typedef " << l << "_bias_t bias_t;\n"
       << "  typedef " << l << "_accum_t accum_t;\n"
       << "  typedef " << l << "_product_t product_t;\n"
       << "  typedef ::multiplier_t multiplier_t;\n"
       << "  typedef ::shift_t shift_t;\n"
       << "  typedef " << (s.requant ? "code_t" : "result_t")
       << " output_t;\n"
       << "  static const bool residual = "
       << (s.residual >= 0 ? "true" : "false") << ";\n"
       << "  static const int residual_zero = " << s.residualZero << ";\n"
       << "  typedef code_t residual_t;\n"
       << "  typedef " << l << "_rmult_t rmult_t;\n";
    // The stored weights and their decode: the centred integer itself, or
    // a code looked up in the code book's table of integers.
    if (s.codeType)
      os << "  typedef " << l << "_wcode_t wcode_t;\n"
         << "  static weight_t decode(wcode_t w) { return t" << id
         << "[w.to_uint()]; }\n";
    else
      os << "  typedef weight_t wcode_t;\n"
         << "  static weight_t decode(wcode_t w) { return w; }\n";
    os << "};\n";
  }
  os << "\n#endif\n";
}

void ProjectWriter::writeWeights(unsigned id, const Stage &s) {
  std::string file = "firmware/weights/w" + std::to_string(id) + ".h";
  failedWrite |= failed(writeFile(file, [&](llvm::raw_ostream &os) {
    std::string l = "layer" + std::to_string(id);
    os << "// " << stageKindName(s.kind) << " '" << s.name << "' ("
       << options.producer << ")\n#ifndef W" << id << "_H\n#define W" << id
       << "_H\n\n";
    if (s.kind == StageKind::Gather) {
      os << "// out[i] = in[g" << id << "[i]]\nstatic const unsigned g" << id
         << "[" << s.index.size() << "] = {\n";
      printArray<int64_t>(os, s.index,
                          [](int64_t v) { return std::to_string(v); });
      os << "};\n\n#endif\n";
      return;
    }
    if (s.codeType) {
      os << "// " << s.codeType << " weight codes, [" << s.channels << "]["
         << s.fanIn << "] row-major.\nstatic const " << l << "_wcode_t w"
         << id << "[" << s.codes.size() << "] = {\n";
      printArray<int32_t>(os, s.codes,
                          [](int32_t v) { return std::to_string(v); });
      os << "};\n\n// The code book: value(code) * 2^"
         << getMinifloatIntegerExponent(s.codeType)
         << " for every code (NaN codes, which no weight uses: 0).\n"
         << "static const " << l << "_weight_t t" << id << "["
         << s.table.size() << "] = {\n";
      printArray<int32_t>(os, s.table,
                          [](int32_t v) { return std::to_string(v); });
    } else {
      os << "// Centred weight codes q - zq, [" << s.channels << "]["
         << s.fanIn << "] row-major.\nstatic const " << l << "_weight_t w"
         << id << "[" << s.weights.size() << "] = {\n";
      printArray<int32_t>(os, s.weights,
                          [](int32_t v) { return std::to_string(v); });
    }
    os << "};\n\n// Bias codes (int32 accumulator units).\nstatic const " << l
       << "_bias_t b" << id << "[" << s.bias.size() << "] = {\n";
    printArray<int64_t>(os, s.bias,
                        [](int64_t v) { return std::to_string(v); });
    os << "};\n\n";
    std::vector<int64_t> m, sh;
    if (s.requant) {
      m.assign(s.multiplier.begin(), s.multiplier.end());
      sh.assign(s.shift.begin(), s.shift.end());
      os << "// Requantization: out = clamp(" << s.outputZero
         << " + ((acc * m + 2^(s-1)) >> s), " << s.outputMin << ", "
         << s.outputMax << ").\n";
    } else {
      m = {int64_t(1) << 30};
      sh = {2};
      os << "// The output layer writes its accumulators (unused).\n";
    }
    os << "static const multiplier_t m" << id << "[" << m.size() << "] = {\n";
    printArray<int64_t>(os, m, [](int64_t v) { return std::to_string(v); });
    os << "};\nstatic const shift_t s" << id << "[" << sh.size() << "] = {\n";
    printArray<int64_t>(os, sh, [](int64_t v) { return std::to_string(v); });
    os << "};\n";
    if (s.residual >= 0) {
      os << "\n// Fused residual add: + (r - zr) * r" << id
         << "[n] before the rounding (r: the shortcut's codes, zr = "
         << s.residualZero << ").\nstatic const " << l << "_rmult_t r" << id
         << "[" << s.residualMultiplier.size() << "] = {\n";
      printArray<int64_t>(os, s.residualMultiplier,
                          [](int64_t v) { return std::to_string(v) + "ull"; });
      os << "};\n";
    }
    os << "\n#endif\n";
  }));
}

void ProjectWriter::writeTopHeader(llvm::raw_ostream &os) {
  std::string guard = llvm::StringRef(name).upper() + "_H";
  os << "// " << name << ": generated by " << options.producer
     << " (the HLS target, io_" << config.io << ").\n#ifndef " << guard
     << "\n#define " << guard << "\n\n#include \"defines.h\"\n\n";
  if (stream)
    os << "// One input pixel per position (NHWC), one output pixel.\nvoid "
       << name << "(hls::stream<input_pixel_t> &input,\n    hls::stream<"
       << "output_pixel_t> &output);\n";
  else
    os << "// input: int8 codes (NHWC), output: the output layer's "
          "accumulators.\nvoid "
       << name << "(const code_t input[N_INPUT], result_t output[N_OUTPUT]);\n";
  os << "\n#endif\n";
}

void ProjectWriter::writeTop(llvm::raw_ostream &os) {
  os << "// " << name << ": generated by " << options.producer
     << ". One call per stage; see parameters.h.\n"
     << "#include \"" << name << ".h\"\n#include \"parameters.h\"\n\n";
  if (stream) {
    os << "void " << name << "(hls::stream<input_pixel_t> &input,\n"
       << "    hls::stream<output_pixel_t> &output) {\n"
       << "#pragma HLS INTERFACE axis port = input\n"
       << "#pragma HLS INTERFACE axis port = output\n"
       << "#pragma HLS DATAFLOW\n";
  } else {
    os << "void " << name
       << "(const code_t input[N_INPUT], result_t output[N_OUTPUT]) {\n"
       << "#pragma HLS ARRAY_RESHAPE variable = input complete dim = 0\n"
       << "#pragma HLS ARRAY_PARTITION variable = output complete dim = 0\n"
       << "#pragma HLS INTERFACE ap_vld port = input, output\n"
       << "#pragma HLS DATAFLOW\n";
  }
  for (size_t b = 1; b < graph.buffers.size(); ++b) {
    if (int(b) == graph.outputBuffer)
      continue;
    if (stream) {
      os << "  hls::stream<" << pixelType(b) << " > " << bufferName(b) << "(\""
         << bufferName(b) << "\");\n";
      // A shortcut waits in its FIFO while the branch computes: room for
      // the whole tensor.
      for (const Stage &s : graph.stages)
        if (s.residual == int(b))
          os << "#pragma HLS STREAM variable = " << bufferName(b)
             << " depth = "
             << graph.buffers[b].numElements() / graph.buffers[b].pack
             << "\n";
    }
    else
      os << "  code_t " << bufferName(b) << "["
         << graph.buffers[b].numElements() << "];\n"
         << "#pragma HLS ARRAY_PARTITION variable = " << bufferName(b)
         << " complete dim = 0\n";
  }
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    const Stage &s = graph.stages[i];
    unsigned id = i + 1;
    std::string in = bufferName(s.input), out = bufferName(s.output);
    std::string suffix = stream ? "_stream" : "";
    os << "  // " << stageKindName(s.kind) << " '" << s.name << "'\n  ";
    std::string cfg = "<config" + std::to_string(id) + ">";
    std::string w = std::to_string(id);
    switch (s.kind) {
    case StageKind::Dense:
    case StageKind::Conv2D:
    case StageKind::Depthwise:
      os << "qhls::" << stageKindName(s.kind) << suffix << cfg << "(" << in
         << ", "
         << (s.residual >= 0 ? bufferName(s.residual) + ", " : std::string())
         << out << ", w" << w << ", b" << w << ", m" << w << ", s" << w
         << (s.residual >= 0 ? ", r" + w : std::string()) << ");\n";
      break;
    case StageKind::Clone:
      os << "qhls::clone" << suffix << cfg << "(" << in << ", " << out << ", "
         << bufferName(s.output2) << ");\n";
      break;
    case StageKind::MaxPool:
      os << "qhls::max_pool2d" << suffix << cfg << "(" << in << ", " << out
         << ");\n";
      break;
    case StageKind::Gather:
      os << "qhls::gather" << suffix << cfg << "(" << in << ", " << out
         << ", g" << w << ");\n";
      break;
    case StageKind::Repack:
      if (stream)
        os << "qhls::repack_stream" << cfg << "(" << in << ", " << out
           << ");\n";
      else
        os << "for (unsigned i = 0; i < " << graph.buffers[s.output].numElements()
           << "; ++i) " << out << "[i] = " << in << "[i];\n";
      break;
    }
  }
  os << "}\n";
}

void ProjectWriter::writeHost(llvm::raw_ostream &os) {
  const OutputEpilogue &e = graph.epilogue;
  int64_t argElements = 1;
  for (int64_t d : graph.argShape)
    argElements *= d;
  int64_t resultElements = graph.buffers[graph.outputBuffer].numElements();
  bool identity = true;
  for (size_t i = 0; i < graph.inputIndex.size(); ++i)
    identity &= graph.inputIndex[i] == int64_t(i);
  std::string guard = llvm::StringRef(name).upper() + "_HOST_H";
  os << "// The host side of " << name << " (" << options.producer
     << "): the input quantization and the output layer's float epilogue,\n"
     << "// exactly as the reference executor computes them "
        "(docs/Semantics.md). Not synthesized.\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include \"firmware/" << name << ".h\"\n\n#include <cmath>\n\n"
     << "namespace " << name << "_host {\n\n"
     << "static const unsigned n_arg = " << argElements
     << "; // the model input's float elements\n"
     << "static const unsigned n_result = " << resultElements
     << "; // the model output's float elements\n"
     << "static const float input_scale = " << hexFloat(graph.inputScale)
     << ";\nstatic const int input_zero = " << graph.inputZero << ";\n";
  if (!identity) {
    os << "// Device input element i is model input element "
          "input_index[i] (the NCHW -> NHWC transpose).\n"
       << "static const unsigned input_index[N_INPUT] = {\n";
    printArray<int64_t>(os, graph.inputIndex,
                        [](int64_t v) { return std::to_string(v); });
    os << "};\n";
  }
  os << "\n// q = clamp(round_half_even(x / s) + z, -128, 127); NaN -> z.\n"
     << "inline void quantize_input(const float x[n_arg], code_t "
        "codes[N_INPUT]) {\n"
     << "  for (unsigned i = 0; i < N_INPUT; ++i) {\n"
     << "    float r = std::nearbyint(x[" << (identity ? "i" : "input_index[i]")
     << "] / input_scale);\n"
     << "    double v = std::isnan(r) ? 0.0 : double(r);\n"
     << "    v = std::fmin(std::fmax(v + input_zero, -128.0), 127.0);\n"
     << "    codes[i] = int(v);\n  }\n}\n\n";
  os << "static const unsigned n_channels = " << e.scale.size() << ";\n"
     << "// float32(sx * s[n]) of the output layer.\n"
     << "static const float output_scale[" << e.scale.size() << "] = {\n";
  printArray<float>(os, e.scale, hexFloat);
  os << "};\n";
  if (!e.bias.empty()) {
    os << "static const float output_bias[" << e.bias.size() << "] = {\n";
    printArray<float>(os, e.bias, hexFloat);
    os << "};\n";
  }
  if (!e.addBias.empty()) {
    os << "// The constant added after the layer, per result element.\n"
       << "static const float output_add[" << e.addBias.size() << "] = {\n";
    printArray<float>(os, e.addBias, hexFloat);
    os << "};\n";
  }
  if (!e.outputIndex.empty()) {
    os << "// Result element i is accumulator output_index[i] (the layout "
          "change after the layer).\n"
       << "static const unsigned output_index[n_result] = {\n";
    printArray<int64_t>(os, e.outputIndex,
                        [](int64_t v) { return std::to_string(v); });
    os << "};\n";
  }
  os << "\n// y = float32(float32(acc) * scale[n])"
     << (e.bias.empty() ? "" : " + bias[n]")
     << (e.addBias.empty() ? "" : " + add[i]") << ", in float32 steps.\n"
     << "inline void dequantize_output(const result_t acc[N_OUTPUT], float "
        "y[n_result]) {\n"
     << "  for (unsigned i = 0; i < n_result; ++i) {\n"
     << "    unsigned j = " << (e.outputIndex.empty() ? "i" : "output_index[i]")
     << ", n = j % n_channels;\n"
     << "    float v = 0.0f + float(acc[j].to_int64()) * output_scale[n];\n";
  if (!e.bias.empty())
    os << "    v = v + output_bias[n];\n";
  if (!e.addBias.empty())
    os << "    v = v + output_add[i];\n";
  os << "    y[i] = v;\n  }\n}\n\n} // namespace " << name << "_host\n\n#endif\n";
}

void ProjectWriter::writeTestbench(llvm::raw_ostream &os) {
  const Buffer &in = graph.buffers[0];
  const Buffer &out = graph.buffers[graph.outputBuffer];
  os << "// C-simulation testbench of " << name << " (" << options.producer
     << ").\n"
     << "// Reads tb_data/ (inputs and the reference executor's expected "
        "values), runs the host\n"
     << "// quantization, the top function and the host epilogue, and counts "
        "every mismatch:\n"
     << "// input codes, output accumulators (bit-exact integers) and output "
        "floats (bit-exact).\n"
     << "// Usage: " << name << "_csim [tb_data directory]\n"
     << "#include \"firmware/" << name << ".h\"\n#include \"" << name
     << "_host.h\"\n\n"
     << "#include <cstdio>\n#include <cstdlib>\n#include <cstring>\n"
     << "#include <fstream>\n#include <sstream>\n#include <string>\n"
     << "#include <vector>\n\n"
     << "using namespace " << name << "_host;\n\n"
     << "static bool read_line(std::ifstream &f, std::vector<double> &v, "
        "size_t n) {\n"
     << "  std::string line;\n  if (!std::getline(f, line))\n    return "
        "false;\n"
     << "  std::istringstream s(line);\n  v.assign(n, 0);\n"
     << "  for (size_t i = 0; i < n; ++i) {\n    std::string tok;\n"
     << "    if (!(s >> tok))\n      return false;\n"
     << "    v[i] = std::strtod(tok.c_str(), nullptr);\n  }\n  return true;\n}\n\n"
     << "int main(int argc, char **argv) {\n"
     << "  std::string dir = argc > 1 ? argv[1] : \"tb_data\";\n"
     << "  std::ifstream fx(dir + \"/tb_input_features.dat\"), fc(dir + "
        "\"/tb_input_codes.dat\"),\n"
     << "      fa(dir + \"/tb_output_acc.dat\"), fy(dir + "
        "\"/tb_output_predictions.dat\"),\n"
     << "      fl(dir + \"/tb_labels.dat\");\n"
     << "  if (!fx || !fc || !fa || !fy) {\n"
     << "    std::fprintf(stderr, \"" << name
     << "_csim: cannot read %s/tb_*.dat\\n\", dir.c_str());\n"
     << "    return 2;\n  }\n"
     << "  std::FILE *log = std::fopen((dir + \"/csim_results.log\").c_str(), "
        "\"w\");\n"
     << "  long samples = 0, bad_codes = 0, bad_acc = 0, bad_out = 0, correct "
        "= 0, labelled = 0;\n"
     << "  std::vector<double> x, c, a, y, l;\n"
     << "  while (read_line(fx, x, n_arg)) {\n"
     << "    if (!read_line(fc, c, N_INPUT) || !read_line(fa, a, N_OUTPUT) ||\n"
     << "        !read_line(fy, y, n_result)) {\n"
     << "      std::fprintf(stderr, \"" << name
     << "_csim: tb_data files have different lengths\\n\");\n"
     << "      return 2;\n    }\n"
     << "    float xf[n_arg];\n"
     << "    for (unsigned i = 0; i < n_arg; ++i)\n      xf[i] = float(x[i]);\n"
     << "    code_t codes[N_INPUT];\n    quantize_input(xf, codes);\n"
     << "    for (unsigned i = 0; i < N_INPUT; ++i)\n"
     << "      bad_codes += codes[i].to_int() != int(c[i]);\n"
     << "    result_t acc[N_OUTPUT];\n";
  if (stream) {
    os << "    hls::stream<input_pixel_t> sin(\"input\");\n"
       << "    hls::stream<output_pixel_t> sout(\"output\");\n"
       << "    for (unsigned p = 0; p < N_INPUT / " << in.pack << "; ++p) {\n"
       << "      input_pixel_t v;\n"
       << "      for (unsigned k = 0; k < " << in.pack << "; ++k)\n"
       << "        v[k] = codes[p * " << in.pack << " + k];\n"
       << "      sin.write(v);\n    }\n"
       << "    " << name << "(sin, sout);\n"
       << "    for (unsigned p = 0; p < N_OUTPUT / " << out.pack << "; ++p) {\n"
       << "      output_pixel_t v = sout.read();\n"
       << "      for (unsigned k = 0; k < " << out.pack << "; ++k)\n"
       << "        acc[p * " << out.pack << " + k] = v[k];\n    }\n"
       << "    if (!sin.empty() || !sout.empty()) {\n"
       << "      std::fprintf(stderr, \"" << name
       << "_csim: streams not drained\\n\");\n      return 2;\n    }\n";
  } else {
    os << "    " << name << "(codes, acc);\n";
  }
  os << "    for (unsigned i = 0; i < N_OUTPUT; ++i)\n"
     << "      bad_acc += acc[i].to_int64() != (long long)a[i];\n"
     << "    float out[n_result];\n    dequantize_output(acc, out);\n"
     << "    unsigned best = 0;\n"
     << "    for (unsigned i = 0; i < n_result; ++i) {\n"
     << "      float want = float(y[i]);\n"
     << "      bad_out += std::memcmp(&out[i], &want, sizeof(float)) != 0;\n"
     << "      if (out[i] > out[best])\n        best = i;\n    }\n"
     << "    if (log) {\n      std::fprintf(log, \"%u\", best);\n"
     << "      for (unsigned i = 0; i < n_result; ++i)\n"
     << "        std::fprintf(log, \" %.9g\", out[i]);\n"
     << "      std::fprintf(log, \"\\n\");\n    }\n"
     << "    std::vector<double> label;\n"
     << "    if (fl && read_line(fl, label, 1)) {\n"
     << "      ++labelled;\n      correct += long(label[0]) == long(best);\n"
     << "    }\n    ++samples;\n  }\n"
     << "  if (log)\n    std::fclose(log);\n"
     << "  long mismatches = bad_codes + bad_acc + bad_out;\n"
     << "  std::printf(\"" << name
     << " csim: %ld samples, %ld mismatches (input codes %ld, output "
        "accumulators %ld, output floats %ld)\\n\",\n"
     << "              samples, mismatches, bad_codes, bad_acc, bad_out);\n"
     << "  if (labelled)\n"
     << "    std::printf(\"" << name
     << " csim: accuracy %.4f (%ld/%ld)\\n\", double(correct) / "
        "double(labelled), correct, labelled);\n"
     << "  return samples == 0 || mismatches != 0;\n}\n";
}

void ProjectWriter::writeMakefile(llvm::raw_ostream &os) {
  os << "# C simulation of " << name << " with g++ (" << options.producer
     << ").\n"
     << "# csim/include holds qopt's clean-room ap_int.h, ap_fixed.h and "
        "hls_stream.h;\n"
     << "# Vitis HLS (build_prj.tcl) uses its own headers instead.\n"
     << "CXX ?= g++\n"
     << "CXXFLAGS ?= -O2 -std=c++17 -ffp-contract=off\n"
     << "SOURCES = " << name << "_test.cpp firmware/" << name << ".cpp\n"
     << "HEADERS = $(wildcard firmware/*.h firmware/weights/*.h "
        "firmware/qhls/*.h csim/include/*.h) "
     << name << "_host.h\n\n"
     << ".PHONY: csim run clean\n"
     << "csim: " << name << "_csim\n\n"
     << name << "_csim: $(SOURCES) $(HEADERS)\n"
     << "\t$(CXX) $(CXXFLAGS) -Icsim/include -Ifirmware -I. -o $@ "
        "$(SOURCES)\n\n"
     << "run: csim\n\t./" << name << "_csim tb_data\n\n"
     << "clean:\n\trm -f " << name << "_csim tb_data/csim_results.log\n";
}

void ProjectWriter::writeTcl(llvm::raw_ostream &os) {
  double period = 1000.0 / config.clockMHz;
  os << "# Vitis HLS project of " << name << " (" << options.producer
     << ").\n"
     << "# vitis_hls -f build_prj.tcl [-tclargs csim=1 synth=1 cosim=0 "
        "export=0 reset=0]\n"
     << "array set opt {reset 0 csim 1 synth 1 cosim 0 export 0}\n"
     << "foreach arg $::argv {\n"
     << "  foreach {key value} [split $arg =] { if {[info exists opt($key)]} "
        "{ set opt($key) $value } }\n"
     << "}\n"
     << "if {$opt(reset)} { open_project -reset " << name
     << "_prj } else { open_project " << name << "_prj }\n"
     << "set_top " << name << "\n"
     << "add_files firmware/" << name << ".cpp -cflags \"-std=c++14\"\n"
     << "add_files -tb " << name << "_test.cpp -cflags \"-std=c++14\"\n"
     << "add_files -tb " << name << "_host.h\n"
     << "add_files -tb tb_data\n"
     << "if {$opt(reset)} { open_solution -reset solution1 } else { "
        "open_solution solution1 }\n"
     << "set_part {" << cost.getParameters().device << "}\n"
     << "create_clock -period " << llvm::formatv("{0:f3}", period)
     << " -name default\n"
     << "if {$opt(csim)} { csim_design -argv tb_data }\n"
     << "if {$opt(synth)} { csynth_design }\n"
     << "if {$opt(cosim)} { cosim_design -argv tb_data }\n"
     << "if {$opt(export)} { export_design -format ip_catalog }\n"
     << "exit\n";
}

LogicalResult ProjectWriter::writeReport() {
  const FPGAModelParameters &p = cost.getParameters();
  llvm::json::Array layers;
  double luts = 0, dsps = 0, brams = 0, ffs = 0, cycles = 0;
  std::string table;
  llvm::raw_string_ostream t(table);
  const char *row = "{0,-32} {1,-17} {2,4} {3,5} {4,6} {5,10:f0} {6,7:f0} "
                    "{7,7:f0} {8,10:f0} {9,10:f0}\n";
  t << llvm::formatv("{0,-32} {1,-17} {2,4} {3,5} {4,6} {5,10} {6,7} {7,7} "
                     "{8,10} {9,10}\n",
                     "layer", "kind", "bits", "acc", "reuse", "LUT", "DSP",
                     "BRAM18", "FF", "cycles");
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    const Stage &s = graph.stages[i];
    if (!s.isLayer())
      continue;
    FPGALayerShape shape{s.params(), s.macs(), s.fanIn};
    FPGAEstimate e = cost.estimate(shape, s.format);
    LayerTypes types = layerTypes(s);
    luts += e.luts;
    dsps += e.dsps;
    brams += e.brams;
    ffs += e.ffs;
    cycles += e.cycles;
    layers.push_back(llvm::json::Object{
        {"name", s.name},
        {"id", int64_t(i + 1)},
        {"kind", stageKindName(s.kind)},
        {"residual_add", s.residual >= 0},
        {"weight_bits", int64_t(s.weightBits)},
        {"accum_bits", int64_t(types.accum)},
        {"params", s.params()},
        {"macs", s.macs()},
        {"ReuseFactor", int64_t(p.reuseFactor)},
        {"multipliers", e.multipliers},
        {"LUT", e.luts},
        {"DSP", e.dsps},
        {"BRAM_18K", e.brams},
        {"FF", e.ffs},
        {"Latency", e.cycles},
    });
    std::string kind = stageKindName(s.kind);
    if (s.residual >= 0)
      kind += "+add";
    t << llvm::formatv(row, s.name, kind, s.weightBits,
                       types.accum, p.reuseFactor, e.luts, e.dsps, e.brams,
                       e.ffs, e.cycles);
  }
  auto utilization = [](double used, double total) -> llvm::json::Value {
    if (total <= 0)
      return nullptr;
    return used / total;
  };
  llvm::json::Object report{
      {"producer", options.producer},
      {"name", name},
      {"part", p.device},
      {"IOType", "io_" + config.io},
      {"ReuseFactor", int64_t(p.reuseFactor)},
      {"ClockMHz", p.clockMHz},
      {"estimate", "qopt FPGA cost model (docs/Allocation.md)"},
      {"layers", std::move(layers)},
      {"totals", llvm::json::Object{{"LUT", luts},
                                    {"DSP", dsps},
                                    {"BRAM_18K", brams},
                                    {"FF", ffs},
                                    {"Latency", cycles}}},
      {"available", llvm::json::Object{{"LUT", p.totalLUTs},
                                       {"DSP", p.totalDSPs},
                                       {"BRAM_18K", p.totalBRAMs},
                                       {"FF", p.totalFFs}}},
      {"utilization",
       llvm::json::Object{{"LUT", utilization(luts, p.totalLUTs)},
                          {"DSP", utilization(dsps, p.totalDSPs)},
                          {"BRAM_18K", utilization(brams, p.totalBRAMs)},
                          {"FF", utilization(ffs, p.totalFFs)}}},
  };
  t << llvm::formatv(row, "total", "", "", "", "", luts, dsps, brams, ffs,
                     cycles);
  auto percent = [](double used, double total) {
    return total > 0 ? llvm::formatv("{0:f1}%", 100 * used / total).str()
                     : std::string("?");
  };
  if (p.totalLUTs > 0)
    t << "utilization of " << p.device << ": LUT " << percent(luts, p.totalLUTs)
      << ", DSP " << percent(dsps, p.totalDSPs) << ", BRAM18 "
      << percent(brams, p.totalBRAMs) << ", FF " << percent(ffs, p.totalFFs)
      << "\n";
  t << "Estimates of the FPGA cost model (docs/Allocation.md), not synthesis "
       "results.\n";
  if (failed(writeFile("report.json", [&](llvm::raw_ostream &os) {
        os << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
           << "\n";
      })))
    return failure();
  return writeFile("report.txt", [&](llvm::raw_ostream &os) { os << table; });
}

/// The testbench's inputs and the executor's outputs for them.
LogicalResult ProjectWriter::writeTestbenchData() {
  // Inputs.
  auto argType = cast<RankedTensorType>(func.getArgument(0).getType());
  int64_t argElements = argType.getNumElements();
  std::vector<Tensor> inputs;
  std::vector<int64_t> labels;
  if (!options.tbData.empty()) {
    auto dataset = loadDataset(options.tbData, options.tbSamples);
    if (!dataset) {
      module.emitError() << "hls: tb-data: "
                         << llvm::toString(dataset.takeError());
      return failure();
    }
    for (Tensor &sample : dataset->samples) {
      if (sample.getNumElements() != argElements ||
          sample.getDType() != DType::F32) {
        module.emitError() << "hls: tb-data '" << options.tbData
                           << "': a sample has " << sample.getNumElements()
                           << " " << dtypeName(sample.getDType())
                           << " elements, the input needs " << argElements
                           << " float32";
        return failure();
      }
      Tensor t = Tensor::zeros(DType::F32, argType.getShape());
      const float *src = sample.data<float>();
      float *dst = t.mutableData<float>();
      for (int64_t i = 0; i < argElements; ++i)
        dst[i] = float((double(src[i]) - options.inputMean) / options.inputStd);
      inputs.push_back(t);
    }
    labels = dataset->labels;
  } else {
    // Deterministic inputs over the input quantization's range.
    int64_t n = options.tbSamples > 0 ? options.tbSamples : 16;
    std::mt19937 rng(0);
    float lo = graph.inputScale * float(-128 - graph.inputZero);
    float hi = graph.inputScale * float(127 - graph.inputZero);
    for (int64_t s = 0; s < n; ++s) {
      Tensor t = Tensor::zeros(DType::F32, argType.getShape());
      float *dst = t.mutableData<float>();
      for (int64_t i = 0; i < argElements; ++i)
        dst[i] = lo + (hi - lo) * float(double(rng() >> 8) * 0x1p-24);
      inputs.push_back(t);
    }
  }

  // The reference: a copy of the function that also returns the input
  // codes and the output layer's accumulators.
  OwningOpRef<ModuleOp> copy(cast<ModuleOp>(module->clone()));
  auto refFunc = copy->lookupSymbol<func::FuncOp>(func.getSymName());
  SmallVector<Operation *> original, cloned;
  func.walk([&](Operation *op) { original.push_back(op); });
  refFunc.walk([&](Operation *op) { cloned.push_back(op); });
  auto counterpart = [&](Operation *op) {
    return cloned[llvm::find(original, op) - original.begin()];
  };
  Operation *quantize = counterpart(graph.inputQuantize);
  Operation *layer = counterpart(graph.outputLayer);
  OpBuilder b(layer->getContext());
  b.setInsertionPointAfter(layer);
  auto layerType = cast<RankedTensorType>(layer->getResult(0).getType());
  OperationState state(layer->getLoc(), layer->getName());
  state.addOperands({layer->getOperand(0), layer->getOperand(1)});
  state.addAttributes(layer->getAttrs());
  bool codeBook = bool(getMinifloatCodeBits(
      cast<ShapedType>(layer->getOperand(1).getType()).getElementType()));
  state.addTypes(
      layerType.clone(codeBook ? b.getI64Type() : b.getI32Type()));
  Operation *acc = b.create(state);
  auto ret = cast<func::ReturnOp>(refFunc.getBody().front().getTerminator());
  SmallVector<Value> results(ret.getOperands());
  results.push_back(quantize->getResult(0));
  results.push_back(acc->getResult(0));
  ret->setOperands(results);
  SmallVector<DictionaryAttr> resultAttrs;
  for (unsigned i = 0; i < refFunc.getNumResults(); ++i)
    resultAttrs.push_back(refFunc.getResultAttrDict(i));
  resultAttrs.resize(results.size(), b.getDictionaryAttr({}));
  refFunc.setFunctionType(b.getFunctionType(
      refFunc.getArgumentTypes(), ValueRange(results).getTypes()));
  refFunc.setAllResultAttrs(resultAttrs);
  auto executor = Executor::create(refFunc);
  if (failed(executor))
    return failure();

  std::string xs, cs, as, ys, ls;
  llvm::raw_string_ostream x(xs), c(cs), a(as), y(ys), l(ls);
  for (size_t s = 0; s < inputs.size(); ++s) {
    auto out = (*executor)->run({inputs[s]});
    if (failed(out))
      return failure();
    const Tensor &result = (*out)[0];
    const Tensor &codes = (*out)[1];
    const Tensor &accs = (*out)[2];
    auto line = [](llvm::raw_ostream &os, int64_t n, auto get) {
      for (int64_t i = 0; i < n; ++i)
        os << (i ? " " : "") << get(i);
      os << "\n";
    };
    const float *xin = inputs[s].data<float>();
    line(x, argElements, [&](int64_t i) { return exactFloat(xin[i]); });
    // The device input is NHWC: the codes of the quantize, in its order.
    line(c, codes.getNumElements(),
         [&](int64_t i) { return int(codes.data<int8_t>()[i]); });
    line(a, accs.getNumElements(), [&](int64_t i) {
      return accs.getDType() == DType::I64 ? accs.data<int64_t>()[i]
                                           : int64_t(accs.data<int32_t>()[i]);
    });
    line(y, result.getNumElements(),
         [&](int64_t i) { return exactFloat(result.data<float>()[i]); });
    if (s < labels.size())
      l << labels[s] << "\n";
  }
  if (failed(writeFile("tb_data/tb_input_features.dat",
                       [&](llvm::raw_ostream &os) { os << xs; })) ||
      failed(writeFile("tb_data/tb_input_codes.dat",
                       [&](llvm::raw_ostream &os) { os << cs; })) ||
      failed(writeFile("tb_data/tb_output_acc.dat",
                       [&](llvm::raw_ostream &os) { os << as; })) ||
      failed(writeFile("tb_data/tb_output_predictions.dat",
                       [&](llvm::raw_ostream &os) { os << ys; })))
    return failure();
  if (!labels.empty() &&
      failed(writeFile("tb_data/tb_labels.dat",
                       [&](llvm::raw_ostream &os) { os << ls; })))
    return failure();
  return success();
}

LogicalResult ProjectWriter::write() {
  if (stream) {
    // A stream has one reader: fan-out would need a split stage.
    std::vector<int> readers(graph.buffers.size(), 0);
    for (const Stage &s : graph.stages)
      if (++readers[s.input] > 1)
        return module.emitError()
               << "hls: io=stream: buffer '" << bufferName(s.input)
               << "' has several readers (use io=parallel)";
  }
  for (const EmbeddedFile &f : kLibraryFiles)
    if (failed(writeFile(f.path,
                         [&](llvm::raw_ostream &os) { os << f.text; })))
      return failure();
  if (failed(writeFile("firmware/defines.h",
                       [&](llvm::raw_ostream &os) { writeDefines(os); })) ||
      failed(writeFile("firmware/parameters.h",
                       [&](llvm::raw_ostream &os) { writeParameters(os); })) ||
      failed(writeFile("firmware/" + name + ".h",
                       [&](llvm::raw_ostream &os) { writeTopHeader(os); })) ||
      failed(writeFile("firmware/" + name + ".cpp",
                       [&](llvm::raw_ostream &os) { writeTop(os); })) ||
      failed(writeFile(name + "_host.h",
                       [&](llvm::raw_ostream &os) { writeHost(os); })) ||
      failed(writeFile(name + "_test.cpp",
                       [&](llvm::raw_ostream &os) { writeTestbench(os); })) ||
      failed(writeFile("Makefile",
                       [&](llvm::raw_ostream &os) { writeMakefile(os); })) ||
      failed(writeFile("build_prj.tcl",
                       [&](llvm::raw_ostream &os) { writeTcl(os); })))
    return failure();
  // The quantized IR the project comes from (qopt.hls records how).
  if (failed(writeFile(name + ".mlir",
                       [&](llvm::raw_ostream &os) { module->print(os); })))
    return failure();
  for (size_t i = 0; i < graph.stages.size(); ++i)
    if (graph.stages[i].isLayer() ||
        graph.stages[i].kind == StageKind::Gather)
      writeWeights(i + 1, graph.stages[i]);
  if (failedWrite || failed(writeReport()))
    return failure();
  return writeTestbenchData();
}

} // namespace

LogicalResult mlir::qopt::emitHLSProject(ModuleOp module,
                                         const HLSProjectOptions &options) {
  func::FuncOp func = module.lookupSymbol<func::FuncOp>(options.entry);
  if (!func) {
    for (auto f : module.getOps<func::FuncOp>())
      if (!f.isDeclaration()) {
        func = f;
        break;
      }
  }
  if (!func)
    return module.emitError() << "hls: no function to compile";
  FailureOr<Graph> graph = buildGraph(func);
  if (failed(graph))
    return failure();
  HLSConfig config = HLSConfig::fromModule(module);
  auto cost = createHLSCostModel(config);
  if (!cost)
    return module.emitError() << llvm::toString(cost.takeError());
  ProjectWriter writer(module, func, *graph, config, **cost, options);
  return writer.write();
}
