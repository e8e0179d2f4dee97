import CZstd

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The zstd decoder's allocator. A frame declares its window (up to 2 GiB with `zstd --long=31`)
/// and the decoder allocates a buffer that large as soon as it reads the frame header, before a
/// single block, though only the part the decoded bytes fill is ever written. Large blocks are
/// therefore mapped without reserving swap (`MAP_NORESERVE`): a 40-byte hostile frame costs
/// address space, not memory, and a header read touches only the pages the header fills. Small
/// blocks come from malloc. Each block starts with a 16-byte prefix saying which it is.
enum ZstdMemory {
  static let prefix = 16
  /// Blocks from this size on are mapped.
  static let mapThreshold = 1 << 20

  /// Built per decoder (a C struct of function pointers is not Sendable as a global).
  static var customMem: ZSTD_customMem {
    unsafe ZSTD_customMem(
      customAlloc: { _, size in unsafe ZstdMemory.allocate(size) },
      customFree: { _, address in unsafe ZstdMemory.release(address) },
      opaque: nil)
  }

  static func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
    guard size >= 0, size <= Int.max - 4096 - prefix else { return nil }
    let total = size + prefix
    if size >= mapThreshold {
      guard let base = unsafe mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
        unsafe base != MAP_FAILED
      else { return nil }
      unsafe base.storeBytes(of: total, as: Int.self)  // a mapping of `total` bytes
      return unsafe base + prefix
    }
    guard let base = unsafe malloc(total) else { return nil }
    unsafe base.storeBytes(of: -1, as: Int.self)  // from malloc
    return unsafe base + prefix
  }

  static func release(_ address: UnsafeMutableRawPointer?) {
    guard let address = unsafe address else { return }
    let base = unsafe address - prefix
    let total = unsafe base.load(as: Int.self)
    if total > 0 { unsafe munmap(base, total) } else { unsafe free(base) }
  }

  /// A streaming decoder that allocates through `customMem`.
  static func makeStream() -> OpaquePointer? {
    unsafe ZSTD_createDStream_advanced(customMem)
  }
}
