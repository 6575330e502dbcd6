/**
 * The activation arena: at session creation, every value that a wasm node produces and only wasm nodes
 * read gets a fixed offset in one block of the WASM heap, sized for the peak of simultaneously live values
 * (greedy: largest first, lowest offset that does not overlap a value alive at the same time). Those
 * values are handed out as views into the heap, so consecutive wasm nodes exchange tensors without copies.
 *
 * Everything else leaves a wasm kernel as a copy in a JS array: graph outputs, values read by another
 * backend or by a subgraph (they may alias them beyond the arena's bookkeeping), values of unknown size,
 * 64-bit integers and tiny tensors (schemas may read those as values, and a view is only valid until the
 * memory grows). Reshape-like nodes alias their input: one slot serves the whole alias group.
 */
import { DTYPES } from '../engine/ir/dtype.js';
import type { Graph, Node } from '../engine/ir/graph.js';
import { byteLength } from '../engine/ir/dtype.js';

export interface Slot {
  readonly offset: number;
  readonly bytes: number;
}

export interface ArenaPlan {
  readonly size: number;
  /** Per node output: its slot, or undefined (a JS copy). Alias outputs carry their group's slot. */
  readonly slots: ReadonlyMap<Node, readonly (Slot | undefined)[]>;
}

/** Outputs with fewer elements than this always leave as JS copies. */
const MIN_ARENA_ELEMENTS = 64;
const ALIGN = 64;

export function planArena(graph: Graph, mine: ReadonlySet<Node>, isAlias: (n: Node) => boolean): ArenaPlan {
  const nodes = graph.nodes;
  const producer = new Map<string, number>();
  const lastRead = new Map<string, number>();
  const external = new Set<string>(graph.outputs.map((o) => o.name));
  nodes.forEach((n, i) => {
    const own = mine.has(n) && n.subgraphs().length === 0;
    for (const d of Graph_deps(n)) {
      lastRead.set(d, i);
      if (!own) external.add(d);
    }
    n.outputs.forEach((o) => { if (o) producer.set(o, i); });
  });

  // Alias groups: root value -> members.
  const root = new Map<string, string>();
  const find = (v: string): string => {
    let r = v;
    while (root.has(r) && root.get(r) !== r) r = root.get(r)!;
    return r;
  };
  const bytesOf = new Map<string, number>();
  nodes.forEach((n) => {
    if (!mine.has(n)) return;
    n.outputs.forEach((o, k) => {
      if (!o) return;
      const src = n.inputs[0];
      if (k === 0 && isAlias(n) && src && producer.has(src) && mine.has(nodes[producer.get(src)!]!)) {
        root.set(o, find(src));
        return;
      }
      root.set(o, o);
      const b = sizeOf(graph, o);
      if (b !== undefined) bytesOf.set(o, b);
    });
  });

  interface Group { root: string; start: number; end: number; bytes: number; ok: boolean; offset: number }
  const groups = new Map<string, Group>();
  for (const v of root.keys()) {
    const r = find(v);
    let g = groups.get(r);
    if (!g) {
      const bytes = bytesOf.get(r);
      g = { root: r, start: producer.get(r)!, end: producer.get(r)!, bytes: bytes ?? 0, ok: bytes !== undefined, offset: -1 };
      groups.set(r, g);
    }
    if (external.has(v)) g.ok = false;
    g.end = Math.max(g.end, lastRead.get(v) ?? producer.get(v)!, producer.get(v)!);
  }

  const placed: Group[] = [];
  let size = 0;
  for (const g of [...groups.values()].filter((x) => x.ok).sort((a, b) => b.bytes - a.bytes || a.start - b.start)) {
    const live = placed.filter((p) => p.start <= g.end && g.start <= p.end).sort((a, b) => a.offset - b.offset);
    let off = 0;
    for (const p of live) {
      if (off + g.bytes <= p.offset) break;
      off = Math.max(off, p.offset + align(p.bytes));
    }
    g.offset = off;
    placed.push(g);
    size = Math.max(size, off + align(g.bytes));
  }

  const slots = new Map<Node, (Slot | undefined)[]>();
  for (const n of nodes) {
    if (!mine.has(n)) continue;
    slots.set(n, n.outputs.map((o) => {
      if (!o || !root.has(o)) return undefined;
      const g = groups.get(find(o))!;
      return g.ok ? { offset: g.offset, bytes: g.bytes } : undefined;
    }));
  }
  return { size, slots };
}

const align = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Static byte size of a value, when its type is fully known and it may live in the arena. */
function sizeOf(graph: Graph, name: string): number | undefined {
  const t = graph.valueTypes.get(name);
  if (t?.kind !== 'tensor' || !t.shape || t.shape.some((d) => typeof d !== 'number')) return undefined;
  const info = DTYPES[t.dtype];
  if (t.dtype === 'string' || info.kind === 'block' || info.bits < 8 || info.bits > 32) return undefined;
  const n = (t.shape as number[]).reduce((a, b) => a * b, 1);
  if (n < MIN_ARENA_ELEMENTS) return undefined;
  return byteLength(t.dtype, n);
}

/** A node's inputs plus the outer values its subgraphs read. */
function Graph_deps(n: Node): string[] {
  const d = n.inputs.filter((i) => i !== '');
  for (const g of n.subgraphs()) d.push(...g.outerReferences());
  return d;
}
