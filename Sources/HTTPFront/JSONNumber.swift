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

    /// A scalar as property text: strings as they are, booleans as true/false, numbers in their
    /// shortest form; nil for arrays, objects and null.
    static func text(_ value: Any) -> String? {
        if let text = value as? String { return text }
        if isBoolean(value) { return (value as! NSNumber).boolValue ? "true" : "false" }
        if let whole = integer(value) { return String(whole) }
        if let number = value as? NSNumber { return "\(number.doubleValue)" }
        return nil
    }
}
