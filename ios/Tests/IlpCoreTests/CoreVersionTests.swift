import Foundation
import IlpCore
import XCTest

/// The ilp-ffi crate version that tests/lib/build-core.sh wrote (tests/swift.sh passes it in the environment).
func expectedCoreVersion() throws -> String {
    if let version = ProcessInfo.processInfo.environment["ILP_CORE_VERSION"] { return version }
    let buildDir = ProcessInfo.processInfo.environment["ILP_BUILD_DIR"]
        ?? URL(fileURLWithPath: #filePath).appendingPathComponent("../../../../build").standardized.path
    return try String(contentsOfFile: buildDir + "/core-version", encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
}

final class CoreVersionTests: XCTestCase {
    func testCoreVersionIsTheCargoVersion() throws {
        XCTAssertEqual(coreVersion(), try expectedCoreVersion())
    }
}
