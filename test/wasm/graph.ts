/** Small hand-built graphs for the fusion and session tests. */
import { Graph, Node, Tensor, type Attribute, type Model } from '../../src/index.js';
import { tensorType } from '../../src/engine/ir/types.js';

export class G {
  readonly g = new Graph();
  private n = 0;
  constructor(opset = 13) {
    this.g.opsets.set('', opset);
  }
  input(name: string, dims: number[], type: 'float32' | 'int64' = 'float32'): string {
    this.g.inputs.push({ name, type: tensorType(type, dims) });
    this.g.valueTypes.set(name, tensorType(type, dims));
    return name;
  }
  init(name: string, t: Tensor): string {
    this.g.initializers.set(name, t);
    return name;
  }
  node(op: string, inputs: string[], attrs: Record<string, Attribute> = {}, outputs = 1, domain = ''): string {
    const outs = Array.from({ length: outputs }, (_, i) => `${op.toLowerCase()}${this.n}_${i}`);
    this.g.nodes.push(new Node(`${op}_${this.n++}`, op, inputs, outs, new Map(Object.entries(attrs)), domain));
    return outs[0]!;
  }
  output(...names: string[]): Model {
    this.g.outputs = names.map((name) => ({ name }));
    return { format: 'onnx', graph: this.g, metadata: new Map() };
  }
}

export const ints = (v: number[]): Attribute => ({ type: 'ints', value: v });
export const int = (v: number): Attribute => ({ type: 'int', value: v });
export const float = (v: number): Attribute => ({ type: 'float', value: v });
export const scalar = (v: number) => new Tensor('float32', Float32Array.from([v]), []);
