import CCurl

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libcurl, loaded with dlopen the first time an input is a URL. Local files never pay for it:
/// linking libcurl and its ~30 dependent libraries costs every process ~3 ms at start-up.
/// Every entry point the HTTP client uses is looked up once here; the variadic ones are called
/// through the typed wrappers of CCurl/shim.h.
@safe final class CurlLibrary: @unchecked Sendable {
  typealias EasyInit = @convention(c) () -> UnsafeMutableRawPointer?
  typealias EasyCleanup = @convention(c) (UnsafeMutableRawPointer?) -> Void
  typealias Strerror = @convention(c) (CURLcode) -> UnsafePointer<CChar>?
  typealias GlobalInit = @convention(c) (Int) -> CURLcode
  typealias MultiInit = @convention(c) () -> UnsafeMutableRawPointer?
  typealias MultiHandle = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> CURLMcode
  typealias MultiPerform = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> CURLMcode
  typealias MultiPoll =
    @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UInt32, Int32, UnsafeMutablePointer<Int32>?) -> CURLMcode
  typealias MultiInfoRead = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<Int32>?) -> UnsafeMutablePointer<CURLMsg>?
  typealias MultiCleanup = @convention(c) (UnsafeMutableRawPointer?) -> CURLMcode
  typealias SlistAppend =
    @convention(c) (UnsafeMutablePointer<curl_slist>?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<curl_slist>?
  typealias SlistFree = @convention(c) (UnsafeMutablePointer<curl_slist>?) -> Void
  typealias Version = @convention(c) () -> UnsafePointer<CChar>?

  let easyInit: EasyInit
  let easyCleanup: EasyCleanup
  let easyStrerror: Strerror
  let multiInit: MultiInit
  let multiAdd: MultiHandle
  let multiRemove: MultiHandle
  let multiPerform: MultiPerform
  let multiPoll: MultiPoll
  let multiInfoRead: MultiInfoRead
  let multiCleanup: MultiCleanup
  let slistAppend: SlistAppend
  let slistFree: SlistFree
  let version: String
  /// The variadic entry points, as raw symbols for the shim's wrappers.
  let easySetopt: UnsafeMutableRawPointer
  let easyGetinfo: UnsafeMutableRawPointer
  let multiSetopt: UnsafeMutableRawPointer

  /// The library, or why it cannot be loaded.
  static let shared: Result<CurlLibrary, CheckpointError> = {
    do throws(CheckpointError) { return .success(try CurlLibrary()) } catch { return .failure(error) }
  }()

  private init() throws(CheckpointError) {
    // The soname every libcurl 7.16+ carries; Debian's libcurl4 (OpenSSL) or libcurl3-gnutls.
    guard let handle = unsafe dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL) ?? dlopen("libcurl-gnutls.so.4", RTLD_NOW | RTLD_LOCAL)
    else {
      throw CheckpointError(
        file: "", offset: nil, field: "",
        fault: .remote(.noHTTPLibrary("remote inputs need libcurl (Debian: apt-get install libcurl4)")))
    }
    func symbol(_ name: String) throws(CheckpointError) -> UnsafeMutableRawPointer {
      guard let pointer = unsafe dlsym(handle, name) else {
        throw CheckpointError(
          file: "", offset: nil, field: "", fault: .remote(.noHTTPLibrary("libcurl.so.4 has no \(name): too old")))
      }
      return unsafe pointer
    }
    unsafe easyInit = unsafeBitCast(try symbol("curl_easy_init"), to: EasyInit.self)
    unsafe easyCleanup = unsafeBitCast(try symbol("curl_easy_cleanup"), to: EasyCleanup.self)
    unsafe easyStrerror = unsafeBitCast(try symbol("curl_easy_strerror"), to: Strerror.self)
    unsafe multiInit = unsafeBitCast(try symbol("curl_multi_init"), to: MultiInit.self)
    unsafe multiAdd = unsafeBitCast(try symbol("curl_multi_add_handle"), to: MultiHandle.self)
    unsafe multiRemove = unsafeBitCast(try symbol("curl_multi_remove_handle"), to: MultiHandle.self)
    unsafe multiPerform = unsafeBitCast(try symbol("curl_multi_perform"), to: MultiPerform.self)
    unsafe multiPoll = unsafeBitCast(try symbol("curl_multi_poll"), to: MultiPoll.self)
    unsafe multiInfoRead = unsafeBitCast(try symbol("curl_multi_info_read"), to: MultiInfoRead.self)
    unsafe multiCleanup = unsafeBitCast(try symbol("curl_multi_cleanup"), to: MultiCleanup.self)
    unsafe slistAppend = unsafeBitCast(try symbol("curl_slist_append"), to: SlistAppend.self)
    unsafe slistFree = unsafeBitCast(try symbol("curl_slist_free_all"), to: SlistFree.self)
    let versionFunction = unsafe unsafeBitCast(try symbol("curl_version"), to: Version.self)
    version = unsafe versionFunction().map { unsafe String(cString: $0) } ?? "libcurl"
    unsafe easySetopt = try symbol("curl_easy_setopt")
    unsafe easyGetinfo = try symbol("curl_easy_getinfo")
    unsafe multiSetopt = try symbol("curl_multi_setopt")
    // Initializes SSL and the rest once, before any handle exists (curl_easy_init would do it
    // lazily, but not thread-safely).
    let globalInit = unsafe unsafeBitCast(try symbol("curl_global_init"), to: GlobalInit.self)
    _ = globalInit(Int(CURL_GLOBAL_DEFAULT))
  }

  func setopt(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: Int) {
    _ = unsafe ck_easy_setopt_long(easySetopt, handle, option, value)
  }

  func setopt(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, pointer value: UnsafeRawPointer?) {
    _ = unsafe ck_easy_setopt_pointer(easySetopt, handle, option, value)
  }

  /// Sets a string option; libcurl copies strings it is given (since 7.17), so the Swift string
  /// need only live for the call.
  func setopt(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, _ value: String) {
    unsafe value.withCString { _ = unsafe ck_easy_setopt_pointer(easySetopt, handle, option, $0) }
  }

  func info(_ handle: UnsafeMutableRawPointer, long info: CURLINFO) -> Int {
    var value = 0
    _ = unsafe ck_easy_getinfo_long(easyGetinfo, handle, info, &value)
    return value
  }

  func info(_ handle: UnsafeMutableRawPointer, string info: CURLINFO) -> String? {
    var value: UnsafePointer<CChar>?
    _ = unsafe ck_easy_getinfo_string(easyGetinfo, handle, info, &value)
    return unsafe value.map { unsafe String(cString: $0) }
  }

  func message(_ code: CURLcode) -> String {
    unsafe easyStrerror(code).map { unsafe String(cString: $0) } ?? "curl error \(code.rawValue)"
  }
}
