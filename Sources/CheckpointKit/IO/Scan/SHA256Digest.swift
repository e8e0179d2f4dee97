#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 by OpenSSL's libcrypto (the implementation `openssl dgst` runs, with the CPU's SHA
/// instructions where it has them), loaded with dlopen the first time a file is hashed: linking
/// a crypto library would cost every run of the tool at start-up, and only `scan --sha256` hashes.
///
/// Sendable because the scan hands the running digest from thread to thread: it is only ever
/// used by the one thread holding the lock around it.
@safe public final class SHA256Digest: @unchecked Sendable {
  private let library: CryptoLibrary
  private let context: OpaquePointer

  public init() throws(CheckpointError) {
    library = try CryptoLibrary.shared.get()
    guard let context = unsafe library.newContext(), unsafe library.initDigest(context, library.sha256(), nil) == 1 else {
      throw CheckpointError(file: "", offset: nil, field: "", fault: .io(operation: "sha256", message: "libcrypto could not start a SHA-256 digest"))
    }
    unsafe self.context = context
  }

  deinit { unsafe library.freeContext(context) }

  /// Adds the bytes a chunk buffer holds.
  public func update(_ buffer: ChunkBuffer) {
    unsafe buffer.withRawBytes { raw in
      _ = unsafe library.update(context, raw.baseAddress, raw.count)
    }
  }

  /// Adds bytes from memory (tests, small headers).
  public func update(_ bytes: [UInt8]) {
    unsafe bytes.withUnsafeBytes { raw in
      _ = unsafe library.update(context, raw.baseAddress, raw.count)
    }
  }

  /// The digest as 64 lowercase hex digits. The digest cannot be updated afterwards.
  public func finish() -> String {
    var out = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    _ = unsafe out.withUnsafeMutableBytes { unsafe library.final(context, $0.baseAddress, &length) }
    let digits = Array("0123456789abcdef".utf8)
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in out {
      hex.append(digits[Int(byte >> 4)])
      hex.append(digits[Int(byte & 15)])
    }
    return String(decoding: hex, as: UTF8.self)
  }
}

/// The entry points of libcrypto's EVP digest interface that `SHA256Digest` uses.
@safe final class CryptoLibrary: @unchecked Sendable {
  typealias NewContext = @convention(c) () -> OpaquePointer?
  typealias FreeContext = @convention(c) (OpaquePointer?) -> Void
  typealias Algorithm = @convention(c) () -> OpaquePointer?
  typealias InitDigest = @convention(c) (OpaquePointer?, OpaquePointer?, OpaquePointer?) -> Int32
  typealias Update = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int) -> Int32
  typealias Final = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt32>?) -> Int32

  let newContext: NewContext
  let freeContext: FreeContext
  let sha256: Algorithm
  let initDigest: InitDigest
  let update: Update
  let final: Final

  static let shared: Result<CryptoLibrary, CheckpointError> = {
    do throws(CheckpointError) { return .success(try CryptoLibrary()) } catch { return .failure(error) }
  }()

  private init() throws(CheckpointError) {
    func missing(_ what: String) -> CheckpointError {
      CheckpointError(file: "", offset: nil, field: "", fault: .io(operation: "sha256", message: what))
    }
    // OpenSSL 3 (Debian 12's libssl3), else 1.1.
    guard let handle = unsafe dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL) ?? dlopen("libcrypto.so.1.1", RTLD_NOW | RTLD_LOCAL) else {
      throw missing("hashing needs OpenSSL's libcrypto (Debian: apt-get install libssl3)")
    }
    func symbol(_ name: String) throws(CheckpointError) -> UnsafeMutableRawPointer {
      guard let pointer = unsafe dlsym(handle, name) else { throw missing("libcrypto has no \(name)") }
      return unsafe pointer
    }
    unsafe newContext = unsafeBitCast(try symbol("EVP_MD_CTX_new"), to: NewContext.self)
    unsafe freeContext = unsafeBitCast(try symbol("EVP_MD_CTX_free"), to: FreeContext.self)
    unsafe sha256 = unsafeBitCast(try symbol("EVP_sha256"), to: Algorithm.self)
    unsafe initDigest = unsafeBitCast(try symbol("EVP_DigestInit_ex"), to: InitDigest.self)
    unsafe update = unsafeBitCast(try symbol("EVP_DigestUpdate"), to: Update.self)
    unsafe final = unsafeBitCast(try symbol("EVP_DigestFinal_ex"), to: Final.self)
  }
}
