import Runtime

/// What a Personyze read found: rows as dictionaries, or a block of rows sharing their columns
/// (the wide reports).
enum PersonyzeAnswer: Sendable {
    case rows([Row])
    case block(RowBlock)

    var count: Int {
        switch self {
        case .rows(let rows): rows.count
        case .block(let block): block.count
        }
    }

    func row(_ i: Int) -> Row {
        switch self {
        case .rows(let rows): rows[i]
        case .block(let block): block.row(i)
        }
    }

    /// Row `i`'s cell in `column`; null where the row has none.
    func cell(_ i: Int, _ column: String) -> RowValue {
        switch self {
        case .rows(let rows): rows[i][column] ?? .null
        case .block(let block): block.index(of: column).map { block.cell(i, $0) } ?? .null
        }
    }
}
