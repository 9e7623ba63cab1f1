#!/usr/bin/env node
// scripts/models/ort_run.js - run an ONNX model in onnxruntime-node (the
// reference executor) on deterministic pseudo-random inputs.
//
//   node scripts/models/ort_run.js MODEL.onnx [--seed N] [--threads N]
//        [--shape NAME=D0,D1,...]... [--input NAME=FILE.npy]... [--npy DIR]
//        [--runs N] [--json]
//
// onnxruntime-node@1.30.0 is loaded from .cache/npm (scripts/models/
// fetch_npm_models.sh installs it; QOPT_NPM_DIR overrides the folder).
// Models with external data (big_mlp.onnx + big_mlp.onnx.data) work: the
// session is created from the path, so the side file is found beside it.
//
// Inputs: every graph input gets its declared shape, each dynamic or unknown
// dimension set to 1, filled from one 32-bit LCG shared by all inputs in
// graph order (--shape NAME=1,3,48,192 gives an input's shape instead),
// started at --seed (default 0):
//   state = (state * 1664525 + 1013904223) mod 2^32
//   float:  x = state / 2^32 * 2 - 1          (uniform in [-1, 1))
//   ints:   x = state >>> 29                  (0..7; bool: state >>> 31)
// so any other tool (C++, Python) can regenerate the same inputs;
// --input NAME=FILE.npy feeds a NumPy file instead (C order, little-endian
// float32/float64/int8/uint8/int32/int64/bool; its shape is the input's). With
// --npy DIR each input and output is also written as DIR/input_<i>.npy and
// DIR/output_<i>.npy (NumPy format, C order), plus DIR/io.json naming them.
//
// Prints, per output: name, type, shape, and a few statistics. --json prints
// one JSON object instead. --runs N times N runs after the first (warm-up).
'use strict';
const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg) console.error('ort_run.js: ' + msg);
  console.error('usage: node ort_run.js MODEL.onnx [--seed N] [--threads N] [--shape NAME=D0,D1,...]... ' +
                '[--npy DIR] [--runs N] [--json]');
  process.exit(2);
}

const args = process.argv.slice(2);
const opts = {seed: 0, threads: 0, npy: null, runs: 0, json: false, model: null, shapes: {},
              files: {}};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const next = () => (i + 1 < args.length ? args[++i] : usage(a + ' needs a value'));
  if (a === '--seed') opts.seed = Number(next()) >>> 0;
  else if (a === '--threads') opts.threads = Number(next());
  else if (a === '--npy') opts.npy = next();
  else if (a === '--shape') {
    const m = /^(.+)=(\d+(?:[x,]\d+)*)$/.exec(next());
    if (!m) usage('--shape wants NAME=D0,D1,...');
    opts.shapes[m[1]] = m[2].split(/[x,]/).map(Number);
  }
  else if (a === '--input') {
    const m = /^([^=]+)=(.+)$/.exec(next());
    if (!m) usage('--input wants NAME=FILE.npy');
    opts.files[m[1]] = m[2];
  }
  else if (a === '--runs') opts.runs = Number(next());
  else if (a === '--json') opts.json = true;
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('-')) usage('unknown option ' + a);
  else if (opts.model === null) opts.model = a;
  else usage('one model only');
}
if (!opts.model) usage('no model given');
if (!fs.existsSync(opts.model)) usage('no such file: ' + opts.model);

const root = path.resolve(__dirname, '..', '..');
const npmDir = process.env.QOPT_NPM_DIR || path.join(root, '.cache', 'npm');
let ort;
try {
  ort = require(path.join(npmDir, 'node_modules', 'onnxruntime-node'));
} catch (e) {
  console.error('ort_run.js: cannot load onnxruntime-node from ' + npmDir +
                ' (run scripts/models/fetch_npm_models.sh): ' + e.message);
  process.exit(1);
}

// --- deterministic inputs ----------------------------------------------------
let state = opts.seed >>> 0;
function nextU32() {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state;
}

const ARRAYS = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array, bool: Uint8Array,
};

function makeInput(meta) {
  if (!meta.isTensor) throw new Error('input ' + meta.name + ' is not a tensor');
  const dims = opts.shapes[meta.name] ||
               (meta.shape || []).map(d => (typeof d === 'number' && d > 0 ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  const Ctor = ARRAYS[meta.type];
  if (!Ctor) throw new Error('input ' + meta.name + ': unsupported type ' + meta.type);
  const data = new Ctor(n);
  for (let i = 0; i < n; i++) {
    const u = nextU32();
    if (meta.type === 'float32' || meta.type === 'float64') data[i] = u / 4294967296 * 2 - 1;
    else if (meta.type === 'bool') data[i] = u >>> 31;
    else if (meta.type === 'int64') data[i] = BigInt(u >>> 29);
    else if (meta.type === 'uint64') data[i] = BigInt(u >>> 29);
    else data[i] = u >>> 29;
  }
  return new ort.Tensor(meta.type, data, dims);
}

// --- .npy writer -------------------------------------------------------------
const NPY_DESCR = {
  float32: '<f4', float64: '<f8', int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2',
  int32: '<i4', uint32: '<u4', int64: '<i8', uint64: '<u8', bool: '|b1',
};

function writeNpy(file, tensor) {
  const descr = NPY_DESCR[tensor.type];
  if (!descr) return false;
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const d = tensor.data;
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'),
                                        Buffer.from(d.buffer, d.byteOffset, d.byteLength)]));
  return true;
}

// --- .npy reader -------------------------------------------------------------
const NPY_TYPES = {
  '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array], '|i1': ['int8', Int8Array],
  '|u1': ['uint8', Uint8Array], '<i4': ['int32', Int32Array], '<i8': ['int64', BigInt64Array],
  '|b1': ['bool', Uint8Array],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') usage(file + ': not a .npy file');
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape || /'fortran_order':\s*True/.test(header))
    usage(file + ': unsupported .npy header ' + header.trim());
  const kind = NPY_TYPES[descr[1]];
  if (!kind) usage(file + ': unsupported dtype ' + descr[1]);
  const dims = shape[1].split(',').map(s => s.trim()).filter(s => s.length).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const bytes = buf.subarray(start + hlen);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  let data = new kind[1](copy.buffer, 0, count);
  if (kind[0] === 'bool') data = Uint8Array.from(data, v => v !== 0);
  return new ort.Tensor(kind[0], data, dims);
}

function stats(t) {
  const d = t.data;
  if (typeof d === 'string' || !d.length) return {};
  let sum = 0, abs = 0, min = Infinity, max = -Infinity, argmax = 0;
  for (let i = 0; i < d.length; i++) {
    const v = Number(d[i]);
    sum += v; abs += Math.abs(v);
    if (v < min) min = v;
    if (v > max) { max = v; argmax = i; }
  }
  return {sum, meanAbs: abs / d.length, min, max, argmax,
          first: Array.from(d.slice(0, 5), Number)};
}

async function main() {
  const sessOpts = {graphOptimizationLevel: 'all'};
  if (opts.threads > 0) { sessOpts.intraOpNumThreads = opts.threads; sessOpts.interOpNumThreads = 1; }
  let t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(path.resolve(opts.model), sessOpts);
  const createMs = Number(process.hrtime.bigint() - t0) / 1e6;

  for (const name of Object.keys(opts.shapes))
    if (!session.inputNames.includes(name)) usage('--shape: no input named ' + name);
  for (const name of Object.keys(opts.files))
    if (!session.inputNames.includes(name)) usage('--input: no input named ' + name);
  const feeds = {};
  const inputs = session.inputMetadata.map(meta => {
    const t = opts.files[meta.name] ? readNpy(opts.files[meta.name]) : makeInput(meta);
    feeds[meta.name] = t;
    return {name: meta.name, type: t.type, shape: t.dims, declared: meta.shape};
  });

  t0 = process.hrtime.bigint();
  const results = await session.run(feeds);
  const firstMs = Number(process.hrtime.bigint() - t0) / 1e6;
  let avgMs = null;
  if (opts.runs > 0) {
    t0 = process.hrtime.bigint();
    for (let r = 0; r < opts.runs; r++) await session.run(feeds);
    avgMs = Number(process.hrtime.bigint() - t0) / 1e6 / opts.runs;
  }

  const outputs = session.outputNames.map(name => {
    const t = results[name];
    return {name, type: t.type, shape: t.dims, ...stats(t)};
  });

  if (opts.npy) {
    fs.mkdirSync(opts.npy, {recursive: true});
    const io = {model: path.resolve(opts.model), seed: opts.seed, inputs: [], outputs: []};
    session.inputNames.forEach((name, i) => {
      if (writeNpy(path.join(opts.npy, `input_${i}.npy`), feeds[name]))
        io.inputs.push({name, file: `input_${i}.npy`});
    });
    session.outputNames.forEach((name, i) => {
      if (writeNpy(path.join(opts.npy, `output_${i}.npy`), results[name]))
        io.outputs.push({name, file: `output_${i}.npy`});
    });
    fs.writeFileSync(path.join(opts.npy, 'io.json'), JSON.stringify(io, null, 2) + '\n');
  }

  const report = {model: opts.model, ort: ort.env.versions.node || ort.env.versions.common,
                  seed: opts.seed, createMs, firstRunMs: firstMs, avgRunMs: avgMs,
                  inputs, outputs};
  if (opts.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const fmt = v => (Number.isInteger(v) ? String(v) : v.toPrecision(6));
    console.log(`${opts.model}: onnxruntime-node ${report.ort}, session ${createMs.toFixed(1)} ms, ` +
                `first run ${firstMs.toFixed(2)} ms` +
                (avgMs !== null ? `, avg ${avgMs.toFixed(2)} ms over ${opts.runs}` : ''));
    for (const i of inputs)
      console.log(`  input  ${i.name}: ${i.type} [${i.shape.join('x')}] (declared [${i.declared.join(',')}])`);
    for (const o of outputs)
      console.log(`  output ${o.name}: ${o.type} [${o.shape.join('x')}]` +
                  (o.sum !== undefined
                     ? ` sum=${fmt(o.sum)} mean|x|=${fmt(o.meanAbs)} min=${fmt(o.min)} ` +
                       `max=${fmt(o.max)} argmax=${o.argmax} first=[${o.first.map(fmt).join(', ')}]`
                     : ''));
  }
  await session.release();
}

main().catch(e => {
  console.error('ort_run.js: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
