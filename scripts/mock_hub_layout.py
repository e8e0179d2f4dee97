#!/usr/bin/env python3
"""Lays out the mock Hugging Face Hub of scripts/mock-hub: the repos' files, every JSON answer
pre-generated, and the nginx.conf that serves them. Python standard library only.

  mock_hub_layout.py --state DIR --repo ROOT --realdata DIR --bench70 DIR --gen-cache DIR
                     --hub-port P --cdn-port C
  mock_hub_layout.py --make-70b DIR      (only the sparse llama3-70b/ of scripts/make-bench-inputs)

Writes (all under --state; www/ is rebuilt whole on every run, it takes milliseconds):
  www/files/ORG/NAME/PATH          the repo files: symlinks to the real files, or small generated
                                   ones (config.json of the 70B repo, README.md, model_index.json,
                                   .gitattributes)
  www/_gen/tree/ORG/NAME/{rec,flat}[/DIR]/_tree.json
                                   /api/models/ORG/NAME/tree/REV[/DIR] with and without recursive
  www/_gen/info/ORG/NAME/{plain,blobs}.json
                                   /api/models/ORG/NAME[/revision/REV] without and with ?blobs=true
  www/_gen/stmeta/ORG/NAME/model.safetensors.index.json.json
                                   /api/models/ORG/NAME/safetensors-metadata/model.safetensors.index.json
                                   for the sharded repos: {"index": {...}, "headers": {shard: header}}
  nginx.conf, nginx-maps.conf      the server and its per-file lookup tables
  hub-manifest.json                every repo's commit and files (size, sha256, git oid), for tests

sha256 and git blob ids of the real files are cached in --gen-cache/hashes.json keyed by path, size
and mtime, so a second run hashes nothing.
"""
import argparse
import hashlib
import json
import os
import shutil
import struct
import sys

LFS_SUFFIXES = (".safetensors", ".gguf", ".zst", ".bin")

# The .gitattributes every repo created on the Hub starts with (shortened to the patterns that
# matter here): clients listing a repo must skip it like any other non-weight file.
GITATTRIBUTES = b"""*.bin filter=lfs diff=lfs merge=lfs -text
*.gguf filter=lfs diff=lfs merge=lfs -text
*.safetensors filter=lfs diff=lfs merge=lfs -text
*.zst filter=lfs diff=lfs merge=lfs -text
"""

LLAMA3_70B_CONFIG = {
    "architectures": ["LlamaForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "bos_token_id": 128000,
    "eos_token_id": 128009,
    "hidden_act": "silu",
    "hidden_size": 8192,
    "initializer_range": 0.02,
    "intermediate_size": 28672,
    "max_position_embeddings": 8192,
    "model_type": "llama",
    "num_attention_heads": 64,
    "num_hidden_layers": 80,
    "num_key_value_heads": 8,
    "pretraining_tp": 1,
    "rms_norm_eps": 1e-05,
    "rope_scaling": None,
    "rope_theta": 500000.0,
    "tie_word_embeddings": False,
    "torch_dtype": "bfloat16",
    "transformers_version": "4.40.0.dev0",
    "use_cache": True,
    "vocab_size": 128256,
}

MULTI_GGUF_README = b"""---
library_name: gguf
base_model: test/tiny-llama
tags:
- gguf
- llama
---

# tiny-llama GGUF

Quantized files of test/tiny-llama, one per quantization:

| file | quant |
|---|---|
| tiny-llama-Q4_K_M.gguf | Q4_K_M |
| tiny-llama-Q8_0.gguf | Q8_0 |
"""

MODEL_INDEX = {
    "_class_name": "StableDiffusionPipeline",
    "_diffusers_version": "0.30.0",
    "text_encoder": ["transformers", "CLIPTextModel"],
    "unet": ["diffusers", "UNet2DConditionModel"],
}


def commit_of(repo):
    """A fixed 40-hex commit id per repo: sha1 of its name."""
    return hashlib.sha1(repo.encode()).hexdigest()


def git_blob_oid(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256, size):
    return b"version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n" % (sha256.encode(), size)


def is_lfs(path):
    return path.endswith(LFS_SUFFIXES)


def repos(args):
    """ORG/NAME -> [(path in repo, source file or bytes)]. Sources are linked, bytes are written."""
    rd = lambda p: os.path.join(args.realdata, p)  # noqa: E731
    td = lambda p: os.path.join(args.repo, "TestData", p)  # noqa: E731
    b70 = args.bench70
    shards70 = sorted(n for n in os.listdir(b70) if n.endswith(".safetensors"))
    tiny_llama = [("model.safetensors", td("tiny-llama/model.safetensors")),
                  ("config.json", td("tiny-llama/config.json"))]
    out = {
        "test/minilm": [("model.safetensors", rd("minilm/model.safetensors")),
                        ("config.json", rd("minilm/config.json"))],
        "test/smollm2-gguf": [("SmolLM2-135M-Instruct.Q4_1.gguf", rd("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))],
        "test/tiny-llama": tiny_llama,
        "test/tiny-sharded": [(n, td("tiny-llama-sharded/" + n)) for n in sorted(os.listdir(td("tiny-llama-sharded")))],
        "test/tiny-split-gguf": [(n, td("tiny-split/" + n)) for n in sorted(os.listdir(td("tiny-split")))],
        "test/multi-gguf": [("tiny-llama-Q8_0.gguf", td("tiny-llama.Q8_0.gguf")),
                            ("tiny-llama-Q4_K_M.gguf", td("tiny-llama.Q8_0.gguf")),
                            ("README.md", MULTI_GGUF_README)],
        "test/zst": [("model.safetensors.zst", os.path.join(args.gen_cache, "minilm-model.safetensors.zst")),
                     ("config.json", rd("minilm/config.json")),
                     ("SmolLM2-135M-Instruct.Q4_1.gguf.zst",
                      os.path.join(args.gen_cache, "SmolLM2-135M-Instruct.Q4_1.gguf.zst"))],
        "test/diffusers": [("model_index.json", json.dumps(MODEL_INDEX, indent=2).encode() + b"\n"),
                           ("unet/diffusion_pytorch_model.safetensors", td("tiny-llama/model.safetensors")),
                           ("text_encoder/model.safetensors", td("tiny-gpt2.safetensors"))],
        "test/llama-70b": [(n, os.path.join(b70, n)) for n in shards70]
        + [("model.safetensors.index.json", os.path.join(b70, "model.safetensors.index.json")),
           ("config.json", json.dumps(LLAMA3_70B_CONFIG, indent=2).encode() + b"\n")],
        "test/gated": list(tiny_llama),
        "test/vocab-gguf": [(n, rd("vocab/" + n)) for n in sorted(os.listdir(rd("vocab"))) if n.endswith(".gguf")],
        # A PEFT adapter repo and its base (diff's adapter mode on remote inputs).
        "test/llama-lora-bad": [(n, td("peft/llama-lora-bad/" + n)) for n in ["adapter_config.json", "adapter_model.safetensors"]],
        "test/llama-base": [(n, td("peft/llama-base/" + n)) for n in ["config.json", "model.safetensors"]],
    }
    for files in out.values():
        files.append((".gitattributes", GITATTRIBUTES))
    return out


class Hashes:
    """sha256 and git blob sha1 of source files, cached by (path, size, mtime)."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path) as f:
                self.cache = json.load(f)
        except (OSError, ValueError):
            self.cache = {}
        self.dirty = False

    def of(self, source, repo, name):
        st = os.stat(source)
        # The 70B shards are sparse files of ~5 GB each (141 GB in all): hashing them would take
        # minutes for nothing, so a sparse file gets a fixed fake sha256 derived from its repo and
        # name. Nothing can check it without reading 141 GB, which is the point of the mock.
        if st.st_size > (1 << 30) and st.st_blocks * 512 < st.st_size // 2:
            return hashlib.sha256(("fake-lfs-oid:%s/%s" % (repo, name)).encode()).hexdigest(), None
        key = os.path.realpath(source)
        hit = self.cache.get(key)
        if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            return hit[2], hit[3]
        sha, data = hashlib.sha256(), bytearray() if st.st_size <= (1 << 20) else None
        with open(source, "rb") as f:
            while chunk := f.read(1 << 20):
                sha.update(chunk)
                if data is not None:
                    data += chunk
        result = (sha.hexdigest(), git_blob_oid(bytes(data)) if data is not None else None)
        self.cache[key] = [st.st_size, st.st_mtime_ns, *result]
        self.dirty = True
        return result

    def save(self):
        if self.dirty:
            tmp = self.path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(self.cache, f)
            os.replace(tmp, self.path)


def git_tree_oid(entries):
    """A real git tree id from [(name, is_dir, oid hex)]: git sorts a directory as NAME + '/'."""
    body = b""
    for name, is_dir, oid in sorted(entries, key=lambda e: e[0] + ("/" if e[1] else "")):
        body += (b"40000 " if is_dir else b"100644 ") + name.encode() + b"\0" + bytes.fromhex(oid)
    return hashlib.sha1(b"tree %d\0" % len(body) + body).hexdigest()


def safetensors_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        return json.loads(f.read(n))


def build_repo(repo, files, args, www, hashes):
    """Links/writes the files of one repo and returns its manifest entry."""
    root = os.path.join(www, "files", repo)
    entries = {}
    for path, source in files:
        dest = os.path.join(root, path)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        if isinstance(source, bytes):
            with open(dest, "wb") as f:
                f.write(source)
            sha256, oid, size = hashlib.sha256(source).hexdigest(), git_blob_oid(source), len(source)
        else:
            os.symlink(os.path.abspath(source), dest)
            sha256, oid = hashes.of(source, repo, path)
            size = os.path.getsize(source)
        entry = {"size": size, "sha256": sha256}
        if is_lfs(path):
            pointer = lfs_pointer(sha256, size)
            entry.update(lfs=True, oid=git_blob_oid(pointer), pointerSize=len(pointer))
        else:
            if oid is None:  # a big non-LFS file: none in these repos, but keep the oid honest
                with open(dest, "rb") as f:
                    oid = git_blob_oid(f.read())
            entry.update(lfs=False, oid=oid)
        entries[path] = entry
    return {"commit": commit_of(repo), "gated": repo == "test/gated", "files": entries}


def tree_listings(manifest_repo):
    """{dir: (flat listing, recursive listing)} for the root ("") and every directory."""
    files = manifest_repo["files"]
    dirs = {""}
    for path in files:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    tree_oid = {}
    for d in sorted(dirs, key=lambda d: -d.count("/") if d else 1):  # deepest first, root last
        children = []
        prefix = d + "/" if d else ""
        for path, e in files.items():
            if path.startswith(prefix) and "/" not in path[len(prefix):]:
                children.append((path[len(prefix):], False, e["oid"]))
        for sub in dirs:
            if sub and sub.startswith(prefix) and "/" not in sub[len(prefix):]:
                children.append((sub[len(prefix):], True, tree_oid[sub]))
        tree_oid[d] = git_tree_oid(children)

    def file_entry(path):
        e = files[path]
        out = {"type": "file", "oid": e["oid"], "size": e["size"], "path": path}
        if e["lfs"]:
            out["lfs"] = {"oid": e["sha256"], "size": e["size"], "pointerSize": e["pointerSize"]}
        return out

    listings = {}
    for d in dirs:
        prefix = d + "/" if d else ""
        under_dirs = sorted(x for x in dirs if x and x.startswith(prefix))
        under_files = sorted(p for p in files if p.startswith(prefix))
        # The Hub lists directories before files.
        flat = [{"type": "directory", "oid": tree_oid[x], "size": 0, "path": x}
                for x in under_dirs if "/" not in x[len(prefix):]]
        flat += [file_entry(p) for p in under_files if "/" not in p[len(prefix):]]
        rec = [{"type": "directory", "oid": tree_oid[x], "size": 0, "path": x} for x in under_dirs]
        rec += [file_entry(p) for p in under_files]
        listings[d] = (flat, rec)
    return listings


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f, separators=(",", ":"))


def model_info(repo, m, www):
    """What GET /api/models/ORG/NAME answers: the fields huggingface_hub's ModelInfo reads."""
    files = m["files"]
    org = repo.split("/")[0]
    info = {
        "_id": commit_of(repo)[:24], "id": repo, "modelId": repo, "author": org, "sha": m["commit"],
        "lastModified": "2025-01-01T00:00:00.000Z", "createdAt": "2025-01-01T00:00:00.000Z",
        "private": False, "disabled": False, "gated": "manual" if m["gated"] else False,
        "downloads": 0, "likes": 0, "tags": [], "spaces": [],
        "usedStorage": sum(e["size"] for e in files.values()),
    }
    names = list(files)
    if "config.json" in files:
        with open(os.path.join(www, "files", repo, "config.json")) as f:
            config = json.load(f)
        info["library_name"] = "transformers"
        info["config"] = {k: config[k] for k in ("architectures", "model_type") if k in config}
        info["tags"] = ["transformers", "safetensors", config.get("model_type", "")]
    elif "model_index.json" in files:
        info["library_name"] = "diffusers"
        info["tags"] = ["diffusers", "safetensors"]
    elif any(n.endswith(".gguf") or n.endswith(".gguf.zst") for n in names):
        info["library_name"] = "gguf"
        info["tags"] = ["gguf"]
    # The Hub's own parameter count, from the root model.safetensors or the index's shards.
    shards = []
    if "model.safetensors" in files:
        shards = ["model.safetensors"]
    elif "model.safetensors.index.json" in files:
        with open(os.path.join(www, "files", repo, "model.safetensors.index.json")) as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
    if shards:
        params = {}
        for shard in shards:
            for name, t in safetensors_header(os.path.join(www, "files", repo, shard)).items():
                if name == "__metadata__":
                    continue
                n = 1
                for d in t["shape"]:
                    n *= d
                params[t["dtype"]] = params.get(t["dtype"], 0) + n
        info["safetensors"] = {"parameters": params, "total": sum(params.values())}
    plain = dict(info, siblings=[{"rfilename": n} for n in sorted(names)])
    blobs = dict(info, siblings=[
        dict({"rfilename": n, "size": files[n]["size"], "blobId": files[n]["oid"]},
             **({"lfs": {"sha256": files[n]["sha256"], "size": files[n]["size"],
                         "pointerSize": files[n]["pointerSize"]}} if files[n]["lfs"] else {}))
        for n in sorted(names)])
    return plain, blobs


def sharded_metadata(repo, www):
    """The one-request answer of /api/models/ORG/NAME/safetensors-metadata/INDEX that huggingface_hub's
    get_sharded_safetensors_metadata parses: {"index": the index without its weight_map,
    "headers": {shard: that shard's header as a parsed JSON object}} (data_offsets as in the file,
    relative to the data section; the header's byte length is not part of the answer)."""
    base = os.path.join(www, "files", repo)
    with open(os.path.join(base, "model.safetensors.index.json")) as f:
        index = json.load(f)
    shards = sorted(set(index["weight_map"].values()))
    return {"index": {k: v for k, v in index.items() if k != "weight_map"},
            "headers": {s: safetensors_header(os.path.join(base, s)) for s in shards}}


def nginx_conf(args, manifest, state, www):
    q = lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    maps = []
    maps.append("map \"$org/$name\" $repo_commit {\n    default \"\";\n" + "".join(
        f"    {q(r)} {m['commit']};\n" for r, m in sorted(manifest.items())) + "}\n")
    maps.append("map \"$org/$name\" $repo_gated {\n    default 0;\n" + "".join(
        f"    {q(r)} 1;\n" for r, m in sorted(manifest.items()) if m["gated"]) + "}\n")
    for var, field in (("file_kind", None), ("file_oid", "oid"), ("file_sha256", "sha256"), ("file_size", "size")):
        lines = []
        for r, m in sorted(manifest.items()):
            for p, e in sorted(m["files"].items()):
                value = ("lfs" if e["lfs"] else "small") if field is None else str(e[field])
                lines.append(f"    {q(r + '/' + p)} {value};\n")
        maps.append(f"map \"$org/$name/$path\" ${var} {{\n    default \"\";\n{''.join(lines)}}}\n")
    with open(os.path.join(state, "nginx-maps.conf"), "w") as f:
        f.write("# Generated by scripts/mock_hub_layout.py: which repos exist and what each file is.\n")
        f.write("".join(maps))

    cdn = f"http://127.0.0.1:{args.cdn_port}"
    # One guard for every repo route, in the Hub's order: token, repo, gate, revision.
    guard = r"""# Generated by scripts/mock_hub_layout.py: the Hub's answers to a bad token, a missing repo, a
# gated repo without the token and an unknown revision (huggingface_hub maps them by X-Error-Code).
if ($repo_access = badtoken) {
    add_header X-Error-Message "Invalid credentials in Authorization header" always;
    add_header X-Request-Id $request_id always;
    return 401 '{"error":"Invalid credentials in Authorization header"}';
}
if ($repo_access = norepo401) {
    add_header X-Error-Code RepoNotFound always;
    add_header X-Error-Message "Repository not found" always;
    add_header X-Request-Id $request_id always;
    return 401 '{"error":"Repository not found"}';
}
if ($repo_access = norepo404) {
    add_header X-Error-Code RepoNotFound always;
    add_header X-Error-Message "Repository not found" always;
    add_header X-Request-Id $request_id always;
    return 404 '{"error":"Repository not found"}';
}
if ($repo_access = gated) {
    add_header X-Error-Code GatedRepo always;
    add_header X-Error-Message "Access to model $org/$name is restricted. You must have access to it and be authenticated to access it. Please log in." always;
    add_header X-Request-Id $request_id always;
    return 401 '{"error":"Access to model $org/$name is restricted. You must have access to it and be authenticated to access it. Please log in."}';
}
if ($rev_ok = 0) {
    add_header X-Error-Code RevisionNotFound always;
    add_header X-Error-Message "Invalid rev id: $rev_eff" always;
    add_header X-Request-Id $request_id always;
    return 404 '{"error":"Invalid rev id: $rev_eff"}';
}
"""
    with open(os.path.join(state, "nginx-guard.conf"), "w") as f:
        f.write(guard)

    conf = f"""# Generated by scripts/mock_hub_layout.py for scripts/mock-hub: the mock Hugging Face Hub.
# Port {args.hub_port} answers the Hub's API and resolve routes; port {args.cdn_port} is the "CDN" that resolve
# redirects LFS files to (another origin, as on the Hub, so clients drop the token there).
user root;
worker_processes 2;
daemon on;
pid {state}/nginx.pid;
error_log {state}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    # One line per request; the first six fields are the documented ones (see scripts/mock-hub).
    log_format hub '$request_method $request_uri $status $body_bytes_sent "$http_range" $request_time $msec $server_port $connection $connection_requests';
    access_log {state}/access.log hub;
    client_body_temp_path {state}/tmp/body;
    proxy_temp_path {state}/tmp/proxy;
    fastcgi_temp_path {state}/tmp/fastcgi;
    uwsgi_temp_path {state}/tmp/uwsgi;
    scgi_temp_path {state}/tmp/scgi;
    types {{
        application/json json;
        text/plain md gitattributes;
    }}
    default_type application/octet-stream;
    charset_types application/json text/plain;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 100000;
    server_tokens off;
    map_hash_bucket_size 256;
    map_hash_max_size 4096;

    map $http_authorization $auth_state {{
        default invalid;
        "" anonymous;
        "Bearer hf_testtoken" valid;
    }}
    include {state}/nginx-maps.conf;
    # A missing repo answers 401 to an anonymous request and 404 to an authenticated one, as the Hub does.
    map "$auth_state:$repo_gated:$repo_commit" $repo_access {{
        default ok;
        "~^invalid:" badtoken;
        "~^anonymous:0:$" norepo401;
        "~^valid:0:$" norepo404;
        "~^anonymous:1:" gated;
    }}
    map $rev $rev_eff {{
        "" main;
        default $rev;
    }}
    # main, or the repo's own commit id.
    map "$rev_eff|$repo_commit" $rev_ok {{
        default 0;
        "~^main\\|" 1;
        "~^([0-9a-f]{{40}})\\|\\1$" 1;
    }}
    map $arg_recursive $tree_kind {{
        default flat;
        "~*^(true|1)$" rec;
    }}
    map $arg_blobs $info_kind {{
        default plain;
        "~*^(true|1)$" blobs;
    }}

    server {{
        listen 127.0.0.1:{args.hub_port};
        root {www};
        charset utf-8;
        log_not_found off;

        # /api/models/ORG/NAME/tree/REV[/DIR][?recursive=true]
        location ~ ^/api/models/(?<org>[^/]+)/(?<name>[^/]+)/tree/(?<rev>[^/]+)(?<sub>(?:/[^/]+)*)/?$ {{
            default_type application/json;
            include {state}/nginx-guard.conf;
            add_header X-Repo-Commit $repo_commit always;
            error_page 404 = @entry_not_found;
            rewrite ^ /_gen/tree/$org/$name/$tree_kind$sub/_tree.json break;
        }}
        # /api/models/ORG/NAME/safetensors-metadata/INDEX (main only: the route has no revision)
        location ~ ^/api/models/(?<org>[^/]+)/(?<name>[^/]+)/safetensors-metadata/(?<path>.+)$ {{
            default_type application/json;
            include {state}/nginx-guard.conf;
            add_header X-Repo-Commit $repo_commit always;
            error_page 404 = @entry_not_found;
            rewrite ^ /_gen/stmeta/$org/$name/$path.json break;
        }}
        # /api/models/ORG/NAME and /api/models/ORG/NAME/revision/REV[?blobs=true]
        location ~ ^/api/models/(?<org>[^/]+)/(?<name>[^/]+)(?:/revision/(?<rev>[^/]+))?/?$ {{
            default_type application/json;
            include {state}/nginx-guard.conf;
            add_header X-Repo-Commit $repo_commit always;
            rewrite ^ /_gen/info/$org/$name/$info_kind.json break;
        }}
        # /ORG/NAME/resolve/REV/PATH: LFS files redirect to the CDN, small files are answered here.
        location ~ ^/(?<org>[^/]+)/(?<name>[^/]+)/resolve/(?<rev>[^/]+)/(?<path>.+)$ {{
            default_type application/json;
            include {state}/nginx-guard.conf;
            if ($file_kind = "") {{
                add_header X-Error-Code EntryNotFound always;
                add_header X-Error-Message "Entry not found" always;
                add_header X-Repo-Commit $repo_commit always;
                add_header X-Request-Id $request_id always;
                return 404 '{{"error":"Entry not found"}}';
            }}
            if ($file_kind = lfs) {{
                add_header X-Repo-Commit $repo_commit always;
                add_header ETag "\\"$file_oid\\"" always;
                add_header X-Linked-Etag "\\"$file_sha256\\"" always;
                add_header X-Linked-Size $file_size always;
                add_header Accept-Ranges bytes always;
                return 302 {cdn}/blobs/$org/$name/$path;
            }}
            etag off;
            add_header X-Repo-Commit $repo_commit always;
            add_header ETag "\\"$file_oid\\"" always;
            rewrite ^ /files/$org/$name/$path break;
        }}
        location /blobs/ {{
            alias {www}/files/;
        }}
        location /_gen/ {{ return 404; }}
        location /files/ {{ return 404; }}
        location @entry_not_found {{
            default_type application/json;
            add_header X-Error-Code EntryNotFound always;
            add_header X-Error-Message "Entry not found" always;
            add_header X-Repo-Commit $repo_commit always;
            return 404 '{{"error":"Entry not found"}}';
        }}
    }}

    # The CDN: byte ranges (206 + Content-Range, 416 past the end) and an ETag, no auth.
    server {{
        listen 127.0.0.1:{args.cdn_port};
        location /blobs/ {{
            alias {www}/files/;
        }}
        location / {{ return 404; }}
    }}
}}
"""
    with open(os.path.join(state, "nginx.conf"), "w") as f:
        f.write(conf)


def make_70b(directory):
    """Writes the sparse llama3-70b/ of scripts/make-bench-inputs into DIRECTORY with that script's
    own llama3_70b() (its definitions only: its top level would write every other bench input
    too, ~8 s), or runs the whole script if the function cannot be had. Files already there with
    the right size are kept, as make-bench-inputs does."""
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(here, "make-bench-inputs")
    try:
        import ast
        with open(script) as f:
            tree = ast.parse(f.read())
        tree.body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
        scope = {"__name__": "make_bench_inputs"}
        exec(compile(tree, script, "exec"), scope)
        scope["llama3_70b"](directory)
    except Exception as e:  # noqa: BLE001 - any failure: the script itself knows best
        import subprocess
        print("mock_hub_layout: running make-bench-inputs whole (%s)" % e, file=sys.stderr)
        subprocess.run([script, os.path.dirname(directory)], check=True, stdout=subprocess.DEVNULL)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--make-70b":
        make_70b(sys.argv[2])
        return
    ap = argparse.ArgumentParser()
    for opt in ("--state", "--repo", "--realdata", "--bench70", "--gen-cache"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--hub-port", type=int, required=True)
    ap.add_argument("--cdn-port", type=int, required=True)
    args = ap.parse_args()
    state = os.path.abspath(args.state)
    www = os.path.join(state, "www")
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(state, "tmp", d), exist_ok=True)
    # Rebuild www/ beside the old one and swap: every run starts from the same inputs.
    fresh = www + ".new"
    shutil.rmtree(fresh, ignore_errors=True)
    os.makedirs(fresh)
    hashes = Hashes(os.path.join(args.gen_cache, "hashes.json"))
    manifest = {}
    for repo, files in repos(args).items():
        manifest[repo] = build_repo(repo, files, args, fresh, hashes)
    hashes.save()
    for repo, m in manifest.items():
        for d, (flat, rec) in tree_listings(m).items():
            sub = "/" + d if d else ""
            write_json(os.path.join(fresh, "_gen/tree", repo, "flat" + sub, "_tree.json"), flat)
            write_json(os.path.join(fresh, "_gen/tree", repo, "rec" + sub, "_tree.json"), rec)
        plain, blobs = model_info(repo, m, fresh)
        write_json(os.path.join(fresh, "_gen/info", repo, "plain.json"), plain)
        write_json(os.path.join(fresh, "_gen/info", repo, "blobs.json"), blobs)
        if "model.safetensors.index.json" in m["files"]:
            write_json(os.path.join(fresh, "_gen/stmeta", repo, "model.safetensors.index.json.json"),
                       sharded_metadata(repo, fresh))
    shutil.rmtree(www, ignore_errors=True)
    os.rename(fresh, www)
    nginx_conf(args, manifest, state, www)
    with open(os.path.join(state, "hub-manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
