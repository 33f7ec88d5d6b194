import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback TCP forwarder to the demo server that the test can pull the plug on: the phone logs in
/// through it, then `stop()` makes the server unreachable (connections refused), as a lost signal does.
final class Forwarder: @unchecked Sendable {
    private(set) var port: UInt16 = 0
    private let upstream: UInt16
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var open: [Int32] = []

    init(upstreamPort: UInt16) throws {
        upstream = upstreamPort
        listener = socket(AF_INET, Int32(SOCK_STREAM_VALUE), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = Forwarder.loopback(0)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) }
        }
        port = UInt16(bigEndian: addr.sin_port)
        let fd = listener
        Thread.detachNewThread { [self] in acceptLoop(fd) }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Closes the listening socket and every forwarded connection.
    func stop() {
        lock.lock()
        let fds = open + [listener]
        open = []
        listener = -1
        lock.unlock()
        for fd in fds {
            shutdown(fd, Int32(SHUT_RDWR_VALUE))
            close(fd)
        }
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return }
            let server = socket(AF_INET, Int32(SOCK_STREAM_VALUE), 0)
            var addr = Forwarder.loopback(upstream)
            let connected = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if connected != 0 {
                close(client)
                close(server)
                continue
            }
            lock.lock()
            open += [client, server]
            lock.unlock()
            Thread.detachNewThread { Forwarder.pump(from: client, to: server) }
            Thread.detachNewThread { Forwarder.pump(from: server, to: client) }
        }
    }

    private static func pump(from a: Int32, to b: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(a, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            var sent = 0
            while sent < n {
                let w = buffer.withUnsafeBytes { write(b, $0.baseAddress! + sent, n - sent) }
                if w <= 0 { return }
                sent += w
            }
        }
        shutdown(b, Int32(SHUT_WR_VALUE))
    }

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return addr
    }
}

#if canImport(Glibc)
private let SOCK_STREAM_VALUE = SOCK_STREAM.rawValue
private let SHUT_RDWR_VALUE = SHUT_RDWR
private let SHUT_WR_VALUE = SHUT_WR
#else
private let SOCK_STREAM_VALUE = SOCK_STREAM
private let SHUT_RDWR_VALUE = SHUT_RDWR
private let SHUT_WR_VALUE = SHUT_WR
#endif
