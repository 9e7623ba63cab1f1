// Known-answer allocations on three 64-parameter layers (4 output channels)
// with given sensitivities for si8 / si4 / si2: a = [1, 10, 100],
// b = [1, 2, 50], c = [1, 30, 40]. Weight bytes per layer: 64 codes plus one
// f32 scale per channel, so si8 = 80, si4 = 48, si2 = 32 bytes.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=4 report=%t.table report-json=%t.json})' -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s --check-prefix=AVG4
// RUN: FileCheck %s --check-prefix=TABLE < %t.table
// RUN: %python -c "import json; d = json.load(open('%t.json')); print(d['status'], d['average_bits'], d['bops'], d['budgets'], [l['chosen'] for l in d['layers']])" | FileCheck %s --check-prefix=JSON
// The three solvers agree.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=4 solver=cbc report=})' -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s --check-prefix=AVG4
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=4 solver=greedy report=})' -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s --check-prefix=AVG4
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=3.34 report=})' -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s --check-prefix=AVG3
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{weight-bytes=160 report=})' -mlir-print-debuginfo -mlir-print-local-scope | FileCheck %s --check-prefix=BYTES
// Pareto sweep of avg-bits from 2 (all si2) to 8 (all si8) in 4 points.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{report= pareto=avg-bits pareto-points=4 pareto-out=%t.csv})' -o /dev/null
// RUN: FileCheck %s --check-prefix=PARETO < %t.csv
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{report= solver=cbc pareto=weight-bytes pareto-points=3 pareto-out=%t.pareto.json})' -o /dev/null
// RUN: %python -c "import json; d = json.load(open('%t.pareto.json')); print(d['budget'], d['layers'], [(p['budget'], p['objective'], p['chosen']) for p in d['points']])" | FileCheck %s --check-prefix=PARETO-JSON
// Latency from a table: per MAC by bits plus 1 us per layer for a and b
// (si8 1.64, si4 1.32, si2 1.256 us), measured figures for c.
// RUN: echo '{"target": "test-cpu", "unit": "us", "per_mac": {"8": 0.01, "4": 0.005, "2": 0.004}, "per_layer": 1.0, "layers": {"c": {"si8-ch": 0.5, "si4-ch": 0.25, "si2-ch": 0.2}}}' > %t.lat.json
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{latency=3.5 latency-table=%t.lat.json})' -o /dev/null | FileCheck %s --check-prefix=LATENCY
// RUN: echo '{"per_mac": {"8": 0.01}}' > %t.lat8.json
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{latency=3 latency-table=%t.lat8.json})' 2>&1 | FileCheck %s --check-prefix=LAT-MISSING
// RUN: echo '{"per_mac": {"eight": 0.01}}' > %t.latbad.json
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{latency=3 latency-table=%t.latbad.json})' 2>&1 | FileCheck %s --check-prefix=LAT-BAD
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{latency=3})' 2>&1 | FileCheck %s --check-prefix=LAT-NOTABLE
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{latency=2.5 latency-table=%t.lat.json})' 2>&1 | FileCheck %s --check-prefix=LAT-INFEASIBLE
// A soft price instead of a budget: 0.2 per weight byte.
// RUN: qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{cost-weight=0.2 cost-resource=weight-bytes})' -o /dev/null | FileCheck %s --check-prefix=WEIGHTED
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{cost-weight=1 cost-resource=latency})' 2>&1 | FileCheck %s --check-prefix=WEIGHTED-BAD
// Errors.
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{report= pareto=energy pareto-out=%t.x})' 2>&1 | FileCheck %s --check-prefix=PARETO-BAD
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{report= pareto=latency pareto-out=%t.x})' 2>&1 | FileCheck %s --check-prefix=PARETO-LAT
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{report= pareto=avg-bits})' 2>&1 | FileCheck %s --check-prefix=PARETO-NOFILE
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=4 first-last-min-bits=8 report=})' 2>&1 | FileCheck %s --check-prefix=PIN
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=1 report=})' 2>&1 | FileCheck %s --check-prefix=INFEASIBLE
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{avg-bits=4 min-bits=16 report=})' 2>&1 | FileCheck %s --check-prefix=FLOOR
// RUN: not qopt %s --pass-pipeline='builtin.module(qopt-allocate-bits{solver=simplex})' 2>&1 | FileCheck %s --check-prefix=SOLVER

// 12 bits over three layers: 4+4+4 costs 10+2+30 = 42; 8+2+2 costs 91;
// 2+8+2 costs 141; 2+2+8 costs 151.
// AVG4: tosa.matmul
// AVG4-SAME: qopt.format = #qopt.format<si4, per_channel(axis = 2)>
// AVG4-SAME: loc("a")
// AVG4: tosa.matmul
// AVG4-SAME: qopt.format = #qopt.format<si4, per_channel(axis = 2)>
// AVG4-SAME: loc("b")
// AVG4: tosa.matmul
// AVG4-SAME: qopt.format = #qopt.format<si4, per_channel(axis = 2)>
// AVG4-SAME: loc("c")

// TABLE: qopt allocation: 3 layers, solver exact (optimal), objective 4.2000e+01, bound 4.2000e+01, gap 0.00e+00
// TABLE: weight bytes 144, average bits 4.000, BOPs 6.144e+03
// TABLE: budget avg-bits: 4.000 of 4.000
// TABLE: layer params MACs sensitivity per candidate chosen bytes BOPs
// TABLE: a 64 64 si8-ch=1.00e+00 si4-ch=1.00e+01 si2-ch=1.00e+02 si4-ch 48 2.048e+03
// TABLE: b 64 64 si8-ch=1.00e+00 si4-ch=2.00e+00 si2-ch=5.00e+01 si4-ch 48 2.048e+03
// TABLE: c 64 64 si8-ch=1.00e+00 si4-ch=3.00e+01 si2-ch=4.00e+01 si4-ch 48 2.048e+03

// JSON: optimal 4 6144 [{'budget': 4, 'name': 'avg-bits', 'use': 4}] ['si4-ch', 'si4-ch', 'si4-ch']

// Average 3.34 bits allows 10 bits: 4+4+2 costs 10+2+40 = 52, 8+... needs
// two 2-bit layers (1+50+40 = 91).
// AVG3: qopt.format = #qopt.format<si4, per_channel(axis = 2)>{{.*}}loc("a")
// AVG3: qopt.format = #qopt.format<si4, per_channel(axis = 2)>{{.*}}loc("b")
// AVG3: qopt.format = #qopt.format<si2, per_channel(axis = 2)>{{.*}}loc("c")

// 160 bytes: 4+4+4 = 144 bytes (cost 42) beats 8+2+4 = 160 bytes (cost 81)
// and 8+4+2 = 160 bytes (cost 43).
// BYTES: qopt.format = #qopt.format<si4, per_channel(axis = 2)>{{.*}}loc("a")
// BYTES: qopt.format = #qopt.format<si4, per_channel(axis = 2)>{{.*}}loc("b")
// BYTES: qopt.format = #qopt.format<si4, per_channel(axis = 2)>{{.*}}loc("c")

// 18 bits: 4+4+8 costs 10+2+1 = 13, 8+4+4 costs 33, 8+8+2 costs 42.
// PARETO: budget,status,objective,bound,gap,weight_bytes,average_bits,bops,a,b,c
// PARETO-NEXT: 2.0000,optimal,1.900000e+02,1.900000e+02,0.00e+00,96,2.0000,3.072000e+03,si2-ch,si2-ch,si2-ch
// PARETO-NEXT: 4.0000,optimal,4.200000e+01,{{.*}},144,4.0000,6.144000e+03,si4-ch,si4-ch,si4-ch
// PARETO-NEXT: 6.0000,optimal,1.300000e+01,{{.*}},176,5.3333,8.192000e+03,si4-ch,si4-ch,si8-ch
// PARETO-NEXT: 8.0000,optimal,3.000000e+00,{{.*}},240,8.0000,1.228800e+04,si8-ch,si8-ch,si8-ch

// Bytes from 96 to 240: at 168, 4+4+4 (144 bytes, 42) beats 8+4+2 (160, 43).
// PARETO-JSON: weight-bytes ['a', 'b', 'c'] [(96, 190, ['si2-ch', 'si2-ch', 'si2-ch']), (168, 42, ['si4-ch', 'si4-ch', 'si4-ch']), (240, 3, ['si8-ch', 'si8-ch', 'si8-ch'])]
// PARETO-BAD: error: qopt-allocate-bits: unknown pareto budget 'energy' (weight-bytes, avg-bits, bops, latency, luts, dsps or brams)
// PARETO-LAT: error: qopt-allocate-bits: pareto=latency needs latency-table=FILE or fpga-model=FILE
// PARETO-NOFILE: error: qopt-allocate-bits: pareto needs pareto-out=FILE

// 3.5 us: 8+8+8 takes 3.78 us; 8+4+8 (3.46 us, cost 4) beats 4+8+8 (cost 12).
// LATENCY: weight bytes 208, average bits 6.667, BOPs 1.024e+04, latency 3.460 us
// LATENCY: budget latency: 3.460 us of 3.500 us
// LATENCY: layer params MACs sensitivity per candidate chosen bytes BOPs latency (us)
// LATENCY: a {{.*}} si8-ch 80 4.096e+03 1.640
// LATENCY: b {{.*}} si4-ch 48 2.048e+03 1.320
// LATENCY: c {{.*}} si8-ch 80 4.096e+03 0.500
// LAT-MISSING: error: qopt-allocate-bits: latency table '{{.*}}lat8.json' has no entry for layer 'a' in si4-ch and no per_mac cost for 4 bits
// LAT-BAD: error: qopt-allocate-bits: latency table '{{.*}}latbad.json': 'per_mac' key 'eight' is not a bit width
// LAT-NOTABLE: error: qopt-allocate-bits: latency=3.00 needs latency-table=FILE or fpga-model=FILE
// LAT-INFEASIBLE: error: qopt-allocate-bits: infeasible budgets; latency budget 2.50 is below the smallest achievable 2.71

// a: si8 1 + 16 = 17 < si4 10 + 9.6; b: si4 2 + 9.6 = 11.6 < si8 17;
// c: si8 17 < si4 30 + 9.6. Objective 45.6.
// WEIGHTED: objective 4.5600e+01
// WEIGHTED: a {{.*}} si8-ch 80
// WEIGHTED: b {{.*}} si4-ch 48
// WEIGHTED: c {{.*}} si8-ch 80
// WEIGHTED-BAD: error: qopt-allocate-bits: cost-resource must be weight-bytes, avg-bits, bops, latency (with latency-table or fpga-model) or luts, dsps, brams (with fpga-model)

// Pinning the first (a) and last (c) layer to 8 bits needs 8+2+8 = 18 bits.
// PIN: error: qopt-allocate-bits: infeasible budgets; avg-bits budget 4.00 is below the smallest achievable 6.00
// INFEASIBLE: error: qopt-allocate-bits: infeasible budgets; avg-bits budget 1.00 is below the smallest achievable 2.00
// FLOOR: error: {{.*}}qopt-allocate-bits: layer 'a' has no candidate with at least 16 bits
// SOLVER: for the --solver option: Cannot find option named 'simplex'!

#cands = #qopt.candidates<[<si8, per_channel(axis = 2)>, <si4, per_channel(axis = 2)>, <si2, per_channel(axis = 2)>]>
func.func @main(%x: tensor<1x1x16xf32>) -> (tensor<1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>) {
  %w = "tosa.const"() <{values = dense<0.5> : tensor<1x16x4xf32>}> : () -> tensor<1x16x4xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %a = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<[1.0, 10.0, 100.0]> : tensor<3xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("a")
  %b = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<[1.0, 2.0, 50.0]> : tensor<3xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("b")
  %c = tosa.matmul %x, %w, %zp, %zp {qopt.candidates = #cands, qopt.sensitivity = #qopt.sensitivity<method = "hessian", channels_per_group = 0, values = dense<[1.0, 30.0, 40.0]> : tensor<3xf64>>} : (tensor<1x1x16xf32>, tensor<1x16x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32> loc("c")
  return %a, %b, %c : tensor<1x1x4xf32>, tensor<1x1x4xf32>, tensor<1x1x4xf32>
}
