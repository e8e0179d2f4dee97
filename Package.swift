// swift-tools-version: 6.2
import PackageDescription

let package = Package(
  name: "ckptinspect",
  products: [
    .library(name: "CheckpointKit", targets: ["CheckpointKit"]),
    .executable(name: "ckptinspect", targets: ["ckptinspect"]),
    // libFuzzer entry point: scripts/fuzz builds it with --sanitize=fuzzer --sanitize=address.
    .executable(name: "FuzzCheckpoint", targets: ["FuzzCheckpoint"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // The system libzstd, for reading .zst checkpoints by decompressing only their headers.
    .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
    // libcurl's headers only (Debian libcurl4-openssl-dev): the library itself is loaded with
    // dlopen when an input is a URL, so local runs do not pay for loading it (see CCurl/shim.h).
    .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    // Everything but argument parsing: readers, catalog, counting, reporting.
    .target(name: "CheckpointKit", dependencies: ["CZstd", "CCurl"]),
    .executableTarget(
      name: "ckptinspect",
      dependencies: [
        "CheckpointKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "FuzzCheckpoint", dependencies: ["CheckpointKit"]),
    .testTarget(name: "CheckpointKitTests", dependencies: ["CheckpointKit"]),
    .testTarget(name: "ckptinspectTests", dependencies: ["CheckpointKit", "ckptinspect"], exclude: ["Golden"]),
  ]
)
