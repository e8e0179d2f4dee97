// swift-tools-version: 6.2
import PackageDescription

// Strict memory safety (SE-0458): every use of an unsafe construct must be marked `unsafe`, and an
// unmarked one fails the build (CI included: it runs a plain `swift build`), so the places a
// reviewer must audit are exactly those marked. They are listed in docs/unsafe-audit.md.
let memorySafety: [SwiftSetting] = [
  .strictMemorySafety(),
  .treatWarning("StrictMemorySafety", as: .error),
]

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
    .target(
      name: "CheckpointKit", dependencies: ["CZstd", "CCurl"],
      swiftSettings: memorySafety + [
        // `@_lifetime` on the span cursors (ByteReader, HeaderScanner, GGUFReader.Parser), as
        // swift-binary-parsing's ParserSpan has it; still spelled as an experimental feature in 6.3.
        .enableExperimentalFeature("Lifetimes")
      ]
    ),
    .executableTarget(
      name: "ckptinspect",
      dependencies: [
        "CheckpointKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: memorySafety
    ),
    .executableTarget(name: "FuzzCheckpoint", dependencies: ["CheckpointKit"], swiftSettings: memorySafety),
    .testTarget(name: "CheckpointKitTests", dependencies: ["CheckpointKit"]),
    .testTarget(name: "ckptinspectTests", dependencies: ["CheckpointKit", "ckptinspect"], exclude: ["Golden"]),
  ]
)
