//===- Passes.td - QOpt dialect passes ---------------------*- tablegen -*-===//
//
// Passes that read and write qopt's layer annotations.
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_DIALECT_QOPT_TRANSFORMS_PASSES_TD
#define QOPT_DIALECT_QOPT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AnnotateCandidatesPass : Pass<"qopt-annotate-candidates"> {
  let summary = "Attach the candidate formats each layer may be quantized to";
  let description = [{
    Puts a `qopt.candidates` attribute on every op implementing
    `QuantizableOpInterface` whose weight is known at compile time (a
    constant, or computed from constants by side-effect-free ops). Layers
    whose "weight" is a run-time value (e.g. attention's `Q x K^T`) are left
    alone. The candidates are the requested integer bit widths, then the
    requested minifloats, all with the requested granularity:

    * `per-channel`: along the weight's output-channel axis;
    * `group`: groups of `group-size` along the weight's group axis (its
      innermost reduction axis). A layer whose group axis the group size
      does not tile gets per-channel candidates instead, with a warning;
    * `per-tensor`.

    Integer candidates are signed and symmetric unless `asymmetric` is set
    (then unsigned with a zero point, or signed with a zero point when
    `signed` is also set). Existing `qopt.candidates` are kept unless
    `overwrite` is set.

    With `target=NAME` (a registered target: `qopt --list-targets`), only
    formats the target lowers for the layer are offered
    (`TargetBackend::getLayerSupport`); the pass warns once per dropped
    format, naming the layers and the reason, and a layer left without any
    candidate stays float. This is the first step of the bit-allocation
    flow: sensitivity analysis and the allocator work on these candidates.

    Before (`bits=8,4 granularity=group group-size=32`):

    ```mlir
    %y = tosa.matmul %x, %w, %zp, %zp
        : (tensor<1x8x64xf32>, tensor<1x64x16xf32>, tensor<1xf32>,
           tensor<1xf32>) -> tensor<1x8x16xf32>
    ```

    After:

    ```mlir
    %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[
           #qopt.format<si8, group(axis = 1, size = 32)>,
           #qopt.format<si4, group(axis = 1, size = 32)>]>} : ...
    ```
  }];
  let dependentDialects = ["::mlir::qopt::QOptDialect"];
  let options = [
    ListOption<"bits", "bits", "unsigned",
               "Integer bit widths to offer, in order (1 to 8). Defaults to "
               "8,4 when neither bits nor minifloats is given">,
    ListOption<"minifloats", "minifloats", "std::string",
               "Builtin floating-point element types to offer, e.g. "
               "f8E4M3FN,f4E2M1FN">,
    Option<"granularity", "granularity", "::mlir::qopt::Granularity",
           "::mlir::qopt::Granularity::PerChannel",
           "Scale granularity of every candidate",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qopt::Granularity::PerTensor, "per-tensor",
                        "one scale per weight tensor"),
             clEnumValN(::mlir::qopt::Granularity::PerChannel, "per-channel",
                        "one scale per output channel"),
             clEnumValN(::mlir::qopt::Granularity::Group, "group",
                        "one scale per group along the reduction axis"))}]>,
    Option<"groupSize", "group-size", "int64_t", "128",
           "Group size for granularity=group">,
    Option<"asymmetric", "asymmetric", "bool", "false",
           "Offer asymmetric integer formats (with zero points; unsigned "
           "unless signed is set)">,
    Option<"signedAsymmetric", "signed", "bool", "false",
           "With asymmetric: signed grids (si<N>) with zero points">,
    Option<"overwrite", "overwrite", "bool", "false",
           "Replace existing qopt.candidates attributes">,
    Option<"target", "target", "std::string", "\"\"",
           "Offer only the formats this target lowers (cpu, onnx, ...)">
  ];
}

def PrintLayerTablePass : Pass<"qopt-print-layer-table"> {
  let summary = "Print a table of the quantizable layers";
  let description = [{
    Prints one row per layer found through `QuantizableOpInterface`: its name
    (from the op's location, i.e. the ONNX node name for imported models),
    op, weight type, parameter count, MACs, whether the weight is a
    compile-time constant, and its candidate and chosen formats. The IR is
    not changed. Totals come first:

    ```
    qopt layers: 2 (2 with constant weights), 4.7 K params, 1.2 M MACs
      #  layer  op           weight             params     MACs  const  candidates      chosen
      0  conv1  tosa.conv2d  tensor<8x3x3x3xf32>   216   442368  yes    si8-ch,si4-ch   -
    ```
  }];
  let options = [
    Option<"outputFile", "output-file", "std::string", "\"-\"",
           "Where to write the table ('-' for stdout)">
  ];
}

def CalibratePass : Pass<"qopt-calibrate", "::mlir::ModuleOp"> {
  let summary = "Run calibration data through the model and record statistics";
  let description = [{
    Runs `num-samples` samples of `data` through the function (`@main`, or
    the module's only function) with qopt's reference executor, in batches
    of the input's leading dimension, and records:

    * on every op with a float first result, and as an argument attribute
      on every float function argument, `qopt.act_stats`: observed min/max
      and the clipping range chosen by `method` (`minmax`; `percentile` of
      the values; `mse` or `entropy` over a histogram of |x| for
      `bits`-bit quantization), per tensor or, with `per-channel`, per
      channel along axis 1;
    * on every TOSA layer (conv2d, depthwise_conv2d, matmul) with a constant
      weight, `qopt.input_stats`: the diagonal of E[x x^T] over the layer's
      input vectors (im2col patches for convolutions), and with
      `second-moments=full` the whole matrix in the `.npz` file `sidecar`
      (computed a group of layers at a time, so that at most
      `max-memory-mb` of matrices are held).

    With `smooth-alpha=A` (0 < A < 1; SmoothQuant, Xiao et al., ICML
    2023), the activation outliers are first migrated into the weights: one
    pass over the data finds each layer input's per-channel max |x_k|, and
    every conv2d, depthwise_conv2d and matmul with a constant weight that
    reads its input channel-for-channel computes (x / s) (diag(s) W) with
    s_k = max|x_k|^A / max|W_k|^(1-A): a per-channel `tosa.mul` by 1/s is
    inserted in front of it (what the int8 activation quantizer then sees)
    and its weight is scaled. The statistics are recorded on the smoothed
    model.

    `data` is a `.npy`/`.npz` file, a directory of them,
    `fashion-mnist:IDX3_FILE` or `digits:CSV_FILE` (docs/Calibration.md);
    float samples are normalized as `(x - input-mean) / input-std`; int32
    and int64 inputs (token ids) take integer samples as they are. Results are
    deterministic: the same data gives byte-identical IR and sidecar. A
    progress line goes to stderr every quarter of each pass.

    Before:

    ```mlir
    %1 = tosa.conv2d %0, %w, ... : (...) -> tensor<1x28x28x16xf32>
    ```

    After (`method=minmax`):

    ```mlir
    %1 = tosa.conv2d %0, %w, ... {qopt.act_stats = #qopt.act_stats<
           method = "minmax", samples = 256, axis = -1,
           min = [-3.1], max = [4.2],
           lo = [-3.1], hi = [4.2]>,
         qopt.input_stats = #qopt.input_stats<samples = 256,
           diag = dense_resource<conv1_hdiag> : tensor<3x3x1xf32>>}
    ```
  }];
  let dependentDialects = ["::mlir::qopt::QOptDialect"];
  let options = [
    Option<"data", "data", "std::string", "\"\"",
           "Calibration data (see the description)">,
    Option<"numSamples", "num-samples", "int64_t", "256",
           "Samples to use (0: all)">,
    Option<"batchSize", "batch-size", "int64_t", "0",
           "Samples per run; 0 takes the input's leading dimension, which "
           "any other value must equal (pin it at import with "
           "--input-shape)">,
    Option<"method", "method", "::mlir::qopt::CalibrationMethod",
           "::mlir::qopt::CalibrationMethod::MinMax",
           "Range method: minmax, percentile, mse or entropy",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qopt::CalibrationMethod::MinMax, "minmax",
                        "observed min and max"),
             clEnumValN(::mlir::qopt::CalibrationMethod::Percentile,
                        "percentile", "the given percentile of the values"),
             clEnumValN(::mlir::qopt::CalibrationMethod::MSE, "mse",
                        "least squared quantization error at bits"),
             clEnumValN(::mlir::qopt::CalibrationMethod::Entropy, "entropy",
                        "least KL divergence at bits"))}]>,
    Option<"percentile", "percentile", "double", "99.99",
           "Percentile kept by method=percentile">,
    Option<"bits", "bits", "unsigned", "8",
           "Bit width assumed by method=mse and method=entropy">,
    Option<"bins", "bins", "unsigned", "2048", "Histogram bins">,
    Option<"perChannel", "per-channel", "bool", "false",
           "Activation statistics per channel (axis 1)">,
    Option<"secondMoments", "second-moments",
           "::mlir::qopt::SecondMomentsMode",
           "::mlir::qopt::SecondMomentsMode::Diagonal",
           "Layer input moments: none, diagonal or full",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qopt::SecondMomentsMode::None, "none",
                        "none"),
             clEnumValN(::mlir::qopt::SecondMomentsMode::Diagonal,
                        "diagonal", "the diagonal of E[x x^T]"),
             clEnumValN(::mlir::qopt::SecondMomentsMode::Full, "full",
                        "the whole matrix, in the sidecar"))}]>,
    Option<"sidecar", "sidecar", "std::string", "\"\"",
           "The .npz file for full second moments and (methods other "
           "than minmax) every histogram">,
    Option<"maxMemoryMB", "max-memory-mb", "int64_t", "512",
           "Budget for full second-moment matrices held at once">,
    Option<"smoothAlpha", "smooth-alpha", "double", "0.0",
           "SmoothQuant migration strength A in (0, 1): scale layer inputs "
           "by 1/s and weights by s, s_k = max|x_k|^A / max|W_k|^(1-A) "
           "(0: off)">,
    Option<"inputMean", "input-mean", "double", "0.0",
           "Subtracted from every input value">,
    Option<"inputStd", "input-std", "double", "1.0",
           "Divides every input value after the mean">,
    Option<"numThreads", "threads", "unsigned", "1",
           "Executor threads">
  ];
}

def SensitivityPass : Pass<"qopt-sensitivity", "::mlir::ModuleOp"> {
  let summary = "Estimate each layer's loss increase for each candidate";
  let description = [{
    For every layer with `qopt.candidates` and a constant weight, estimates
    the loss increase of quantizing the weight to each candidate and
    records it as `qopt.sensitivity` (docs/Sensitivity.md):

    * `method=weight-error`: sum of (Q(W) - W)^2 (data-free);
    * `method=hessian`: sum over output channels of dW^T H dW with the
      layer input's second moments from `qopt-calibrate`
      (`qopt.input_stats`): the full matrix when its sidecar is available
      and `hessian=full|auto`, else the diagonal;
    * `method=output`: quantizes one layer at a time to each candidate and
      measures the divergence of the model's first output from the float
      model on `data` (the loaders of `qopt-calibrate`) with the reference
      executor: mean KL(float || quantized) over the rows of the output's
      last axis (`metric=kl` for any output of rank >= 2, e.g. a language
      model's [batch, positions, vocab]; `metric=auto` picks it for a
      [batch, classes] output): logits are softmaxed, rows that already
      are probabilities (a softmax result) are compared as they are; else
      the mean squared error (`mse`).

    With `channels-per-group=N` (weight-error and hessian), one value per group of N output channels
    (for per-group allocation) instead of one per layer; layers that
    `qopt-split-group-formats` cannot split by output channel (depthwise
    convolutions) keep one value per layer.

    ```mlir
    %y = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #qopt.candidates<[
           <si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>]>,
         qopt.sensitivity = #qopt.sensitivity<method = "weight-error",
           channels_per_group = 0,
           values = dense<[1.2e-05, 3.4e-03]> : tensor<2xf64>>} : ...
    ```
  }];
  let dependentDialects = ["::mlir::qopt::QOptDialect"];
  let options = [
    Option<"method", "method", "::mlir::qopt::SensitivityMethod",
           "::mlir::qopt::SensitivityMethod::WeightError",
           "weight-error, hessian or output",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qopt::SensitivityMethod::WeightError,
                        "weight-error", "squared weight error (data-free)"),
             clEnumValN(::mlir::qopt::SensitivityMethod::Hessian, "hessian",
                        "dW^T H dW with calibrated input moments"),
             clEnumValN(::mlir::qopt::SensitivityMethod::Output, "output",
                        "divergence of the model's output on data"))}]>,
    Option<"hessian", "hessian", "::mlir::qopt::HessianMode",
           "::mlir::qopt::HessianMode::Auto",
           "For method=hessian: diagonal, full, or auto (full when the "
           "layer has a sidecar)",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qopt::HessianMode::Auto, "auto",
                        "full when the layer has a sidecar, else diagonal"),
             clEnumValN(::mlir::qopt::HessianMode::Diagonal, "diagonal",
                        "the diagonal"),
             clEnumValN(::mlir::qopt::HessianMode::Full, "full",
                        "the full matrix (needs a sidecar)"))}]>,
    Option<"channelsPerGroup", "channels-per-group", "int64_t", "0",
           "Output channels per sensitivity group (0: per layer)">,
    Option<"data", "data", "std::string", "\"\"",
           "For method=output: the samples (as qopt-calibrate's data=)">,
    Option<"numSamples", "num-samples", "int64_t", "64",
           "For method=output: samples to use (0: all)">,
    Option<"inputMean", "input-mean", "double", "0.0",
           "For method=output: subtracted from every input value">,
    Option<"inputStd", "input-std", "double", "1.0",
           "For method=output: every input value is divided by this">,
    Option<"metric", "metric", "::mlir::qopt::OutputMetric",
           "::mlir::qopt::OutputMetric::Auto",
           "For method=output: auto, kl or mse",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qopt::OutputMetric::Auto, "auto",
                        "kl for a [batch, classes] output, else mse"),
             clEnumValN(::mlir::qopt::OutputMetric::KL, "kl",
                        "KL divergence of the rows of the last axis (softmaxed unless already probabilities)"),
             clEnumValN(::mlir::qopt::OutputMetric::MSE, "mse",
                        "mean squared error"))}]>,
    Option<"numThreads", "threads", "unsigned", "1",
           "For method=output: executor threads">
  ];
}

def AllocateBitsPass : Pass<"qopt-allocate-bits", "::mlir::ModuleOp"> {
  let summary = "Choose each layer's format by solving a budgeted ILP";
  let description = [{
    Every layer with `qopt.candidates`, a constant weight and a
    `qopt.sensitivity` is a group of the multiple-choice knapsack
    `minimize sum sensitivity subject to budgets` (qopt/Solver), solved by
    `solver` (`exact`, `cbc` or `greedy`). The chosen format is written as
    `qopt.format`. Budgets (any subset; 0 disables one):

    * `weight-bytes`: packed weights plus one float32 scale per scale group
      and one zero-point byte per group for asymmetric formats;
    * `avg-bits`: the parameter-weighted average weight bit width;
    * `bops`: sum of MACs x weight bits x activation bits (`act-bits`);
    * `latency`: summed layer latencies from the target cost model given
      by `latency-table` (a JSON table of per-MAC costs by bit width and
      measured per-layer figures), or else from the FPGA model (cycles),
      which also adds a latency column to the report;
    * `luts`, `dsps`, `brams`: summed FPGA LUTs, DSP slices and 18 Kb block
      RAMs from the analytical FPGA model `fpga-model` (a JSON file of
      device and hls4ml-style dataflow parameters: activation bits, reuse
      factor, DSP threshold, LUT coefficients, BRAM factor), which also
      adds LUT/DSP/BRAM18 columns and totals to the report.

    The objective is the summed sensitivity, or with `cost-weight=w` the
    summed `sensitivity + w * cost` where `cost-resource` names the priced
    resource (a soft alternative to a budget): any of the budgets above.

    Per-group allocation: a layer whose sensitivity is per group of output
    channels (`qopt-sensitivity{channels-per-group=C}`) contributes one
    variable per group, with that group's sensitivities and the bytes of
    its channels (exact for every granularity); its parameters, MACs,
    latency and FPGA resources are shared in proportion to its channels.
    The result is `qopt.group_formats` (one format per group), or
    `qopt.format` when every group chose the same;
    `qopt-split-group-formats` turns it into layers that
    `qopt-fake-quantize-weights` and `qopt-quantize` take. The report sums
    each layer's groups and lists how many chose each format.

    `first-last-min-bits=N` keeps the first and last layers at N bits or
    more; `min-bits=N` is a floor for every layer (every group of it). An infeasible budget is
    an error that gives the smallest achievable value of each violated
    budget. A report (a table, and JSON when `report-json` names a file) is
    printed to `report` (`-`: stdout; empty: none).

    Pareto mode (`pareto=avg-bits pareto-out=f.csv`) also solves the
    problem for `pareto-points` values of one budget, evenly spaced from
    the smallest achievable to the value where every layer gets its widest
    format, with the other budgets as given, and writes each point's
    budget, objective, bound, resources and chosen formats as CSV or JSON
    (`scripts/plot-pareto.py` draws it). The IR gets the allocation of the
    budgets given as options.

    ```mlir
    // qopt-allocate-bits{avg-bits=5}
    %y = tosa.conv2d ... {qopt.candidates = #qopt.candidates<[<si8, ...>,
           <si4, ...>]>, qopt.sensitivity = ..., qopt.format = #qopt.format<si4, ...>}
    ```
  }];
  let dependentDialects = ["::mlir::qopt::QOptDialect"];
  let options = [
    Option<"weightBytes", "weight-bytes", "double", "0",
           "Budget on weight bytes (with scale/zero-point overhead)">,
    Option<"avgBits", "avg-bits", "double", "0",
           "Budget on the average weight bit width">,
    Option<"bops", "bops", "double", "0",
           "Budget on bit operations (MACs x weight bits x act bits)">,
    Option<"actBits", "act-bits", "unsigned", "8",
           "Activation bit width used for BOPs">,
    Option<"costWeight", "cost-weight", "double", "0",
           "Minimize sensitivity + cost-weight x cost-resource (0: "
           "sensitivity only)">,
    Option<"costResource", "cost-resource", "::mlir::qopt::CostResource",
           "::mlir::qopt::CostResource::WeightBytes",
           "The resource cost-weight prices: weight-bytes, avg-bits, bops, "
           "latency, luts, dsps or brams",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qopt::CostResource::WeightBytes,
                        "weight-bytes", "weight bytes"),
             clEnumValN(::mlir::qopt::CostResource::AvgBits, "avg-bits",
                        "average weight bits"),
             clEnumValN(::mlir::qopt::CostResource::BOPs, "bops",
                        "bit operations"),
             clEnumValN(::mlir::qopt::CostResource::Latency, "latency",
                        "latency (latency-table or fpga-model)"),
             clEnumValN(::mlir::qopt::CostResource::LUTs, "luts",
                        "FPGA LUTs (fpga-model)"),
             clEnumValN(::mlir::qopt::CostResource::DSPs, "dsps",
                        "FPGA DSP slices (fpga-model)"),
             clEnumValN(::mlir::qopt::CostResource::BRAMs, "brams",
                        "FPGA block RAMs (fpga-model)"))}]>,
    Option<"latency", "latency", "double", "0",
           "Budget on the summed layer latency from latency-table (else "
           "fpga-model)">,
    Option<"latencyTable", "latency-table", "std::string", "\"\"",
           "Latency cost model: a JSON table (docs/Allocation.md)">,
    Option<"target", "target", "std::string", "\"\"",
           "The target deployed to: candidates it cannot lower are an "
           "error, latency comes from its cost model (measured for cpu), "
           "and the report lists layers it keeps float">,
    Option<"luts", "luts", "double", "0",
           "Budget on FPGA LUTs from fpga-model">,
    Option<"dsps", "dsps", "double", "0",
           "Budget on FPGA DSP slices from fpga-model">,
    Option<"brams", "brams", "double", "0",
           "Budget on FPGA 18 Kb block RAMs from fpga-model">,
    Option<"fpgaModel", "fpga-model", "std::string", "\"\"",
           "Analytical FPGA resource/latency model: a JSON parameter file "
           "(docs/Allocation.md)">,
    Option<"targetOptions", "target-options", "std::string", "\"\"",
           "The target's options (as its pipeline takes them, e.g. "
           "'part=xc7z020 reuse=64' for hls): without fpga-model, a target "
           "with an FPGA resource model (hls) prices luts, dsps and brams "
           "with it">,
    Option<"firstLastMinBits", "first-last-min-bits", "unsigned", "0",
           "Minimum bits of the first and last layers (0: no pin)">,
    Option<"minBits", "min-bits", "unsigned", "0",
           "Minimum bits of every layer">,
    Option<"solver", "solver", "::mlir::qopt::AllocationSolver",
           "::mlir::qopt::AllocationSolver::Exact",
           "exact, cbc or greedy",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qopt::AllocationSolver::Exact, "exact",
                        "qopt's multiple-choice knapsack solver"),
             clEnumValN(::mlir::qopt::AllocationSolver::CBC, "cbc",
                        "the problem as a MILP for COIN-OR CBC"),
             clEnumValN(::mlir::qopt::AllocationSolver::Greedy, "greedy",
                        "the greedy baseline"))}]>,
    Option<"report", "report", "std::string", "\"-\"",
           "Where to print the allocation table ('-': stdout, '': none)">,
    Option<"reportJson", "report-json", "std::string", "\"\"",
           "Write the allocation as JSON to this file">,
    Option<"pareto", "pareto", "std::string", "\"\"",
           "Sweep this budget (weight-bytes, avg-bits, bops, latency, luts, "
           "dsps or brams) and write the frontier to pareto-out">,
    Option<"paretoPoints", "pareto-points", "unsigned", "16",
           "Budgets in the sweep, evenly spaced from the smallest to the "
           "largest useful value">,
    Option<"paretoOut", "pareto-out", "std::string", "\"\"",
           "Pareto frontier file: CSV when it ends in .csv, JSON otherwise">
  ];
}

def FakeQuantizeWeightsPass
    : Pass<"qopt-fake-quantize-weights", "::mlir::ModuleOp"> {
  let summary = "Replace each layer's weight by its quantize-dequantize "
                "image under its qopt.format";
  let description = [{
    For every layer with `qopt.format` (chosen by `qopt-allocate-bits` or
    set by hand) and a constant weight, evaluates the weight, applies the
    format's simulated quantization (the one `qopt-sensitivity` measures:
    round half to even, scale from max |w| per scale group) and feeds the
    layer a new `tosa.const` with the dequantized values. The model stays
    float; running it (`qopt-run --eval`) measures the accuracy of the
    allocation. The old weight ops are left for `canonicalize` to remove
    when unused. A layer with a format but a weight that is not constant is
    an error.

    ```mlir
    // Before:
    %w = "tosa.const"() <{values = dense<[[[0.3], [1.0]]]> : tensor<1x2x1xf32>}> : ...
    %y = tosa.matmul %x, %w, ... {qopt.format = #qopt.format<si4, per_channel(axis = 2)>}
    // After: 0.3 -> round(0.3 * 7) / 7 = 2/7
    %q = "tosa.const"() <{values = dense<[[[0.285714298], [1.0]]]> : tensor<1x2x1xf32>}> : ...
    %y = tosa.matmul %x, %q, ... {qopt.format = #qopt.format<si4, per_channel(axis = 2)>}
    ```
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
  let options = [
    ListOption<"layers", "layers", "std::string",
               "Only these layers (by name; default: every layer with a "
               "format), e.g. to measure one layer's accuracy drop">
  ];
}

def SplitGroupFormatsPass
    : Pass<"qopt-split-group-formats", "::mlir::ModuleOp"> {
  let summary = "Split layers allocated per channel group into one layer "
                "per format";
  let description = [{
    For every layer with `qopt.group_formats` (a format per group of output
    channels, chosen by `qopt-allocate-bits` from per-group sensitivities):
    consecutive groups with the same format form a run; each run becomes a
    copy of the layer on the same input with `tosa.slice`s of the weight
    (and of a per-channel bias) along the output-channel axis and that
    run's `qopt.format`, and a `tosa.concat` along the result's channel
    axis replaces the layer. A layer with a single run just gets
    `qopt.format`. Afterwards every layer has one format, so
    `qopt-fake-quantize-weights`, `qopt-quantize` and the backends apply
    unchanged. The copies are named `<layer>[c0:c1]` (output channels c0 to
    c1 - 1) and keep the layer's candidates, input statistics and output
    statistics (also put on the concat); the per-group sensitivities are
    dropped. `tosa.conv2d` and `tosa.matmul` can be split; other layers
    with `qopt.group_formats` are an error naming the layer.

    ```mlir
    // Before: 4 output channels in groups of 2
    %y = tosa.matmul %x, %w, %zp, %zp {qopt.group_formats = #qopt.group_formats<
           channels_per_group = 2, formats = [#qopt.format<si4, per_channel(axis = 2)>,
                                              #qopt.format<si8, per_channel(axis = 2)>]>}
         : (tensor<1x3x8xf32>, tensor<1x8x4xf32>, ...) -> tensor<1x3x4xf32>
    // After:
    %w0 = tosa.slice %w, [0, 0, 0], [1, 8, 2]
    %y0 = tosa.matmul %x, %w0, ... {qopt.format = #qopt.format<si4, per_channel(axis = 2)>}
    %w1 = tosa.slice %w, [0, 0, 2], [1, 8, 2]
    %y1 = tosa.matmul %x, %w1, ... {qopt.format = #qopt.format<si8, per_channel(axis = 2)>}
    %y = tosa.concat %y0, %y1 {axis = 2 : i32}
    ```
  }];
  let dependentDialects = ["::mlir::tosa::TosaDialect"];
}

def QuantizePass : Pass<"qopt-quantize", "::mlir::ModuleOp"> {
  let summary = "Materialise the chosen formats: packed quantized weights, "
                "quantized activations and qopt compute ops";
  let description = [{
    For every layer with a `qopt.format` (chosen by `qopt-allocate-bits` or
    set by hand) whose weight is constant, quantizes the weight with
    round-to-nearest at the format's granularity (the rules of
    `docs/Semantics.md`, the same ones sensitivity analysis simulated),
    packs it into the storage ABI as a `qopt.packed_weight` (a resource
    blob) and replaces the layer:

    * `tosa.conv2d` (NHWC, OHWI kernel) becomes `qopt.conv2d` with the
      kernel flattened to `[O, KH * KW * C]`;
    * `tosa.matmul` with a `[1, K, N]` constant weight becomes
      `tosa.reshape` + `qopt.matmul` (weight transposed to `[N, K]`) +
      `tosa.reshape`;
    * `tosa.depthwise_conv2d` becomes `qopt.depthwise_conv2d` (one row of
      `KH * KW` taps per output channel);
    * the named linalg layers other frontends emit (static f32, default
      indexing maps, zero init, constant weight): `linalg.matmul` becomes
      `qopt.matmul`, batch-1 `linalg.batch_matmul` `tensor.collapse_shape`
      + `qopt.matmul` + `tensor.expand_shape`, `linalg.conv_2d_nhwc_hwcf`
      `qopt.conv2d` (HWCF kernel as `[F, KH * KW * C]`).

    Minifloat formats (`f8E4M3FN`, `f8E5M2`, `f6E3M2FN`, `f6E2M3FN`,
    `f4E2M1FN`) become code-book packed weights (codes plus float32 scales)
    and run weight-only, decoded through a table (docs/Semantics.md).

    With `activations=int8` (the default) the layer's input is quantized to
    int8 per tensor with `qopt.quantize`, its scale and zero point taken
    from the `qopt.act_stats` that `qopt-calibrate` put on the producer of
    the input (asymmetric, range widened to include 0), and the layer runs
    on the integer path (W8A8, W4A8, W2A8). With `activations=float` the
    layer runs weight-only (W8/W4/W2 with float32 activations).

    With `gptq`, the weight integers are chosen GPTQ-style (Frantar et al.,
    2023) instead of by rounding to nearest: same scales and zero points,
    but columns (the reduction axis) are quantized in order and each
    rounding error is compensated on the remaining columns through the
    inverse of the layer input's second-moment matrix `H = E[x x^T]` from
    `qopt-calibrate{second-moments=full}` (damped by `gptq-damp` times its
    mean diagonal). This minimizes the layer's output error on the
    calibration data rather than the weight error (docs/Semantics.md,
    "GPTQ").

    With `bias-correction`, each convolution's (and depthwise
    convolution's) bias is corrected for the mean shift its quantized
    weight causes: `b[n] -= Σ_k (dq[n][k] - w[n][k]) · E[x_k]`, where
    `E[x_k]` is the layer input's mean at patch index `k` (padding counted
    as 0) that `qopt-calibrate` records in `qopt.input_stats` (Nagel et
    al., "Data-Free Quantization", ICCV 2019, empirical form). Matmuls are
    left as they are (their bias is a separate add).

    Integer formats of other widths are stored in the next supported
    storage width (3 bits in i4, 5-7 bits in i8, 1 bit in i2) with their
    own grid; unsigned formats are shifted to signed storage. Layers
    without a format stay float. A layer with a format that cannot be
    lowered (`f16`/`bf16`, transposed convolutions, batched matmuls,
    run-time weights: `getQuantizedLayerSupport`) is an error naming the
    layer; `qopt-annotate-candidates{target=…}` never offers such formats.

    ```mlir
    // Before:
    %y = tosa.conv2d %x, %w, %b, %zp, %zp {..., qopt.format =
           #qopt.format<si4, per_channel(axis = 0)>} : ...
    // After (activations=int8):
    %xq = qopt.quantize %x : tensor<1x28x28x1xf32>
            to tensor<1x28x28x1x!quant.uniform<i8:f32, 0.011:-56>>
    %wq = qopt.packed_weight dense_resource<conv1.packed> : tensor<512xi8>
            : tensor<16x9x!quant.uniform<i4:f32:0, {...}>>
    %y = qopt.conv2d %xq, %wq, %b {kernel = array<i64: 3, 3>, ...} : ...
    ```
  }];
  let dependentDialects = ["::mlir::qopt::QOptDialect",
                           "::mlir::quant::QuantDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::tosa::TosaDialect"];
  let options = [
    Option<"activations", "activations",
           "::mlir::qopt::ActivationQuantization",
           "::mlir::qopt::ActivationQuantization::Int8",
           "int8: quantize layer inputs (integer path, needs "
           "qopt-calibrate); float: weight-only quantization",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qopt::ActivationQuantization::Int8, "int8",
                        "quantize layer inputs (integer path, needs "
                        "qopt-calibrate)"),
             clEnumValN(::mlir::qopt::ActivationQuantization::Float, "float",
                        "weight-only quantization"))}]>,
    Option<"gptq", "gptq", "bool", "false",
           "Choose weight integers GPTQ-style, compensating each rounding "
           "error through the layer's input second moments (needs "
           "qopt-calibrate{second-moments=full})">,
    Option<"gptqDamp", "gptq-damp", "double", "0.01",
           "GPTQ: fraction of the mean diagonal added to H">,
    Option<"biasCorrection", "bias-correction", "bool", "false",
           "Subtract from each convolution's bias the mean shift its weight "
           "rounding causes, sum_k (dq - w)[n][k] E[x_k], from the input "
           "means qopt-calibrate records">,
    Option<"target", "target", "std::string", "\"\"",
           "With activations=int8: code-book (minifloat) layers take int8 "
           "inputs (their integer path) where this target lowers the format "
           "on the integer path (hls); else they stay weight-only">
  ];
}

def IntegerChainsPass : Pass<"qopt-integer-chains"> {
  let summary = "Pass int8 codes between integer layers through integer-only "
                "requantization";
  let description = [{
    Rewrites each chain `qopt.quantize(f(layer(x)))`, where `layer` is a
    `qopt.matmul`, `qopt.conv2d` or `qopt.depthwise_conv2d` on the integer
    path with one weight scale per row and `f` a single-use sequence of
    `tosa.transpose`, `tosa.reshape`, `tosa.max_pool2d` and `tosa.clamp`,
    into the integer-only form of `docs/Semantics.md` ("Requantization"):
    the layer returns its exact int32 accumulator (bias quantized to
    `round_half_even(bias / (sx * sw[n]))`), one `qopt.requantize` with
    `M * 2^-S = sx * sw[n] / sy` takes it to the next layer's int8 codes,
    the clamps become its `min`/`max` codes, and the data-movement ops and
    max-pooling run on the int8 codes (they commute with the monotone
    quantization exactly). Code-book (minifloat) layers with int8 inputs
    get the same rewrite with an exact int64 accumulator (`i64` result and
    bias; weights `value(code) * 2^E`, scales `s * 2^-E`). Layers whose
    float result has other users, that use groups of scales, or whose
    multiplier or bias does not fit, keep the float epilogue (a warning
    names them when `verbose`).

    With `residuals=true`, `f` may also start with one `tosa.add` of the
    layer's result (through its constant bias add, if any) and a
    non-constant float `s` of the same shape that some `qopt.quantize`
    reads (a residual network's identity shortcut). The add is fused into
    the requantize at the shortcut's int8 codes `r = quantize(s)`:
    `(acc * M + (r - zr) * Mr + 2^(S-1)) >> S` with `Mr = round(sr / sy *
    2^S)`, one rounding. Chains are rewritten from the last quantize to the
    first, so the shortcut's own producer (whose float result the add no
    longer reads) becomes integer-only too.

    ```mlir
    // Before:
    %y = qopt.conv2d %xq, %w, %b {...} : ... -> tensor<1x28x28x16xf32>
    %r = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : ...
    %q = qopt.quantize %r : tensor<1x28x28x16xf32>
           to tensor<1x28x28x16x!quant.uniform<i8:f32, 0.027:-128>>
    // After:
    %acc = qopt.conv2d %xq, %w, %bq {...} : ..., tensor<16xi32>
             -> tensor<1x28x28x16xi32>
    %q = qopt.requantize %acc {multiplier = array<i32: ...>,
           shift = array<i32: ...>, min = -128 : i32}
           : tensor<1x28x28x16xi32>
           to tensor<1x28x28x16x!quant.uniform<i8:f32, 0.027:-128>>
    ```
  }];
  let dependentDialects = ["::mlir::qopt::QOptDialect",
                           "::mlir::tosa::TosaDialect"];
  let options = [
    Option<"verbose", "verbose", "bool", /*default=*/"false",
           "warn about each layer kept in float, with the reason">,
    Option<"residuals", "residuals", "bool", /*default=*/"false",
           "fuse identity-shortcut residual adds into the requantize "
           "(qopt.requantize's residual operand; the HLS target lowers it)">,
  ];
  let statistics = [
    Statistic<"numChains", "chains", "layers turned integer-only">,
    Statistic<"numResiduals", "residuals", "residual adds fused">,
  ];
}

#endif // QOPT_DIALECT_QOPT_TRANSFORMS_PASSES_TD
