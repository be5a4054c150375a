/// Several sort keys, the first sorting first ("ward,-name"), with the server's `sortby` rules: each key at most
/// once, at most as many as a cursor carries; ties go to the id in the first key's direction, and NULLs come
/// first ascending and last descending, as SQLite orders them.
extension Sorting {
    public static func list(parsing text: String) throws -> [Sorting] {
        let keys = try text.split(separator: ",", omittingEmptySubsequences: false).map { try Sorting(parsing: String($0)) }
        guard keys.count <= PageCursor.maximumKeys else {
            throw RegistryError.invalidArgument(field: "sort", value: text, expected: "at most \(PageCursor.maximumKeys) sort keys")
        }
        var seen = Set<String>()
        for key in keys where !seen.insert(key.key.rawValue).inserted {
            throw RegistryError.invalidArgument(field: "sort", value: key.key.rawValue, expected: "each sort key at most once")
        }
        return keys
    }
}
