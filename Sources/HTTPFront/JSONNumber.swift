import Foundation

/// Reading numbers out of JSONSerialization's results: on Linux `0 is Bool` holds, so booleans are
/// told apart by their Objective-C type code ("c").
enum JSONNumber {
    static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// The integer in `value`, or nil for booleans, fractions and non-numbers.
    static func integer(_ value: Any) -> Int? {
        guard let number = value as? NSNumber, !isBoolean(value), number.doubleValue.rounded() == number.doubleValue,
              abs(number.doubleValue) < 9.0e18 else { return nil }
        return number.intValue
    }
}
