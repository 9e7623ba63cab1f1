//===- Passes.td - The HLS target's passes -----------------*- tablegen -*-===//
//
// The FPGA/HLS target (docs/Backends/HLS.md).
//
//===----------------------------------------------------------------------===//

#ifndef QOPT_TARGET_HLS_PASSES_TD
#define QOPT_TARGET_HLS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QOptHLSLegalizePass : Pass<"qopt-hls-legalize", "::mlir::ModuleOp"> {
  let summary = "Check that the HLS target lowers the entry function and "
                "record the project's configuration";
  let description = [{
    The last pass of the HLS target's pipeline (after
    `qopt-integer-chains`): builds the dataflow graph the project writer
    prints (`include/qopt/Target/HLS/HLSGraph.h`) from the entry function
    and fails with one error listing every op the target cannot lower
    (float layers, float ops between layers, groups of scales, minifloat
    weights, residual adds, batch > 1), each with its node name. On success
    it records the configuration as the module attribute `qopt.hls`
    (`io`, `reuse_factor`, `part`, `clock_mhz`, `fpga_model`), which the
    writer and its FPGA cost model read.

    ```mlir
    module attributes {qopt.hls = {clock_mhz = 2.000000e+02 : f64,
        io = "parallel", part = "xcvu9p-flga2104-2-e", reuse_factor = 1 : i64}}
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", "\"main\"",
           "The function to compile">,
    Option<"io", "io", "std::string", "\"parallel\"",
           "I/O style: parallel (arrays, io_parallel) or stream (hls::stream, "
           "io_stream)">,
    Option<"reuseFactor", "reuse-factor", "unsigned", "1",
           "Products per multiplier (pipeline initiation interval)">,
    Option<"part", "part", "std::string", "\"xcvu9p-flga2104-2-e\"",
           "FPGA part (built-in totals; others need fpga-model)">,
    Option<"fpgaModel", "fpga-model", "std::string", "\"\"",
           "FPGA cost model parameters (JSON, docs/Allocation.md)">,
    Option<"clockMHz", "clock-mhz", "double", "200",
           "Clock frequency of build_prj.tcl">,
  ];
}

#endif // QOPT_TARGET_HLS_PASSES_TD
