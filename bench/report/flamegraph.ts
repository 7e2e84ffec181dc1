import { readFileSync } from 'node:fs';

/** The parts of a V8 .cpuprofile (node --cpu-prof) read here. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

interface Frame {
  name: string;
  area: string;
  self: number;
  total: number;
  children: Frame[];
}

export interface HotFunction {
  name: string;
  area: string;
  selfMs: number;
  share: number;
}

/** What a profile says: the flame graph as SVG, where the time went by area, and the hottest functions. */
export interface ProfileSummary {
  svg: string;
  totalMs: number;
  areas: { area: string; ms: number; share: number }[];
  top: HotFunction[];
}

const WIDTH = 1200;
const ROW = 16;
const COLOURS: Record<string, string> = {
  decode: '#f28e2b',
  pipeline: '#4e79a7',
  operators: '#59a14f',
  detections: '#8cd17d',
  state: '#b6992d',
  rxjs: '#86bcb6',
  gc: '#e15759',
  node: '#bab0ac',
  other: '#d4a6c8',
};

/** Which part of shardwatch (or Node) a frame belongs to, by its file. */
function areaOf(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return 'gc';
  for (const area of ['decode', 'operators', 'pipeline', 'state'] as const)
    if (url.includes(`/${area}/`)) return area;
  if (url.includes('/catalog/')) return 'detections';
  if (url.includes('rxjs')) return 'rxjs';
  if (url.startsWith('node:') || url === '') return 'node';
  return 'other';
}

/**
 * A flame graph (SVG, root at the bottom, width = time) and the time by area and by function of a V8 CPU
 * profile. Idle time is left out.
 *
 *   const summary = summariseProfile('report/profiles/replay.cpuprofile', 'replay, 1 M events');
 */
export function summariseProfile(path: string, title: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfById = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const build = (id: number): Frame => {
    const node = byId.get(id) as CpuProfile['nodes'][number];
    const { functionName, url, lineNumber } = node.callFrame;
    const idle = functionName === '(idle)' || functionName === '(program)';
    const self = idle ? 0 : (selfById.get(id) ?? 0) / 1000;
    const children = (node.children ?? []).map(build).filter((child) => child.total > 0);
    const name = `${functionName || '(anonymous)'}${url ? ` ${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : ''}`;
    return {
      name,
      area: areaOf(functionName, url),
      self,
      total: self + children.reduce((sum, c) => sum + c.total, 0),
      children,
    };
  };
  const root = build(profile.nodes[0]?.id ?? 1);
  const flat = new Map<string, HotFunction>();
  const areas = new Map<string, number>();
  const visit = (frame: Frame) => {
    if (frame.self > 0) {
      const hot = flat.get(frame.name) ?? { name: frame.name, area: frame.area, selfMs: 0, share: 0 };
      hot.selfMs += frame.self;
      flat.set(frame.name, hot);
      areas.set(frame.area, (areas.get(frame.area) ?? 0) + frame.self);
    }
    for (const child of frame.children) visit(child);
  };
  visit(root);
  const totalMs = root.total;
  for (const hot of flat.values()) hot.share = hot.selfMs / totalMs;
  return {
    svg: flameSvg(root, title),
    totalMs,
    areas: [...areas].map(([area, ms]) => ({ area, ms, share: ms / totalMs })).sort((a, b) => b.ms - a.ms),
    top: [...flat.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, 25),
  };
}

function flameSvg(root: Frame, title: string): string {
  const rects: string[] = [];
  let depth = 0;
  const scale = WIDTH / Math.max(root.total, 1);
  const place = (frame: Frame, x: number, level: number) => {
    const width = frame.total * scale;
    if (width < 0.5) return;
    depth = Math.max(depth, level);
    rects.push(rect(frame, x, level, width));
    let next = x;
    for (const child of frame.children) {
      place(child, next, level + 1);
      next += child.total * scale;
    }
  };
  place(root, 0, 0);
  const height = (depth + 1) * ROW + 30;
  const body = rects.join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="DejaVu Sans, sans-serif" font-size="10">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="6" y="16" font-size="13">${escapeXml(title)} — width = CPU time; colour = area (decode, pipeline, operators, detections, state, gc, node)</text>`,
    `<g transform="translate(0, ${height}) scale(1, -1)">`,
    body,
    '</g>',
    '</svg>',
  ].join('\n');
}

/** One frame: drawn flipped (root at the bottom), its label flipped back. */
function rect(frame: Frame, x: number, level: number, width: number): string {
  const y = level * ROW;
  const colour = COLOURS[frame.area] ?? COLOURS.other;
  const label = width > 40 ? truncate(frame.name, Math.floor(width / 6)) : '';
  const tooltip = `${frame.name}: ${frame.total.toFixed(0)} ms (self ${frame.self.toFixed(0)} ms)`;
  return (
    `<g><title>${escapeXml(tooltip)}</title><rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${ROW - 1}" fill="${colour}"/>` +
    (label
      ? `<text transform="translate(${(x + 2).toFixed(1)}, ${y + 4}) scale(1, -1)">${escapeXml(label)}</text>`
      : '') +
    '</g>'
  );
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, Math.max(0, length - 1))}…`;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
