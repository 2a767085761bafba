// Writes the witness input of one honest SGD step (the same arithmetic as circuits/sgd_step.circom) for a named
// provider, agent and round, on a batch of the node's `linear-2` task (hocon/pot.conf, pot.proofs.tasks), with
// optional tampering for the specs:
//   node gen_input.js [--provider 0x…] [--agent ID] [--round ID] [--useless] [--wrong-step] [--loss-threshold N] > input.json
// Plain node, no npm packages (CI runs it without `npm ci`): keccak-256 and SplitMix64 are written out below and
// mirror PoT.Actors/Proofs (SgdStepClaim.AgentField/RoundField, LinearTask).
const S_BITS = 8n, N_BITS = 2n, LR_BITS = 8n;
const S = 1n << S_BITS, DEN = 1n << (2n * S_BITS + N_BITS + LR_BITS);
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n; // BN254's scalar order
const floorDiv = (a, b) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
const fx = (v) => BigInt(Math.round(v * Number(S)));

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

// keccak-256 (Ethereum's, padding 0x01 … 0x80), on 64-bit lanes as BigInts: slow, and only ever hashes a few bytes.
const M64 = (1n << 64n) - 1n;
const RC = [0x1n, 0x8082n, 0x800000000000808an, 0x8000000080008000n, 0x808bn, 0x80000001n, 0x8000000080008081n, 0x8000000000008009n,
  0x8an, 0x88n, 0x80008009n, 0x8000000an, 0x8000808bn, 0x800000000000008bn, 0x8000000000008089n, 0x8000000000008003n,
  0x8000000000008002n, 0x8000000000000080n, 0x800an, 0x800000008000000an, 0x8000000080008081n, 0x8000000000008080n, 0x80000001n,
  0x8000000080008008n];
const ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]; // ROT[x][y]
const rotl = (v, n) => (n === 0 ? v : ((v << BigInt(n)) | (v >> BigInt(64 - n))) & M64);
function keccakF(s) {
  for (let round = 0; round < 24; round++) {
    const c = [0, 1, 2, 3, 4].map((x) => s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20]);
    for (let i = 0; i < 25; i++) s[i] ^= c[(i + 4) % 5] ^ rotl(c[(i + 1) % 5], 1);
    const b = new Array(25);
    for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(s[x + 5 * y], ROT[x][y]);
    for (let x = 0; x < 5; x++) for (let y = 0; y < 5; y++) s[x + 5 * y] = b[x + 5 * y] ^ (~b[((x + 1) % 5) + 5 * y] & M64 & b[((x + 2) % 5) + 5 * y]);
    s[0] ^= RC[round];
  }
}
function keccak256(bytes) {
  const rate = 136;
  const padded = [...bytes, 0x01];
  while (padded.length % rate !== 0) padded.push(0);
  padded[padded.length - 1] |= 0x80;
  const s = new Array(25).fill(0n);
  for (let block = 0; block < padded.length; block += rate) {
    for (let i = 0; i < rate / 8; i++) {
      let lane = 0n;
      for (let k = 7; k >= 0; k--) lane = (lane << 8n) | BigInt(padded[block + 8 * i + k]);
      s[i] ^= lane;
    }
    keccakF(s);
  }
  let hex = "";
  for (let i = 0; i < 4; i++) for (let k = 0; k < 8; k++) hex += ((s[i] >> BigInt(8 * k)) & 0xffn).toString(16).padStart(2, "0");
  return hex;
}
// uint256(keccak256(utf8(domain ‖ id))) mod r: SgdStepClaim.AgentField / RoundField.
const field = (domain, id) => BigInt("0x" + keccak256([...Buffer.from(domain + id, "utf8")])) % R;

// The task: y = w*·x + b* + noise, w* and b* uniform in [-1, 1] from the task's seed, x uniform in [-2, 2]^2, noise
// uniform with standard deviation `noise` (LinearTask in C#; these values are linear-2's in hocon/pot.conf).
const TASK = { seed: 42n, features: 2, noise: 0.1, inputRange: 2.0 };
class SplitMix64 {
  constructor(seed) { this.state = BigInt.asUintN(64, seed); }
  next() {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & M64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
    return z ^ (z >> 31n);
  }
  nextDouble() { return Number(this.next() >> 11n) * (1 / 2 ** 53); }
}
const truth = new SplitMix64(TASK.seed);
const wTrue = Array.from({ length: TASK.features }, () => truth.nextDouble() * 2 - 1);
const bTrue = truth.nextDouble() * 2 - 1;
const sample = new SplitMix64(20260101n); // the provider's own batch: a sample no validator tests on
const rows = Array.from({ length: 4 }, () => {
  const x = wTrue.map(() => (sample.nextDouble() * 2 - 1) * TASK.inputRange);
  const y = x.reduce((s, v, i) => s + wTrue[i] * v, bTrue) + (sample.nextDouble() * 2 - 1) * TASK.noise * Math.sqrt(3);
  return { x, y };
});

// The weights before the step: near the task's function (a model trained on it), or, with --useless, all zero (a
// model that never learned anything: its step is honest, its held-out score is not).
const useless = args.includes("--useless");
const w = wTrue.map((v, i) => (useless ? 0n : fx(v + (i === 0 ? 0.03 : -0.03))));
const b = useless ? 0n : fx(bTrue + 0.02);
const x = rows.map((r) => r.x.map(fx));
const y = rows.map((r) => fx(r.y));
const lrNum = 32n; // learning rate 32/256 = 0.125

const err = x.map((row, j) => row.reduce((s, v, i) => s + w[i] * v, b * S) - y[j] * S);
const grads = [0, 1].map((i) => err.reduce((s, e, j) => s + e * x[j][i], 0n)).concat([err.reduce((s, e) => s + e * S, 0n)]);
const params = [...w, b];
const next = params.map((p, i) => floorDiv(p * DEN - lrNum * grads[i], DEN));
if (args.includes("--wrong-step")) next[0] += 1n;
const loss = err.reduce((s, e) => s + e * e, 0n);
const threshold = BigInt(option("--loss-threshold", loss.toString()));

// Default provider: the specs' Alice (EthKey.FromSeed("alice")); default agent and round: the first round of the
// specs' "agent-1" on the specs' validator-duty network (round ids are "{agentId}.{n}@{network tag}"; the tag is the
// node's, GET /health: networkTag).
const provider = BigInt(option("--provider", "0x328809Bc894f92807417D2dAD6b7C998c1aFdac6"));
const agent = field("pot/zk/agent", option("--agent", "agent-1"));
const round = field("pot/zk/round", option("--round", "agent-1.1@acecab071d5c"));

const str = (v) => v.toString();
process.stdout.write(JSON.stringify({
  lrNum: str(lrNum), lossThreshold: str(threshold), provider: str(provider), agent: str(agent), round: str(round),
  w: w.map(str), b: str(b), x: x.map((r) => r.map(str)), y: y.map(str),
  wNext: next.slice(0, 2).map(str), bNext: str(next[2]),
  saltBefore: useless ? "2345678" : "1234567", saltAfter: useless ? "8765432" : "7654321", saltBatch: "1122334455",
}, null, 2) + "\n");
