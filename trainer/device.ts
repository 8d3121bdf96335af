/**
 * Execution devices. The same ONNX graphs run on every onnxruntime execution provider; a GPU provider that
 * cannot start here is refused at once, with what to install, rather than quietly falling back to the CPU.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { GraphBuilder } from "./onnx/graph.ts";

export const DEVICES = ["cpu", "cuda", "webgpu"] as const;
export type Device = (typeof DEVICES)[number];

/** The device is unknown, or its execution provider cannot run on this machine. */
export class DeviceUnavailableError extends Error {
  override name = "DeviceUnavailableError";
}

export function parseDevice(value: string): Device {
  if ((DEVICES as readonly string[]).includes(value)) return value as Device;
  throw new DeviceUnavailableError(`unknown device "${value}" (expected ${DEVICES.join(", ")})`);
}

/** Where onnxruntime-node keeps its native libraries for this platform. */
function nativeDir(): string {
  const packageJson = createRequire(import.meta.url).resolve("onnxruntime-node/package.json");
  return path.join(path.dirname(packageJson), "bin", "napi-v6", process.platform, process.arch);
}

const CUDA_MISSING =
  "onnxruntime-node's CUDA execution provider is not installed: on a Linux x64 machine with an NVIDIA GPU, CUDA 12 and cuDNN 9, reinstall it with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`; or use --device cpu";
const VULKAN_MISSING =
  "onnxruntime-node's WebGPU execution provider cannot start: libvulkan.so.1 (the Vulkan loader) was not found; install it and your GPU vendor's Vulkan driver (e.g. `apt-get install libvulkan1` with the NVIDIA driver's Vulkan ICD, or mesa-vulkan-drivers); or use --device cpu";

/** Directories the dynamic loader searches on Linux, roughly: enough to tell a missing library from a present one. */
function linuxLibraryDirs(): string[] {
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? "").split(":").filter(Boolean);
  const multiarch = process.arch === "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  return [
    ...fromEnv,
    `/usr/lib/${multiarch}`,
    `/lib/${multiarch}`,
    "/usr/lib64",
    "/lib64",
    "/usr/lib",
    "/lib",
    "/usr/local/lib",
  ];
}

/** Says why `device` cannot work here without trying it, when a required file is plainly missing. */
function missingPiece(device: Device): string | null {
  if (device === "cuda")
    return existsSync(path.join(nativeDir(), "libonnxruntime_providers_cuda.so")) || process.platform === "win32"
      ? null
      : CUDA_MISSING;
  if (
    device === "webgpu" &&
    process.platform === "linux" &&
    !linuxLibraryDirs().some((dir) => existsSync(path.join(dir, "libvulkan.so.1")))
  )
    return VULKAN_MISSING;
  return null;
}

function failedMessage(device: Device, reason: string): string {
  if (device === "cuda")
    return `onnxruntime-node's CUDA execution provider is installed but cannot start (${reason}): it needs an NVIDIA GPU and the CUDA 12 and cuDNN 9 libraries on the library path; or use --device cpu`;
  return `onnxruntime-node's WebGPU execution provider found no usable GPU (${reason}): it needs a GPU with Vulkan drivers on Linux, Direct3D 12 on Windows or Metal on macOS; or use --device cpu`;
}

/** Providers to ask for, in order; nodes a GPU provider cannot run fall back to the CPU. */
function executionProviders(device: Device): string[] {
  return device === "cpu" ? ["cpu"] : [device, "cpu"];
}

function sessionOptions(device: Device): ort.InferenceSession.SessionOptions {
  // Log level 3 (errors) keeps onnxruntime's own warnings off standard error; failures still throw.
  return { executionProviders: executionProviders(device), graphOptimizationLevel: "all", logSeverityLevel: 3 };
}

const probes = new Map<Device, Promise<void>>();

async function probe(device: Device): Promise<void> {
  const missing = missingPiece(device);
  if (missing) throw new DeviceUnavailableError(missing);
  const g = new GraphBuilder("probe");
  g.output(g.op("Relu", [g.input("x", [1])], {}, "y"), [1]);
  try {
    // Only the GPU provider itself is named, so that a failure to start it is not hidden by a CPU fallback.
    const session = await ort.InferenceSession.create(g.toBytes(), {
      executionProviders: [device],
      logSeverityLevel: 4,
    });
    await session.release();
  } catch (error) {
    // onnxruntime's messages start with its source location; the part after "was false." is the readable one.
    const reason = ((error as Error).message ?? String(error))
      .split("\n")[0]
      .replace(/^.* was false\.\s*/, "")
      .trim();
    throw new DeviceUnavailableError(failedMessage(device, reason.slice(0, 200)));
  }
}

/** Resolves when `device` can run sessions here; throws DeviceUnavailableError (with what to install) otherwise. */
export function assertDeviceAvailable(device: Device): Promise<void> {
  if (device === "cpu") return Promise.resolve();
  let pending = probes.get(device);
  if (!pending) {
    pending = probe(device);
    probes.set(device, pending);
  }
  return pending;
}

/** Creates a session on `device`, after checking that the device is available. */
export async function createSession(model: Uint8Array | string, device: Device): Promise<ort.InferenceSession> {
  await assertDeviceAvailable(device);
  return typeof model === "string"
    ? ort.InferenceSession.create(model, sessionOptions(device))
    : ort.InferenceSession.create(model, sessionOptions(device));
}

/** A session for the ONNX file `file`; a file onnxruntime cannot load is reported as `invalid(reason)`. */
export async function createFileSession(
  file: string,
  device: Device,
  invalid: (reason: string) => Error,
): Promise<ort.InferenceSession> {
  try {
    return await createSession(file, device);
  } catch (error) {
    if (error instanceof DeviceUnavailableError) throw error;
    throw invalid(`${file}: onnxruntime cannot load it (${(error as Error).message.split("\n")[0]})`);
  }
}
