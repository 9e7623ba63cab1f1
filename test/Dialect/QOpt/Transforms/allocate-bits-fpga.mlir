// FPGA budgets from the analytical model (docs/Allocation.md, "FPGA resource
// model") on the three 64-parameter layers of allocate-bits.mlir (16 -> 4,
// sensitivities for si8 / si4 / si2: a = [1, 10, 100], b = [1, 2, 50],
// c = [1, 30, 40]).
//
// Default parameters (8-bit activations, R = 1, DSPs from 10 bits): 64 LUT
// multipliers per layer, LUTs = 64 * 1.38 * w * 8 + 64 * 1.1 * (w + 8) + 300
// = 7078.88 (si8), 3971.04 (si4), 2417.12 (si2).
// RUN: echo '{"device": "test-fpga", "totals": {"luts": 53200, "dsps": 220, "brams": 280}}' > %t.luts.json
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{luts=15100 fpga-model=%t.luts.json report=%t.table report-json=%t.json})' -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s --check-prefix=LUTS
// RUN: FileCheck %s --check-prefix=TABLE < %t.table
// RUN: %python -c "import json; d = json.load(open('%t.json')); print(round(d['luts'], 2), d['dsps'], d['brams'], d['latency'], [(b['name'], b['budget'], round(b['use'], 2)) for b in d['budgets']], [(l['chosen'], round(l['luts'], 2), l['dsps'], l['brams']) for l in d['layers']])" | FileCheck %s --check-prefix=JSON
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{luts=15100 fpga-model=%t.luts.json solver=cbc report=})' -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s --check-prefix=LUTS
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{luts=5000 fpga-model=%t.luts.json})' 2>&1 | FileCheck %s --check-prefix=LUTS-INFEASIBLE
//
// 16-bit activations, DSPs from 8 bits: si8 is one DSP per product (64 per
// layer, LUTs 64 * 1.1 * 24 + 300 = 1989.6); si4 and si2 are LUT multipliers
// (7360.48 and 4393.44 LUTs).
// RUN: echo '{"act_bits": 16, "dsp_min_bits": 8}' > %t.dsps.json
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{dsps=130 fpga-model=%t.dsps.json})' -o /dev/null | FileCheck %s --check-prefix=DSPS
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{dsps=64 luts=12000 fpga-model=%t.dsps.json})' -o /dev/null | FileCheck %s --check-prefix=DSPS-LUTS
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{dsps=64 luts=12000 fpga-model=%t.dsps.json solver=cbc})' -o /dev/null | FileCheck %s --check-prefix=DSPS-LUTS
//
// Reuse factor 4 and weights in BRAM above 32 weights: 16 multipliers read
// a 4-deep memory 16 * w bits wide, in 512 x 36 blocks: 4 (si8), 2 (si4),
// 1 (si2) BRAM18 per layer.
// RUN: echo '{"reuse_factor": 4, "bram_factor": 32}' > %t.brams.json
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{brams=8 fpga-model=%t.brams.json})' -o /dev/null | FileCheck %s --check-prefix=BRAMS
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{brams=2 fpga-model=%t.brams.json})' 2>&1 | FileCheck %s --check-prefix=BRAMS-INFEASIBLE
//
// Latency in cycles from the FPGA model when no latency table is given:
// with 24 adder bits per cycle, si8 sums 16-bit values one level per cycle
// (1 + 4 = 5 cycles), si4 and si2 two levels per cycle (1 + 2 = 3).
// RUN: echo '{"adder_bits_per_cycle": 24}' > %t.cycles.json
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{latency=12 fpga-model=%t.cycles.json})' -o /dev/null | FileCheck %s --check-prefix=CYCLES
//
// A price on LUTs instead of a budget, and a Pareto sweep over LUTs.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{cost-weight=0.001 cost-resource=luts fpga-model=%t.luts.json})' -o /dev/null | FileCheck %s --check-prefix=WEIGHTED
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{report= pareto=luts pareto-points=3 pareto-out=%t.csv fpga-model=%t.luts.json})' -o /dev/null
// RUN: FileCheck %s --check-prefix=PARETO < %t.csv
//
// Errors.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{luts=5000})' 2>&1 | FileCheck %s --check-prefix=NO-MODEL
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{brams=3})' 2>&1 | FileCheck %s --check-prefix=NO-MODEL-BRAMS
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{report= pareto=dsps pareto-out=%t.x})' 2>&1 | FileCheck %s --check-prefix=NO-MODEL-PARETO
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{cost-weight=1 cost-resource=luts})' 2>&1 | FileCheck %s --check-prefix=NO-MODEL-WEIGHTED
// RUN: echo '{"reuse_factor": 0}' > %t.bad.json
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{luts=5000 fpga-model=%t.bad.json})' 2>&1 | FileCheck %s --check-prefix=BAD-VALUE
// RUN: echo '{"reuse": 4}' > %t.badkey.json
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{luts=5000 fpga-model=%t.badkey.json})' 2>&1 | FileCheck %s --check-prefix=BAD-KEY
// RUN: echo '{"reuse_factor": 4,' > %t.notjson.json
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{luts=5000 fpga-model=%t.notjson.json})' 2>&1 | FileCheck %s --check-prefix=NOT-JSON
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{luts=5000 fpga-model=%t.missing.json})' 2>&1 | FileCheck %s --check-prefix=MISSING-FILE
//
// The shipped device files load and price the layers.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=8 fpga-model=%S/Inputs/fpga-xc7z020.json})' -o /dev/null | FileCheck %s --check-prefix=XC7Z020
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=8 fpga-model=%S/Inputs/fpga-xcu250.json})' -o /dev/null | FileCheck %s --check-prefix=XCU250

// 15100 LUTs: 8+4+4 and 4+8+4 take 15020.96 LUTs (costs 33, 41), 4+4+8
// too (cost 13); 8+8+x is over (16574.88).
// LUTS: qopt.format = #qopt.format<si4, per_channel(axis = 2)>{{.*}}loc("a")
// LUTS: qopt.format = #qopt.format<si4, per_channel(axis = 2)>{{.*}}loc("b")
// LUTS: qopt.format = #qopt.format<si8, per_channel(axis = 2)>{{.*}}loc("c")

// TABLE: qopt allocation: 3 layers, solver exact (optimal), objective 1.3000e+01
// TABLE: weight bytes 176, average bits 5.333, BOPs 8.192e+03, latency 6.000 cycles
// TABLE: FPGA test-fpga (reuse factor 1, 8-bit activations): LUTs 15021 (28.2%), DSPs 0 (0.0%), BRAM18 0 (0.0%)
// TABLE: budget luts: 15021 of 15100
// TABLE: layer params MACs sensitivity per candidate chosen bytes BOPs latency (cycles) LUTs DSPs BRAM18
// TABLE: a 64 64 {{.*}} si4-ch 48 2.048e+03 2.000 3971 0 0
// TABLE: b 64 64 {{.*}} si4-ch 48 2.048e+03 2.000 3971 0 0
// TABLE: c 64 64 {{.*}} si8-ch 80 4.096e+03 2.000 7079 0 0

// JSON: 15020.96 0 0 6 [('luts', 15100, 15020.96)] [('si4-ch', 3971.04, 0, 0), ('si4-ch', 3971.04, 0, 0), ('si8-ch', 7078.88, 0, 0)]

// LUTS-INFEASIBLE: error: qopt-allocate-bits: infeasible budgets; luts budget 5000.00 is below the smallest achievable 7251.36

// 130 DSPs allow two si8 layers: a and c at si8, b at si4 (cost 4).
// DSPS: budget dsps: 128 of 130
// DSPS: a {{.*}} si8-ch 80 {{.*}} 1990 64 0
// DSPS: b {{.*}} si4-ch 48 {{.*}} 7360 0 0
// DSPS: c {{.*}} si8-ch 80 {{.*}} 1990 64 0

// 64 DSPs and 12000 LUTs: without an si8 layer the LUTs are at least
// 3 * 4393.44 = 13180.32; with one, 1989.6 + 2 * 4393.44 = 10776.48 fits
// but no si4 does. a at si8 costs 1 + 50 + 40 = 91.
// DSPS-LUTS: objective 9.1000e+01
// DSPS-LUTS: budget luts: 10776 of 12000
// DSPS-LUTS: budget dsps: 64 of 64
// DSPS-LUTS: a {{.*}} si8-ch
// DSPS-LUTS: b {{.*}} si2-ch
// DSPS-LUTS: c {{.*}} si2-ch

// 8 BRAM18: 4 + 2 + 2 with c at si8 (cost 13) beats a at si8 (33).
// BRAMS: FPGA generic (reuse factor 4, 8-bit activations): LUTs {{[0-9]+}}, DSPs 0, BRAM18 8
// BRAMS: budget brams: 8 of 8
// BRAMS: a {{.*}} si4-ch {{.*}} 2{{$}}
// BRAMS: b {{.*}} si4-ch {{.*}} 2{{$}}
// BRAMS: c {{.*}} si8-ch {{.*}} 4{{$}}
// BRAMS-INFEASIBLE: error: qopt-allocate-bits: infeasible budgets; brams budget 2.00 is below the smallest achievable 3.00

// 12 cycles allow one si8 layer (5 + 3 + 3): c (cost 13).
// CYCLES: latency 11.000 cycles
// CYCLES: budget latency: 11.000 cycles of 12.000 cycles
// CYCLES: a {{.*}} si4-ch {{.*}} 3.000
// CYCLES: b {{.*}} si4-ch {{.*}} 3.000
// CYCLES: c {{.*}} si8-ch {{.*}} 5.000

// 0.001 per LUT: a si8 1 + 7.079 < si4 10 + 3.971; b si4 2 + 3.971 <
// si8 8.079; c si8 8.079 < si4 33.971. Objective 22.129.
// WEIGHTED: objective 2.2129e+01
// WEIGHTED: a {{.*}} si8-ch
// WEIGHTED: b {{.*}} si4-ch
// WEIGHTED: c {{.*}} si8-ch

// LUTs from 7251.36 (all si2) to 21236.64 (all si8); at 14244, 4+4+4
// (11913.12, cost 42) beats 8+4+2 (13467.04, cost 43).
// PARETO: budget,status,objective,bound,gap,weight_bytes,average_bits,bops,luts,dsps,brams,a,b,c
// PARETO-NEXT: 7251.3600,optimal,1.900000e+02,{{.*}},96,2.0000,3.072000e+03,7251,0,0,si2-ch,si2-ch,si2-ch
// PARETO-NEXT: 14244.0000,optimal,4.200000e+01,{{.*}},144,4.0000,6.144000e+03,11913,0,0,si4-ch,si4-ch,si4-ch
// PARETO-NEXT: 21236.6400,optimal,3.000000e+00,{{.*}},240,8.0000,1.228800e+04,21237,0,0,si8-ch,si8-ch,si8-ch

// NO-MODEL: error: qopt-allocate-bits: luts=5000.00 needs fpga-model=FILE
// NO-MODEL-BRAMS: error: qopt-allocate-bits: brams=3.00 needs fpga-model=FILE
// NO-MODEL-PARETO: error: qopt-allocate-bits: pareto=dsps needs fpga-model=FILE
// NO-MODEL-WEIGHTED: error: qopt-allocate-bits: cost-resource must be weight-bytes, avg-bits, bops, latency (with latency-table or fpga-model) or luts, dsps, brams (with fpga-model)
// BAD-VALUE: error: qopt-allocate-bits: FPGA model '{{.*}}bad.json': 'reuse_factor' must be an integer in [1, 16777216]
// BAD-KEY: error: qopt-allocate-bits: FPGA model '{{.*}}badkey.json': unknown key 'reuse'
// NOT-JSON: error: qopt-allocate-bits: FPGA model '{{.*}}notjson.json': {{.+}}
// MISSING-FILE: error: qopt-allocate-bits: cannot read FPGA model '{{.*}}missing.json'

// XC7Z020: FPGA xc7z020-clg400-1 (reuse factor 64, 8-bit activations): LUTs {{[0-9]+}} ({{[0-9.]+}}%), DSPs 0 (0.0%), BRAM18 0 (0.0%)
// XCU250: FPGA xcu250-figd2104-2L-e (reuse factor 1, 16-bit activations): LUTs {{[0-9]+}} ({{[0-9.]+}}%), DSPs 0 (0.0%), BRAM18 0 (0.0%)

#cands = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>, <si2, per_channel(axis = 2)>]>
func.func @main(%x: tensor<1x1x16xf32>) -> (tensor<1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>) {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<[1.0, 10.0, 100.0]> : tensor<3xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("a")
  %b = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<[1.0, 2.0, 50.0]> : tensor<3xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("b")
  %c = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<[1.0, 30.0, 40.0]> : tensor<3xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("c")
  return %a, %b, %c : tensor<1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>
}
