/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) as self time by package: each sample's time
 * goes to the function on top of the stack, grouped by where that function lives (an npm package,
 * Allot's own src/ folder, a Node built-in module, V8's garbage collector, native code).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function groupOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(program)') return 'V8 / native (program)';
  if (!url) return `native: ${functionName || '(anonymous)'}`;
  if (url.startsWith('wasm://')) return 'wasm (Prisma 7 query compiler)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).replace(/^internal\//, '').split('/')[0]}`;
  const src = url.indexOf('/src/');
  if (src >= 0) {
    const rest = url.slice(src + 5).split('/');
    return `allot src/${rest.length > 1 ? rest[0] : rest[0]!.replace(/\.\w+$/, '')}`;
  }
  return url.replace(/^file:\/\//, '');
}

/**
 * `window`: CLOCK_MONOTONIC microseconds (process.hrtime in the benchmark; V8 stamps samples on
 * the same clock on Linux), so only the timed load counts, not start-up and warm-up.
 */
export function summariseProfile(profile: CpuProfile, window?: { from: number; to: number }, top = 15): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let at = profile.startTime;
  let inWindow = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.from || at > window.to)) continue;
    inWindow += 1;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const group = groupOf(node);
    totals.set(group, (totals.get(group) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  if (window && inWindow === 0) return summariseProfile(profile, undefined, top) + '\n\n(no samples inside the load window: whole process shown)';
  totals.delete('(idle)');
  const busy = [...totals.values()].reduce((sum, v) => sum + v, 0);
  const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `Busy CPU sampled: ${(busy / 1e6).toFixed(1)} s (idle excluded${window ? ', timed load only' : ', whole process'}).`,
    '',
    '| where (self time) | share |',
    '|---|---|',
    ...rows.map(([group, us]) => `| ${group} | ${((100 * us) / busy).toFixed(1)} % |`),
  ].join('\n');
}
