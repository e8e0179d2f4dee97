#!/usr/bin/env python3
"""Prints docs/llama-cpp-memory.md's comparison table: each recorded llama.cpp run
(TestData/llama-cpp-memory.tsv) beside `ckptinspect memory --json` on the same file and settings.
Usage: llama-cpp-oracle-table.py CKPTINSPECT TSV MODELS_DIR CONVERTED_DIR REALDATA_DIR"""
import json
import os
import subprocess
import sys

TOOL, TSV, MODELS, CONVERTED, REAL = sys.argv[1:6]
MIB = 1 << 20


def path(name):
    if name == "smollm2":
        return os.path.join(REAL, "smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf")
    return os.path.join(CONVERTED if name.startswith("conv-") else MODELS, name + ".gguf")


def within(ours, theirs, exact):
    if exact:
        return abs(ours - theirs) <= 0.0051
    return abs(ours - theirs) <= max(0.01 * theirs, 1.0)


print("| model | -c | -ub | -np | K/V | -fa | model | repack | KV | output | compute (ours / llama.cpp, error) | total error |")
print("|---|--:|--:|--:|---|---|--:|--:|--:|--:|--:|--:|")
misses = []
for line in open(TSV):
    f = line.rstrip("\n").split("\t")
    if line.startswith("#") or f[0] == "model" or len(f) != 13:
        continue
    name, ctx, ub, np_, ck, cv, fa, far = f[:8]
    theirs = dict(zip(["model", "repack", "kv", "output", "compute"], map(float, f[8:])))
    cmd = [TOOL, "memory", "--json", path(name), "--context", str(int(ctx) // int(np_)), "--parallel", np_,
           "--ubatch", ub, "--cache-type-k", ck, "--cache-type-v", cv, "--flash-attention", fa]
    j = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)["memory"]["llama_cpp"]
    ours = {"model": j["model_bytes"] / MIB, "repack": j["repack_bytes"] / MIB,
            "kv": (j["kv_bytes"] + (j["recurrent_bytes"] or 0)) / MIB, "output": j["output_bytes"] / MIB,
            "compute": j["compute_bytes"] / MIB}
    cells = []
    for k in ("model", "repack", "kv", "output"):
        ok = within(ours[k], theirs[k], True)
        cells.append(f"{theirs[k]:.2f}" + ("" if ok else f" (ours {ours[k]:.2f})"))
        if not ok:
            misses.append((name, k))
    err = ours["compute"] - theirs["compute"]
    ok = within(ours["compute"], theirs["compute"], False)
    cells.append(f"{ours['compute']:.2f} / {theirs['compute']:.2f}, {err:+.2f} ({100 * err / theirs['compute']:+.1f}%)"
                 + ("" if ok else " **miss**"))
    if not ok:
        misses.append((name, "compute"))
    total_t = sum(theirs[k] for k in ("model", "kv", "output", "compute"))
    total_o = sum(ours[k] for k in ("model", "kv", "output", "compute"))
    cells.append(f"{100 * (total_o - total_t) / total_t:+.2f}%")
    print(f"| {name} | {ctx} | {ub} | {np_} | {ck}/{cv} | {fa}→{far} | " + " | ".join(cells) + " |")
print()
print(f"misses: {misses if misses else 'none'}", file=sys.stderr)
