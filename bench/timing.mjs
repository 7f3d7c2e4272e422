// How the per-hit benches time a function `work(i, x)`: a tight loop, the
// median of ROUNDS rounds, after a warm-up the caller runs.

export const ROUNDS = 5;

/** ns per call over n iterations, median of ROUNDS. */
export function measure(work, n) {
  const samples = [];
  let sink = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += work(i, i & 7);
    samples.push(Number(process.hrtime.bigint() - t0) / n);
  }
  if (sink === 0.5) console.log(''); // keep the loop observable
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

export function warm(work, n) {
  for (let i = 0; i < n; i++) work(i, i & 7);
}
