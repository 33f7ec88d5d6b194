// The core's pick lists (codes with Bahasa labels), under names that repository methods do not shadow.
import IlpCore

enum CoreCodes {
    static func jkn() -> [CodeLabel] { jknCodes() }
    static func relations() -> [CodeLabel] { relationCodes() }
    static func dangerSigns() -> [CodeLabel] { dangerSignCodes() }
    static func services() -> [CodeLabel] { serviceCodes() }
    static func antigens() -> [CodeLabel] { antigenCodes() }
}
