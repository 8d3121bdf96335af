import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  assertDeviceAvailable,
  DeviceUnavailableError,
  parseDevice,
  trainRewardModel,
  type Device,
} from "../../trainer/index.ts";
import { syntheticPreferences } from "../support/synthetic-preferences.ts";

const nativeDir = path.join(
  path.dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json")),
  "bin",
  "napi-v6",
  process.platform,
  process.arch,
);
const cudaInstalled = existsSync(path.join(nativeDir, "libonnxruntime_providers_cuda.so"));

/** What asking for `device` gives: "ok", or the refusal. */
const outcome = (device: "cuda" | "webgpu") =>
  assertDeviceAvailable(device).then(
    () => "ok" as const,
    (error: unknown) => error,
  );

describe("device selection", () => {
  it("knows cpu, cuda and webgpu, and nothing else", () => {
    expect(["cpu", "cuda", "webgpu"].map(parseDevice)).toEqual(["cpu", "cuda", "webgpu"]);
    expect(() => parseDevice("tpu")).toThrow(DeviceUnavailableError);
    expect(() => parseDevice("tpu")).toThrow('unknown device "tpu" (expected cpu, cuda, webgpu)');
  });

  it("refuses CUDA without its execution provider, saying what to install", async () => {
    const result = await outcome("cuda");
    if (cudaInstalled) {
      // With the provider installed, CUDA either works or fails for a reason that names CUDA and cuDNN.
      if (result !== "ok")
        expect((result as Error).message).toMatch(
          /CUDA execution provider is installed but cannot start .*CUDA 12 and cuDNN 9/,
        );
    } else {
      expect(result).toBeInstanceOf(DeviceUnavailableError);
      expect((result as Error).message).toBe(
        "onnxruntime-node's CUDA execution provider is not installed: on a Linux x64 machine with an NVIDIA GPU, CUDA 12 and cuDNN 9, reinstall it with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node`; or use --device cpu",
      );
    }
  });

  it("refuses WebGPU where it finds no GPU, saying what it needs", async () => {
    const result = await outcome("webgpu");
    if (result !== "ok") {
      expect(result).toBeInstanceOf(DeviceUnavailableError);
      expect((result as Error).message).toMatch(
        /^onnxruntime-node's WebGPU execution provider (cannot start: libvulkan\.so\.1|found no usable GPU).*Vulkan.*or use --device cpu$/,
      );
    }
  });

  it("fails training on an unavailable GPU before doing any work", async () => {
    // Without a GPU (as on this project's machines) both are refused; a GPU machine may leave none to refuse.
    const unavailable: Device[] = [];
    for (const device of ["cuda", "webgpu"] as const) if ((await outcome(device)) !== "ok") unavailable.push(device);
    for (const device of unavailable) {
      const outDir = path.join(os.tmpdir(), `pairwise-never-written-${process.pid}-${device}`);
      await expect(
        trainRewardModel({ pairs: syntheticPreferences({ pairs: 20, seed: 1 }), outDir, device }),
      ).rejects.toBeInstanceOf(DeviceUnavailableError);
      expect(existsSync(outDir)).toBe(false);
    }
  });
});
