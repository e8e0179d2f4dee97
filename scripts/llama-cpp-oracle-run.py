#!/usr/bin/env python3
"""Runs llama-completion (CPU) on each case and records the buffers llama.cpp reports.
Usage: llama-cpp-oracle-run.py BIN_DIR MODELS_DIR CONVERTED_DIR REALDATA_DIR VERSION [OUT.tsv]

llama.cpp prints every buffer in MiB with two decimals:
  load_tensors:   CPU_Mapped model buffer size =    92.10 MiB   (and CPU_REPACK for repacked weights)
  llama_kv_cache:        CPU KV buffer size =   180.00 MiB      (one line per cache: base and SWA)
  llama_context:        CPU  output buffer size =     0.19 MiB
  sched_reserve:        CPU compute buffer size =    98.25 MiB
and how the flash-attention setting resolved ("auto" becomes on or off)."""
import os
import re
import subprocess
import sys

BIN, MODELS, CONVERTED, REAL, VERSION = sys.argv[1:6]
OUT = sys.argv[6] if len(sys.argv) > 6 else None
SMOL = os.path.join(REAL, "smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")


def m(name):
    if name == "smollm2":
        return SMOL
    # conv-*: real conversions by convert_hf_to_gguf.py (llama-cpp-oracle-convert.py)
    return os.path.join(CONVERTED if name.startswith("conv-") else MODELS, name + ".gguf")


# model, context, ubatch, parallel, cache K, cache V, flash attention
CASES = [
    ("smollm2", 8192, 512, 1, "f16", "f16", "auto"),
    ("smollm2", 4096, 256, 1, "f16", "f16", "auto"),
    ("smollm2", 8192, 512, 1, "f16", "f16", "off"),
    ("smollm2", 2048, 512, 1, "f16", "f16", "off"),
    ("smollm2", 8192, 512, 1, "q8_0", "q8_0", "on"),
    ("smollm2", 8192, 512, 1, "q4_0", "q4_0", "on"),
    ("smollm2", 8192, 512, 1, "q8_0", "f16", "off"),
    ("smollm2", 8192, 512, 4, "f16", "f16", "on"),
    ("smollm2", 1000, 128, 1, "f16", "f16", "on"),
    ("smollm2", 8192, 1024, 1, "f16", "f16", "on"),
    ("llama-gqa", 4096, 512, 1, "f16", "f16", "on"),
    ("llama-gqa", 4096, 512, 1, "f16", "f16", "off"),
    ("llama-gqa", 2048, 256, 2, "q8_0", "q8_0", "on"),
    ("qwen2", 32768, 512, 1, "f16", "f16", "on"),
    ("qwen2", 8192, 512, 1, "f16", "f16", "off"),
    ("qwen2", 8192, 256, 1, "q4_0", "q4_0", "on"),
    ("gemma2", 8192, 512, 1, "f16", "f16", "on"),
    ("gemma2", 8192, 512, 1, "f16", "f16", "off"),
    ("gemma2", 4096, 256, 2, "q8_0", "q8_0", "on"),
    ("gemma3-270m", 32768, 512, 1, "f16", "f16", "on"),
    ("gemma3-270m", 32768, 512, 1, "f16", "f16", "off"),
    ("gemma3-270m", 8192, 256, 1, "q8_0", "q8_0", "on"),
    ("gemma3-270m", 8192, 512, 4, "f16", "f16", "on"),
    ("mixtral", 8192, 512, 1, "f16", "f16", "on"),
    ("mixtral", 8192, 512, 1, "f16", "f16", "off"),
    ("mixtral", 4096, 256, 1, "q8_0", "q8_0", "on"),
    ("qwen2moe", 8192, 512, 1, "f16", "f16", "on"),
    ("qwen2moe", 8192, 512, 1, "f16", "f16", "off"),
    ("qwen2moe", 4096, 128, 2, "f16", "f16", "on"),
    # where attention without flash attention, the FFN or the experts outgrow the logits
    ("smollm2", 16384, 512, 1, "f16", "f16", "off"),
    ("smollm2", 16384, 256, 1, "f16", "f16", "off"),
    ("qwen2", 32768, 512, 1, "f16", "f16", "off"),
    ("gemma3-270m", 131072, 512, 1, "f16", "f16", "off"),
    ("mixtral", 16384, 256, 1, "f16", "f16", "off"),
    ("wide-ffn", 4096, 512, 1, "f16", "f16", "on"),
    ("wide-ffn", 4096, 256, 1, "f16", "f16", "on"),
    ("wide-ffn", 4096, 512, 1, "f16", "f16", "off"),
    ("wide-ffn", 8192, 512, 1, "f16", "f16", "on"),
    ("wide-ffn", 1024, 512, 1, "f16", "f16", "on"),
    ("wide-ffn", 1024, 512, 1, "f16", "f16", "off"),
    ("wide-moe", 4096, 512, 1, "f16", "f16", "on"),
    ("wide-moe", 4096, 256, 1, "f16", "f16", "on"),
    ("wide-moe", 8192, 512, 1, "f16", "f16", "off"),
    ("wide-moe", 1024, 512, 1, "f16", "f16", "on"),
    ("wide-moe", 1024, 512, 1, "q8_0", "q8_0", "on"),
    # Q4_0 weights: the CPU backend's repacked copy
    ("llama-q4_0", 4096, 512, 1, "f16", "f16", "on"),
    ("llama-q4_0-tied", 4096, 512, 1, "f16", "f16", "on"),
    # Gemma-2 with its logit soft-capping; Mamba (a recurrent state, no KV cache)
    ("gemma2-softcap", 8192, 512, 1, "f16", "f16", "on"),
    ("gemma2-softcap", 8192, 512, 1, "f16", "f16", "off"),
    ("mamba", 8192, 512, 1, "f16", "f16", "on"),
    ("mamba", 4096, 256, 2, "f16", "f16", "on"),
    ("mamba", 4096, 512, 4, "f16", "f16", "off"),
    # several sequences
    ("smollm2", 8192, 512, 2, "f16", "f16", "on"),
    ("smollm2", 8192, 512, 8, "f16", "f16", "on"),
    ("llama-gqa", 4096, 512, 4, "f16", "f16", "on"),
    ("qwen2", 8192, 512, 4, "f16", "f16", "on"),
    # real conversions (convert_hf_to_gguf.py on tiny random HF models): the trained context with
    # the defaults, a smaller micro-batch, no flash attention, a Q8_0 cache
    ("conv-llama", 4096, 512, 1, "f16", "f16", "auto"),
    ("conv-llama", 4096, 256, 1, "f16", "f16", "on"),
    ("conv-llama", 4096, 512, 1, "f16", "f16", "off"),
    ("conv-llama", 4096, 512, 2, "q8_0", "q8_0", "on"),
    ("conv-qwen2", 32768, 512, 1, "f16", "f16", "auto"),
    ("conv-qwen2", 8192, 256, 1, "f16", "f16", "on"),
    ("conv-qwen2", 8192, 512, 1, "f16", "f16", "off"),
    ("conv-qwen2", 8192, 512, 1, "q8_0", "q8_0", "on"),
    ("conv-gemma3", 32768, 512, 1, "f16", "f16", "auto"),
    ("conv-gemma3", 8192, 256, 1, "f16", "f16", "on"),
    ("conv-gemma3", 32768, 512, 1, "f16", "f16", "off"),
    ("conv-gemma3", 8192, 512, 1, "q8_0", "q8_0", "on"),
    ("conv-mixtral", 32768, 512, 1, "f16", "f16", "auto"),
    ("conv-mixtral", 8192, 128, 1, "f16", "f16", "on"),
    ("conv-mixtral", 8192, 512, 1, "f16", "f16", "off"),
    ("conv-mixtral", 8192, 512, 1, "q8_0", "q8_0", "on"),
    ("conv-qwen2moe", 8192, 512, 1, "f16", "f16", "auto"),
    ("conv-qwen2moe", 8192, 128, 1, "f16", "f16", "on"),
    ("conv-qwen2moe", 8192, 512, 1, "f16", "f16", "off"),
    ("conv-qwen2moe", 8192, 512, 1, "q8_0", "q8_0", "on"),
]

MIB = r"=\s*([0-9.]+) MiB"


def run(case):
    name, ctx, ub, np_, ctk, ctv, fa = case
    cmd = [os.path.join(BIN, "llama-completion"), "-m", m(name), "-p", "hi", "-n", "1",
           "--no-warmup", "-no-cnv", "-t", "2", "-c", str(ctx), "-b", "2048", "-ub", str(ub),
           "-np", str(np_), "-ctk", ctk, "-ctv", ctv, "-fa", fa, "-fit", "off", "--temp", "0", "-lv", "5"]
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=900)
    return cmd, p.stdout + p.stderr


def parse(log):
    r = {"model": 0.0, "repack": 0.0, "kv": 0.0, "output": 0.0, "compute": 0.0, "fa": "?"}
    r["compute_exact"] = None
    for line in log.splitlines():
        if "model buffer size" in line:
            v = float(re.search(MIB, line).group(1))
            r["repack" if "REPACK" in line else "model"] += v
        elif "KV buffer size" in line or ("llama_memory_recurrent" in line and "buffer size" in line):
            r["kv"] += float(re.search(MIB, line).group(1))
        elif "output buffer size" in line:
            r["output"] += float(re.search(MIB, line).group(1))
        elif "compute buffer size is" in line:
            # the destructor's check, to 4 decimals: more precise than the 2 of sched_reserve
            r["compute_exact"] = float(re.search(r"size is\s*([0-9.]+) MiB", line).group(1))
        elif "compute buffer size =" in line:
            r["compute"] += float(re.search(MIB, line).group(1))
        elif "Flash Attention enabled" in line:
            r["fa"] = "on"
        elif "Flash Attention" in line and "disabled" in line:
            r["fa"] = "off"
    return r


def main():
    rows = []
    header = ("model\tcontext\tubatch\tparallel\tcache_k\tcache_v\tflash_attn\tflash_attn_resolved"
              "\tmodel_mib\trepack_mib\tkv_mib\toutput_mib\tcompute_mib")
    only = os.environ.get("ORACLE_ONLY")
    for case in CASES:
        if only and case[0] not in only.split(","):
            continue
        cmd, log = run(case)
        p = parse(log)
        if p["model"] == 0:
            sys.stderr.write(" ".join(cmd) + "\n" + log[-3000:] + "\n")
            continue
        if p["fa"] == "?":
            p["fa"] = "off" if case[6] == "off" else "on"
        if p["compute_exact"] is not None:
            p["compute"] = p["compute_exact"]
        row = "\t".join(map(str, case)) + "\t" + p["fa"] + "".join(
            f"\t{p[k]:.2f}" for k in ("model", "repack", "kv", "output")) + f"\t{p['compute']:.4f}"
        print(row, flush=True)
        rows.append(row)
    if OUT:
        with open(OUT, "w") as f:
            f.write(f"# {VERSION}, CPU backend, llama-completion; sizes in MiB as llama.cpp prints them\n")
            f.write(header + "\n" + "\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
