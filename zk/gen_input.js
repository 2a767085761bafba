// Writes the witness input of one honest SGD step (the same arithmetic as circuits/sgd_step.circom), with
// optional tampering for the specs: node gen_input.js [--provider 0x…] [--wrong-step] [--loss-threshold N] > input.json
const S_BITS = 8n, N_BITS = 2n, LR_BITS = 8n;
const S = 1n << S_BITS, DEN = 1n << (2n * S_BITS + N_BITS + LR_BITS);
const floorDiv = (a, b) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const fx = (v) => BigInt(Math.round(v * Number(S)));

const args = process.argv.slice(2);
const w = [fx(0.5), fx(-0.25)], b = fx(0.1);
const x = [[1.0, 2.0], [-1.5, 0.5], [2.0, -1.0], [0.25, 0.75]].map((r) => r.map(fx));
const y = [1.2, -0.4, 0.9, 0.3].map(fx);
const lrNum = 32n; // learning rate 32/256 = 0.125

const err = x.map((row, j) => row.reduce((s, v, i) => s + w[i] * v, b * S) - y[j] * S);
const grads = [0, 1].map((i) => err.reduce((s, e, j) => s + e * x[j][i], 0n)).concat([err.reduce((s, e) => s + e * S, 0n)]);
const params = [...w, b];
const next = params.map((p, i) => floorDiv(p * DEN - lrNum * grads[i], DEN));
if (args.includes("--wrong-step")) next[0] += 1n;
const loss = err.reduce((s, e) => s + e * e, 0n);
const threshold = args.includes("--loss-threshold") ? BigInt(args[args.indexOf("--loss-threshold") + 1]) : loss;

// Default provider: the specs' Alice (EthKey.FromSeed("alice")).
const provider = args.includes("--provider") ? BigInt(args[args.indexOf("--provider") + 1]) : BigInt("0x328809Bc894f92807417D2dAD6b7C998c1aFdac6");

const str = (v) => v.toString();
process.stdout.write(JSON.stringify({
  lrNum: str(lrNum), lossThreshold: str(threshold), provider: str(provider),
  w: w.map(str), b: str(b), x: x.map((r) => r.map(str)), y: y.map(str),
  wNext: next.slice(0, 2).map(str), bNext: str(next[2]),
  saltBefore: "1234567", saltAfter: "7654321", saltBatch: "1122334455",
}, null, 2) + "\n");
