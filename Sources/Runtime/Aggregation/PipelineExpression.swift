/// A parsed expression of the seed's C-like language (docs/pendo.md, "Expressions").
public indirect enum PipelineExpression: Sendable, Equatable {
    case literal(PipelineValue)
    case field(FieldPath)
    case list([PipelineExpression])
    case unary(UnaryOperator, PipelineExpression)
    case binary(BinaryOperator, PipelineExpression, PipelineExpression)
    case call(PipelineFunction, [PipelineExpression])
    case index(PipelineExpression, PipelineExpression)
    case slice(PipelineExpression, PipelineExpression?, PipelineExpression?)

    public enum UnaryOperator: String, Sendable { case not = "!", negate = "-" }

    public enum BinaryOperator: String, Sendable {
        case multiply = "*", divide = "/", remainder = "%", add = "+", subtract = "-"
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case equal = "==", notEqual = "!=", and = "&&", or = "||"

        /// C's binding strength: higher binds tighter.
        var precedence: Int {
            switch self {
            case .multiply, .divide, .remainder: 6
            case .add, .subtract: 5
            case .less, .lessOrEqual, .greater, .greaterOrEqual: 4
            case .equal, .notEqual: 3
            case .and: 2
            case .or: 1
            }
        }
    }

    /// The field a bare reference names, when the expression is one.
    public var fieldPath: FieldPath? { if case .field(let path) = self { path } else { nil } }
}

/// Every function of the seed's tables, with the timeSeries and appId sections' `dateAdd` and
/// `expandAppIds`.
public enum PipelineFunction: String, Sendable, CaseIterable {
    case `if`, isBoolean, isNumber, isString, isList, isNil, isNull, isEmpty
    case contains, split, startsWith, toLowerCase, toString
    case len, list, listInRange, reverse, sortUnique, sum
    case now, date, startOfPeriod, dateAdd
    case identified, childAccountId, parentAccountId, expandAppIds

    /// How many arguments it takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .now: 0...0
        case .if: 2...3
        case .isBoolean, .isNumber, .isString, .isList, .isNil, .isNull, .isEmpty, .toLowerCase, .toString, .len, .reverse, .sortUnique, .sum,
             .identified, .childAccountId, .parentAccountId, .expandAppIds: 1...1
        case .contains, .split, .startsWith, .startOfPeriod: 2...2
        case .listInRange, .dateAdd: 3...3
        case .list: 1...64
        case .date: 1...7
        }
    }
}
