/// One stage of an aggregation pipeline (docs/pendo.md, "Operators"), parsed.
public indirect enum PipelineStage: Sendable {
    case source(PipelineSource)
    case limit(Int)
    case filter(PipelineExpression)
    case select([Assignment])
    case sort([SortKey])
    case count
    case reduce([Aggregate])
    case group(keys: [FieldPath], fields: [Aggregate])
    case eval([Assignment])
    case identified(FieldPath, keepIdentified: Bool)
    case bulkExpand([Lookup])
    case expand([Lookup])
    case itemSeen(output: FieldPath, item: ItemKind, id: String)
    case segment(id: String)
    case useragent([Mapping])
    case unwind(field: FieldPath, index: FieldPath?, keepEmpty: Bool, prefix: Bool)
    case `switch`([SwitchRule])
    case fork([[PipelineStage]])
    case spawn([[PipelineStage]])
    case join(fields: [FieldPath], width: Int?)
    case merge(fields: [FieldPath], mappings: [Mapping]?, pipeline: [PipelineStage])
    case metric(PipelineMetric)

    public struct Assignment: Sendable {
        public var output: FieldPath
        public var expression: PipelineExpression
    }

    /// `output` in the row receives `input` (of the row, or of the inner row for `merge`).
    public struct Mapping: Sendable {
        public var output: FieldPath
        public var input: FieldPath
    }

    public struct SortKey: Sendable {
        public var field: FieldPath
        public var descending: Bool
    }

    public struct Aggregate: Sendable {
        public var output: FieldPath
        public var aggregator: PipelineAggregator
    }

    /// `bulkExpand`'s `visitor`/`account` and `expand`'s `page`/`feature`/`trackType`/`guide`
    /// lookups, by the id in `idField`.
    public struct Lookup: Sendable {
        public enum Kind: String, Sendable, CaseIterable { case visitor, account, page, feature, trackType, guide }
        public var output: FieldPath
        public var kind: Kind
        public var idField: FieldPath
    }

    public enum ItemKind: String, Sendable, CaseIterable { case pageId, featureId, trackTypeId }

    /// `switch`: the first case whose conditions all hold sets `output`; a row none matches is dropped.
    public struct SwitchRule: Sendable {
        public struct Condition: Sendable {
            public var op: PipelineExpression.BinaryOperator
            public var operand: PipelineValue
        }
        public struct Case: Sendable {
            public var value: PipelineValue
            public var conditions: [Condition]
        }
        public var output: FieldPath
        public var input: FieldPath
        public var cases: [Case]
    }
}

/// A field aggregator of `group` and `reduce`: the seed's ten.
public enum PipelineAggregator: Sendable {
    case count(PipelineExpression?)
    case countIf(PipelineExpression?, condition: PipelineExpression)
    case sum(PipelineExpression)
    case avg(PipelineExpression)
    case mean(PipelineExpression)
    case median(PipelineExpression)
    case min(PipelineExpression)
    case max(PipelineExpression)
    case first(PipelineExpression)
    case list(PipelineExpression)

    public static let names = ["avg", "count", "countIf", "first", "list", "median", "max", "mean", "min", "sum"]
}
