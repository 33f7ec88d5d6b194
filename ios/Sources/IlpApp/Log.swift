// Logging without health data: os.Logger on Apple platforms, where interpolated values are private unless
// marked public (and only codes, never names or measurements, are marked public). On Linux, where the
// package's tests run, a small stand-in writes the public parts to standard error and redacts the rest.
#if canImport(os)
@_exported import os
#else
import Foundation

public struct Logger: Sendable {
    let category: String

    public init(subsystem: String, category: String) { self.category = category }

    public func info(_ message: LogMessage) { write("info", message) }
    public func error(_ message: LogMessage) { write("error", message) }

    private func write(_ level: String, _ message: LogMessage) {
        FileHandle.standardError.write(Data("[\(category)] \(level): \(message.text)\n".utf8))
    }
}

public enum LogPrivacy: Sendable {
    case `public`, `private`
}

public struct LogMessage: ExpressibleByStringInterpolation, Sendable {
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var text = ""
        public init(literalCapacity: Int, interpolationCount: Int) {}
        public mutating func appendLiteral(_ literal: String) { text += literal }
        public mutating func appendInterpolation(_ value: some CustomStringConvertible, privacy: LogPrivacy = .private) {
            text += privacy == .public ? value.description : "<private>"
        }
    }

    let text: String
    public init(stringLiteral value: String) { text = value }
    public init(stringInterpolation: StringInterpolation) { text = stringInterpolation.text }
}
#endif
