import Foundation

/// Which paths name the same file, so that nothing we write replaces a file we read: the registry database (and the
/// log and index files beside it) or a command's input.
public enum FileIdentity {
    /// The absolute path with symbolic links of the folder (and the file, when it exists) resolved.
    public static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if FileManager.default.fileExists(atPath: url.path) { return url.resolvingSymlinksInPath().path }
        return url.deletingLastPathComponent().resolvingSymlinksInPath().appendingPathComponent(url.lastPathComponent).path
    }

    /// Whether `a` and `b` are one file: the same resolved path, or the same inode (a hard link).
    public static func same(_ a: String, _ b: String) -> Bool {
        if resolved(a) == resolved(b) { return true }
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }

    /// A SQLite database's files: itself, its write-ahead log and shared-memory index, its rollback journal.
    public static func databaseFiles(_ path: String) -> [String] {
        [path, path + "-wal", path + "-shm", path + "-journal"]
    }

    /// The first of `protected` that `path` is, if any.
    public static func protectedFile(_ path: String, among protected: [String]) -> String? {
        protected.first { same(path, $0) }
    }

    /// Refuses `path` as a file a command is about to write, before its work begins: one of `protected` (the files it
    /// reads, each with how to name it, such as "the input file "), a directory, an existing file unless `replacing`,
    /// a file or folder that may not be written, a folder that does not exist. `field` names the option in the error.
    /// The folder `path` names a file in: "." for a bare name. (NSString's deletingLastPathComponent traps on some
    /// names, "-" and "~" among them, in this Foundation.)
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The name of the file `path` names, without its folder.
    public static func name(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }

    /// Whether the file at `path` begins as every SQLite database does.
    static func isSQLiteDatabase(_ path: String) -> Bool {
        guard let file = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? file.close() }
        return (try? file.read(upToCount: 16)) == Data("SQLite format 3\0".utf8)
    }

    public static func checkDestination(_ path: String, field: String, protected: [(role: String, file: String)],
                                        replacing: Bool) throws {
        func refuse(_ expected: String) -> RegistryError {
            RegistryError.invalidArgument(field: field, value: path, expected: expected)
        }
        if path.isEmpty { throw refuse("a file name (this one is empty)") }
        if let (role, file) = protected.first(where: { same(path, $0.file) }) {
            throw refuse("a file other than \(role)\(file), which this command reads and never overwrites")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw refuse("a file name, not a directory") }
            if !replacing { throw refuse("a file that does not exist yet (or allow replacing it)") }
            if access(path, W_OK) != 0 { throw refuse("a file we may write (this one is read-only)") }
            // What we write here is text (GeoJSON, CSV): a database in its place is a slip of the name, and its loss would
            // be a user's GeoPackage or a registry.
            if isSQLiteDatabase(path) || ["-wal", "-shm", "-journal"].contains(where: { path.hasSuffix($0) && isSQLiteDatabase(String(path.dropLast($0.count))) }) {
                throw refuse("a file that is not an SQLite database or one of its log files (this one is, of a GeoPackage or a registry perhaps; it is never replaced)")
            }
            return
        }
        let folder = folder(of: path)
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw refuse("a path in an existing folder (\(folder) does not exist)")
        }
        if access(folder, W_OK) != 0 { throw refuse("a path in a folder we may write (\(folder) is read-only)") }
    }
}
