import type { Tensor } from '../tensor.js';
import type { ValueType } from './types.js';

/** A node attribute, tagged with its kind. Strings are decoded UTF-8. */
export type Attribute =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'tensor'; readonly value: Tensor }
  | { readonly type: 'graph'; readonly value: Graph }
  | { readonly type: 'type'; readonly value: ValueType }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] }
  | { readonly type: 'tensors'; readonly value: readonly Tensor[] }
  | { readonly type: 'graphs'; readonly value: readonly Graph[] }
  | { readonly type: 'types'; readonly value: readonly ValueType[] };

export type AttributeType = Attribute['type'];

export interface ValueInfo {
  readonly name: string;
  readonly type?: ValueType;
}

/** The default ONNX domain. 'ai.onnx' is normalised to ''. */
export const ONNX_DOMAIN = '';

export class Node {
  constructor(
    /** Unique within its graph (the loader names unnamed nodes). */
    public name: string,
    public opType: string,
    /** Inputs by value name; '' marks an omitted optional input. */
    public inputs: string[],
    public outputs: string[],
    public attrs: Map<string, Attribute> = new Map(),
    public domain: string = ONNX_DOMAIN,
  ) {}

  /** Subgraphs held by this node's attributes (If branches, Loop/Scan bodies). */
  subgraphs(): Graph[] {
    const out: Graph[] = [];
    for (const a of this.attrs.values()) {
      if (a.type === 'graph') out.push(a.value);
      else if (a.type === 'graphs') out.push(...a.value);
    }
    return out;
  }

  /** "name (OpType)" for messages. */
  get label(): string {
    return this.name ? `${this.name} (${this.opType})` : this.opType;
  }
}

export class Graph {
  name = '';
  nodes: Node[] = [];
  inputs: ValueInfo[] = [];
  outputs: ValueInfo[] = [];
  /** Constant tensors. An initializer that is also listed in `inputs` may be overridden by a feed. */
  initializers = new Map<string, Tensor>();
  /** Known types of values (inputs, outputs, intermediates), filled by the loader and shape inference. */
  valueTypes = new Map<string, ValueType>();
  /** Imported opset version per domain ('' = ai.onnx). Subgraphs share their parent's map. */
  opsets = new Map<string, number>();
  /** For subgraphs: the enclosing graph, whose values the body may read by name. */
  parent?: Graph;

  /** Values this graph (and its nested subgraphs) read from enclosing scopes. */
  outerReferences(): Set<string> {
    const defined = new Set<string>([...this.inputs.map((i) => i.name), ...this.initializers.keys()]);
    const refs = new Set<string>();
    for (const n of this.nodes) {
      for (const i of n.inputs) if (i && !defined.has(i)) refs.add(i);
      for (const g of n.subgraphs()) for (const r of g.outerReferences()) if (!defined.has(r)) refs.add(r);
      for (const o of n.outputs) if (o) defined.add(o);
    }
    // A node may read a value produced by a later node only in malformed graphs; the check reports those.
    for (const r of [...refs]) if (defined.has(r)) refs.delete(r);
    for (const o of this.outputs) if (!defined.has(o.name)) refs.add(o.name);
    return refs;
  }

  /** All inputs a node needs, including the outer-scope values its subgraphs read. */
  static nodeDependencies(n: Node): string[] {
    const deps = n.inputs.filter((i) => i !== '');
    for (const g of n.subgraphs()) deps.push(...g.outerReferences());
    return deps;
  }
}

/** A loaded model: the graph plus what the file said about itself. */
export interface Model {
  readonly format: 'onnx' | 'tflite' | 'gguf';
  readonly graph: Graph;
  readonly irVersion?: number;
  readonly producer?: string;
  readonly metadata: ReadonlyMap<string, string>;
}
