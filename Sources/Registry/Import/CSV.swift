import Foundation
// scripts/fuzz compiles this file with UTF8Text.swift into one module, where there is no GeoJSON to import.
#if canImport(GeoJSON)
import GeoJSON
#endif

/// Reads RFC 4180 CSV as UTF-8 (with or without BOM), comma, semicolon or tab separated (detected
/// from the header), one record at a time from 1 MiB chunks so memory does not grow with the file.
///
/// A record's fields are kept as bytes (quotes undone) in one buffer reused from record to record;
/// `string(_:)` makes a String of one field, so a caller that keeps a few of many columns pays for
/// those only. `next()` gives every field as a String.
public final class CSVReader {
    public struct Record {
        /// 1-based line on which the record starts.
        public var line: Int
        public var fields: [String]
    }

    public let file: String
    public private(set) var header: [String] = []
    public private(set) var delimiter: UInt8 = 0x2C
    /// The chunk, the position in it and the current record: a value the reader changes in place through one
    /// access per record. As stored properties of this class, every byte read paid Swift's dynamic exclusivity
    /// check: the reading thread of a 50 000-unit import took 3.54 G instructions with them, 3.45 G without.
    private var scanner: Scanner

    public var bytesRead: Int { scanner.bytesRead }
    /// 1-based line on which the current record (`advance()`) starts.
    var recordLine: Int { scanner.recordLine }

    public init(path: String) throws {
        file = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw RegistryError.unreadable(file: path, reason: "a directory; expected a CSV file")
        }
        guard let h = FileHandle(forReadingAtPath: path) else {
            throw RegistryError.unreadable(file: path, reason: "no such file or not readable")
        }
        scanner = Scanner(handle: h, file: path)
        try scanner.fill()
        if scanner.chunk.starts(with: [0xEF, 0xBB, 0xBF]) { scanner.pos = 3 }
        delimiter = scanner.detectDelimiter()
        guard let first = try next() else {
            throw RegistryError.unreadable(file: path, reason: "the file is empty; expected a header row")
        }
        header = first.fields
    }

    deinit { try? scanner.handle.close() }

    /// The next record with every field as a String, nil at the end. Blank lines are skipped.
    public func next() throws -> Record? {
        guard try advance() else { return nil }
        return Record(line: recordLine, fields: try (0..<fieldCount).map { try string($0) })
    }

    /// Moves to the next record, false at the end. Blank lines are skipped.
    func advance() throws -> Bool {
        while try scanner.readRecord(delimiter: delimiter, header: header) {
            if scanner.ends.count == 1 && scanner.ends[0] == 0 { continue }
            return true
        }
        return false
    }

    /// Fields in the current record.
    var fieldCount: Int { scanner.ends.count }

    /// Field `k` of the current record (0-based), checked to be UTF-8.
    func string(_ k: Int) throws -> String {
        guard let s = scanner.field(k, UTF8Text.string) else {
            let column = k < header.count ? " (\(header[k]))" : ""
            throw RegistryError.unreadable(file: file, reason: "line \(recordLine), field \(k + 1)\(column): not valid UTF-8 (save the file as UTF-8)")
        }
        return s
    }

    /// Checks that every field of the current record but those in `skipping` is UTF-8 (a field read with
    /// `string(_:)` is checked there), naming the first that is not.
    func checkUTF8(skipping: [Bool]) throws {
        for k in 0..<fieldCount {
            if k < skipping.count && skipping[k] { continue }
            if scanner.field(k, { $0.allSatisfy { $0 < 0x80 } }) { continue }
            _ = try string(k)
        }
    }

    /// The file read in chunks and the record being read, with the reading done in mutating methods.
    private struct Scanner {
        let handle: FileHandle
        let file: String
        var chunk: [UInt8] = []
        var pos = 0
        var eof = false
        var line = 1
        var bytesRead = 0
        /// The current record: its fields' bytes one after the other, where field k ends at `ends[k]` (and
        /// starts where field k - 1 ends), and the line it starts on.
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var recordLine = 0

        init(handle: FileHandle, file: String) {
            self.handle = handle
            self.file = file
        }

        /// `body` of field `k`'s bytes.
        func field<T>(_ k: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            let start = k == 0 ? 0 : ends[k - 1], end = ends[k]
            return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        }

        mutating func fill() throws {
            if pos > 0 {
                chunk.removeFirst(pos)
                pos = 0
            }
            // read(upToCount:) throws where readData(ofLength:) traps on a read error.
            let data: Data
            do { data = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw RegistryError.unreadable(file: file, reason: "cannot read: \((error as NSError).localizedDescription)")
            }
            if data.isEmpty { eof = true }
            bytesRead += data.count
            chunk.append(contentsOf: data)
        }

        /// The separator used most in the first line, outside quotes.
        func detectDelimiter() -> UInt8 {
            var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
            var quoted = false
            for b in chunk[pos...] {
                if b == 0x22 { quoted.toggle() }
                if !quoted && (b == 0x0A || b == 0x0D) { break }
                if !quoted, counts[b] != nil { counts[b]! += 1 }
            }
            return counts.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }!.key
        }

        mutating func readRecord(delimiter: UInt8, header: [String]) throws -> Bool {
            if pos >= chunk.count && !eof { try fill() }
            if pos >= chunk.count && eof { return false }
            recordLine = line
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            var quoted = false
            var wasQuoted = false
            func finishField() {
                ends.append(bytes.count)
                wasQuoted = false
            }
            while true {
                if pos >= chunk.count {
                    if eof {
                        if quoted {
                            throw RegistryError.unreadable(file: file, reason: "line \(recordLine): a quoted field is not closed before the end of the file")
                        }
                        finishField()
                        return true
                    }
                    try fill()
                    continue
                }
                let b = chunk[pos]
                if quoted {
                    if b == 0x22 {
                        if pos + 1 >= chunk.count && !eof { try fill(); continue }
                        if pos + 1 < chunk.count && chunk[pos + 1] == 0x22 {
                            bytes.append(0x22)
                            pos += 2
                            continue
                        }
                        quoted = false
                        pos += 1
                        continue
                    }
                    // The rest of the quoted field up to its next quote in one copy, counting its line breaks.
                    var end = pos
                    while end < chunk.count, chunk[end] != 0x22 {
                        if chunk[end] == 0x0A { line += 1 }
                        end += 1
                    }
                    bytes.append(contentsOf: chunk[pos..<end])
                    pos = end
                    continue
                }
                switch b {
                case 0x22 where bytes.count == (ends.last ?? 0) && !wasQuoted:
                    quoted = true
                    wasQuoted = true
                    pos += 1
                case delimiter:
                    finishField()
                    pos += 1
                case 0x0D:
                    pos += 1
                case 0x0A:
                    pos += 1
                    line += 1
                    finishField()
                    return true
                default:
                    // After a closing quote only the delimiter or the line's end may come (RFC 4180): text there means a
                    // quote opened where it should not have been, or was never closed, and the quoted text ran on.
                    if wasQuoted {
                        let shown = String(decoding: chunk[pos..<min(pos + 20, chunk.count)].prefix { $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
                        let column = ends.count < header.count ? " (\(header[ends.count]))" : ""
                        throw RegistryError.unreadable(file: file, reason: "line \(recordLine), field \(ends.count + 1)\(column): the quoted text"
                            + (line > recordLine ? ", which runs on to line \(line)," : "") + " is followed by \"\(shown)\"; expected "
                            + "\(delimiter == 0x2C ? "a comma" : "the separator") or the end of the line after a closing quote (is a quote missing?)")
                    }
                    // The rest of an unquoted field in one copy, when it ends inside the chunk.
                    var end = pos + 1
                    while end < chunk.count, chunk[end] != delimiter, chunk[end] != 0x0A, chunk[end] != 0x0D { end += 1 }
                    bytes.append(contentsOf: chunk[pos..<end])
                    pos = end
                }
            }
        }
    }
}
/// Writes CSV with quoting where needed (RFC 4180), to a file or a string.
public struct CSVWriter {
    private var emit: (String) -> Void

    public init(emit: @escaping (String) -> Void) { self.emit = emit }

    public static func escape(_ field: String) -> String {
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }

    public func write(_ fields: [String]) {
        emit(fields.map(CSVWriter.escape).joined(separator: ",") + "\n")
    }
}
