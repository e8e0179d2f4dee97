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
    // Everything but argument parsing: readers, catalog, counting, reporting.
    .target(name: "CheckpointKit", dependencies: ["CZstd"]),
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
