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
}
