import { build } from 'esbuild';
const r = await build({ entryPoints: ['dist/cli/main.entry.js'], bundle: true, write: false, platform: 'node', format: 'cjs', external: ['msgpackr-extract'], define: { 'import.meta.url': '__berthModuleUrl' }, metafile: true, logLevel: 'error' });
const ins = r.metafile.inputs;
const start = process.argv[2], target = new RegExp(process.argv[3]);
const prev = new Map([[start, null]]); const q = [start];
while (q.length) { const f = q.shift(); for (const i of ins[f]?.imports ?? []) { if (i.kind !== 'import-statement' && i.kind !== 'require-call') continue; if (!prev.has(i.path)) { prev.set(i.path, f); q.push(i.path); } } }
const hits = [...prev.keys()].filter((k) => target.test(k));
const seen = new Set();
for (const h of hits) { const chain = []; let c = h; while (c) { chain.unshift(c); c = prev.get(c); } const key = chain.slice(0, -1).join(); if (seen.has(key)) continue; seen.add(key); console.log(chain.map((x) => x.replace(/^(dist|node_modules)\//, '')).join(' -> ')); }
console.log('modules statically reachable:', prev.size);
