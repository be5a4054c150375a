import GRDB

/// A list's sort as SQL, for the lists that sort by keys of their own (the due list, inspections, wards): each key's
/// expression in its direction, then the row's id in the first key's direction; the keyset condition after a cursor;
/// the sort values selected as the statement's last columns, where the page's walk reads them for the next cursor.
struct KeysetSort {
    let keys: [(column: SQL, descending: Bool)]
    /// The sort as its cursors carry it (PageCursor.order).
    let order: String
    /// The row's id, unique in the list.
    let id: SQL

    init<Key>(_ sorts: [Sorting<Key>], expression: (Key) -> SQL, id: SQL) {
        keys = sorts.map { (expression($0.key), $0.descending) }
        order = PageCursor.order(sorts.map { ($0.key.rawValue, $0.descending) })
        self.id = id
    }

    /// Refuses a cursor made for another sort.
    func check(_ after: PageCursor?) throws { try after?.check(order: order, keyCount: keys.count) }

    /// The rows after `after` (every row without one).
    func condition(after: PageCursor?) -> SQL { after.map { FeatureLayer.Query.keyset(keys, $0, id: id) } ?? "1" }

    /// ", value AS sort_value_0, …": to end the statement's columns with.
    var valueColumns: SQL { keys.enumerated().map { i, key in ", \(key.column) AS \(SQL(sql: "sort_value_\(i)"))" as SQL }.joined() }

    var orderBy: SQL {
        func direction(_ descending: Bool) -> SQL { descending ? "DESC" : "ASC" }
        return (keys.map { "\($0.column) \(direction($0.descending))" as SQL } + ["\(id) \(direction(keys[0].descending))" as SQL])
            .joined(separator: ", ")
    }

    /// Hands the items of `rows` (a statement that ends with `valueColumns` and asked for one row more than
    /// `page.limit`) to `body`; returns the next page's cursor when the limit cut the list short.
    func walk<Item>(_ rows: RowCursor, page: PageRequest, item: (Row) throws -> Item, id: (Item) -> Int64,
                    _ body: (Item) throws -> Void) throws -> PageCursor? {
        var count = 0
        var last: PageCursor?
        while let row = try rows.next() {
            if let limit = page.limit, count == limit { return last }
            let made = try item(row)
            try body(made)
            let first = row.count - keys.count
            last = PageCursor(values: (0..<keys.count).map { row[first + $0] }, id: id(made), order: order)
            count += 1
        }
        return nil
    }
}
