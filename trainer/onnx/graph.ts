/**
 * A small builder for ONNX graphs over onnx-proto: named inputs, outputs, initializers and nodes, serialised
 * to the bytes an onnxruntime InferenceSession loads. Only what the trainer needs: float32 and int64 tensors,
 * int and ints attributes, the default operator set.
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
const DataType = onnx.TensorProto.DataType;

export const OPSET = 17;
const IR_VERSION = 8;

export type ElemType = "float32" | "int64";
/** A dimension: a fixed size, or a name for a size that is only known at run time. */
export type Dim = number | string;
export type Attribute = number | number[];

const elemTypes: Record<ElemType, number> = { float32: DataType.FLOAT, int64: DataType.INT64 };

function valueInfo(name: string, elemType: ElemType, shape: Dim[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: elemTypes[elemType],
        shape: { dim: shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: Attribute) {
  const { AttributeType } = onnx.AttributeProto;
  return Array.isArray(value)
    ? { name, type: AttributeType.INTS, ints: value }
    : { name, type: AttributeType.INT, i: value };
}

function littleEndianBytes(values: Float32Array | BigInt64Array): Uint8Array {
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else values.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return bytes;
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly name: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX graph ${this.name}: the name "${name}" is used twice`);
    this.names.add(name);
    return name;
  }

  input(name: string, shape: Dim[], elemType: ElemType = "float32"): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, shape));
    return name;
  }

  /** Declares `value` (a node's result) as a graph output under its own name. */
  output(value: string, shape: Dim[], elemType: ElemType = "float32"): string {
    this.outputs.push(valueInfo(value, elemType, shape));
    return value;
  }

  /** A constant tensor stored in the model; a plain number gives a float32 scalar. */
  constant(values: Float32Array | BigInt64Array | number, dims: number[] = [], name?: string): string {
    const data = typeof values === "number" ? Float32Array.of(values) : values;
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) throw new Error(`ONNX constant ${name ?? ""}: ${data.length} values for shape [${dims}]`);
    const tensorName = this.claim(name ?? `const_${this.counter++}`);
    this.initializers.push({
      name: tensorName,
      dims,
      dataType: data instanceof Float32Array ? DataType.FLOAT : DataType.INT64,
      rawData: littleEndianBytes(data),
    });
    return tensorName;
  }

  /** An int64 vector constant (shapes, axes). */
  ints(values: number[]): string {
    return this.constant(BigInt64Array.from(values.map(BigInt)), [values.length]);
  }

  /** Adds a node with one result; `output` names it (for graph outputs), otherwise a fresh name is made up. */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, output?: string): string {
    const result = this.claim(output ?? `${opType.toLowerCase()}_${this.counter++}`);
    this.nodes.push({
      opType,
      input: inputs,
      output: [result],
      name: `${opType}_${this.nodes.length}`,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return result;
  }

  toBytes(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: "", version: OPSET }],
      producerName: "pairwise-trainer",
      graph: {
        name: this.name,
        node: this.nodes,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
