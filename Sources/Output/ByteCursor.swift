import Foundation

/// A write position in a ByteSink's buffer with room made ahead (`ByteSink.cursor(room:)`): the feature writer
/// asks for room once per value and then stores bytes with no bounds check and no count kept in the sink
/// per byte, which were most of its own time on 10 000-feature pages. Every `put` assumes the room is there.
public struct ByteCursor {
    var p: UnsafeMutablePointer<UInt8>
    let end: UnsafeMutablePointer<UInt8>

    init(_ p: UnsafeMutablePointer<UInt8>, end: UnsafeMutablePointer<UInt8>) {
        self.p = p
        self.end = end
    }

    /// Bytes that can still be put.
    public var room: Int { end - p }

    @inline(__always) public mutating func put(_ byte: UInt8) {
        p.initialize(to: byte)
        p += 1
    }

    /// Short bytes (the constant parts of a feature, a few dozen per row) are copied as one or two overlapping
    /// loads and stores of their own size, read only within their bounds: a memmove call each was about 4 % of a
    /// 10 000-feature page's server CPU. Longer ones go to memmove.
    @inline(__always) public mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress else { return }
        let n = bytes.count
        if n > 32 {
            p.update(from: from, count: n)
        } else {
            ByteCursor.copy(UnsafeRawPointer(from), n, to: UnsafeMutableRawPointer(p))
        }
        p += n
    }

    /// `n` (at most 32) bytes from `from` to `to`, each half as overlapping words of the largest size that fits.
    @inline(__always) static func copy(_ from: UnsafeRawPointer, _ n: Int, to: UnsafeMutableRawPointer) {
        if n >= 8 {
            var i = 0
            while i &+ 8 < n {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
                i &+= 8
            }
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4 {
            let head = from.loadUnaligned(as: UInt32.self), tail = from.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            to.storeBytes(of: head, as: UInt32.self)
            to.storeBytes(of: tail, toByteOffset: n &- 4, as: UInt32.self)
        } else if n >= 2 {
            let head = from.loadUnaligned(as: UInt16.self), tail = from.loadUnaligned(fromByteOffset: n &- 2, as: UInt16.self)
            to.storeBytes(of: head, as: UInt16.self)
            to.storeBytes(of: tail, toByteOffset: n &- 2, as: UInt16.self)
        } else if n == 1 {
            to.storeBytes(of: from.load(as: UInt8.self), as: UInt8.self)
        }
    }

    /// Short bytes (a property's key) copied eight at a time rather than by a call to memmove: they must be
    /// readable up to 7 bytes past their end, and the room must hold 7 more (overwritten by what comes next).
    @inline(__always) public mutating func putWords(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let from = bytes.baseAddress else { return }
        var i = 0
        while i < bytes.count {
            UnsafeMutableRawPointer(p + i).storeBytes(of: UnsafeRawPointer(from + i).loadUnaligned(as: UInt64.self), as: UInt64.self)
            i &+= 8
        }
        p += bytes.count
    }

    @inline(__always) public mutating func put(_ text: StaticString) {
        put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Room needed by `putInteger`.
    public static let integerRoom = 20

    /// A decimal integer, written from its last digit back (no buffer in between).
    public mutating func putInteger(_ v: Int64) {
        if v < 0 { put(0x2D) }
        putDigits(v.magnitude)
    }

    mutating func putDigits(_ v: UInt64) {
        var digits = 1
        var bound: UInt64 = 10
        while v >= bound && digits < 20 {
            digits += 1
            bound &*= 10
        }
        var q = p + digits
        var rest = v
        // Two digits per division, from a table of "00" to "99".
        while rest >= 10 {
            q -= 2
            ByteCursor.putPair(Int(truncatingIfNeeded: rest % 100), at: q)
            rest /= 100
        }
        if rest > 0 || q > p {
            q -= 1
            q.initialize(to: UInt8(truncatingIfNeeded: rest) &+ 0x30)
        }
        p += digits
    }

    /// The two digits of `v` (below 100) at `q`, in one store.
    @inline(__always) static func putPair(_ v: Int, at q: UnsafeMutablePointer<UInt8>) {
        let tens = v / 10
        let pair = UInt16(truncatingIfNeeded: 0x3030 | tens | (v &- tens &* 10) << 8)
        UnsafeMutableRawPointer(q).storeBytes(of: pair.littleEndian, as: UInt16.self)
    }

    /// Room needed by `putDecimal`, `putCoordinate` and `putNumberText`: a sign, 19 digits, the point and 15 decimals.
    public static let decimalRoom = 36

    /// A coordinate rounded to the format's decimals (half away from zero, after scaling), without trailing zeros;
    /// a value too large for that (or not finite) as JSONNumber writes it.
    @inline(__always) public mutating func putCoordinate(_ v: Double, _ format: CoordinateFormat) {
        let scaled = (v * format.scale).rounded()
        guard scaled.isFinite, abs(scaled) < 9e15 else { return putNumberText(JSONNumber.text(v)) }
        putDecimal(units: Int64(scaled), decimals: format.decimals, scale: format.unitScale)
    }

    /// A number's text from JSONNumber (at most 24 bytes).
    public mutating func putNumberText(_ text: String) {
        var text = text
        text.withUTF8 { put($0) }
    }

    /// `units` divided by 10^`decimals` (`scale`), as decimals without trailing zeros, and without a point when
    /// there are none: the coordinates of a feature, rounded to the writer's precision first.
    public mutating func putDecimal(units: Int64, decimals: Int, scale: Int64) {
        if units < 0 { put(0x2D) }
        let magnitude = units.magnitude
        putDigits(magnitude / UInt64(scale))
        var fraction = magnitude % UInt64(scale)
        guard fraction > 0 else { return }
        put(0x2E)
        var q = p + decimals
        p = q
        var left = decimals
        while left >= 2 {
            q -= 2
            ByteCursor.putPair(Int(truncatingIfNeeded: fraction % 100), at: q)
            fraction /= 100
            left &-= 2
        }
        if left == 1 {
            q -= 1
            q.initialize(to: UInt8(truncatingIfNeeded: fraction % 10) &+ 0x30)
        }
        while (p - 1).pointee == 0x30 { p -= 1 }
    }

    /// Room needed by `putJSONString` for `count` bytes of text: each could become `\u00xx`, and the quotes.
    public static func jsonStringRoom(_ count: Int) -> Int { count * 6 + 2 }

    /// A JSON string: quotes, backslashes and control characters escaped, everything else (UTF-8) as is. Eight
    /// bytes are tested and copied at once; the last few of a text of eight or more bytes as the eight that end it.
    public mutating func putJSONString(_ bytes: UnsafeBufferPointer<UInt8>) {
        put(0x22)
        guard let base = bytes.baseAddress else { return put(0x22) }
        let n = bytes.count
        if n < 8 {
            // Most values of a unit (kinds, statuses, codes) are shorter than a word: tested as one word of
            // their bytes (overlapping, spaces after) and copied as in `put`, rather than byte by byte.
            if JSONEscapes.none(ByteCursor.shortWord(UnsafeRawPointer(base), n)) {
                ByteCursor.copy(UnsafeRawPointer(base), n, to: UnsafeMutableRawPointer(p))
                p += n
                return put(0x22)
            }
        }
        var i = 0
        while i &+ 8 <= n {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            guard JSONEscapes.none(word) else { break }
            UnsafeMutableRawPointer(p).storeBytes(of: word, as: UInt64.self)
            p += 8
            i &+= 8
        }
        if i < n, i &+ 8 > n, n >= 8 {
            // Nothing escaped so far, so input and output are aligned: the last word overlaps bytes already copied.
            let word = UnsafeRawPointer(base + n - 8).loadUnaligned(as: UInt64.self)
            if JSONEscapes.none(word) {
                UnsafeMutableRawPointer(p - (i - (n - 8))).storeBytes(of: word, as: UInt64.self)
                p += n - i
                i = n
            }
        }
        while i < n {
            if i &+ 8 <= n {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if JSONEscapes.none(word) {
                    UnsafeMutableRawPointer(p).storeBytes(of: word, as: UInt64.self)
                    p += 8
                    i &+= 8
                    continue
                }
            }
            let b = base[i]
            i &+= 1
            guard b < 0x20 || b == 0x22 || b == 0x5C else {
                put(b)
                continue
            }
            putEscape(b)
        }
        put(0x22)
    }

    /// The `n` bytes (fewer than 8) at `from` in one word, read only within their bounds: two overlapping halves
    /// (a byte may appear twice), and spaces, which JSON does not escape, where there are too few.
    @inline(__always) static func shortWord(_ from: UnsafeRawPointer, _ n: Int) -> UInt64 {
        let spaces: UInt64 = 0x2020_2020_2020_2020
        if n >= 4 {
            return UInt64(from.loadUnaligned(as: UInt32.self)) | UInt64(from.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)) << 32
        }
        if n >= 2 {
            return UInt64(from.loadUnaligned(as: UInt16.self)) | UInt64(from.loadUnaligned(fromByteOffset: n &- 2, as: UInt16.self)) << 16
                | spaces << 32
        }
        return n == 1 ? UInt64(from.load(as: UInt8.self)) | spaces << 8 : spaces
    }

    mutating func putEscape(_ b: UInt8) {
        switch b {
        case 0x22: put("\\\"")
        case 0x5C: put("\\\\")
        case 0x0A: put("\\n")
        case 0x0D: put("\\r")
        case 0x09: put("\\t")
        default:
            let hex: StaticString = "0123456789abcdef"
            put("\\u00")
            put(hex.utf8Start[Int(b >> 4)])
            put(hex.utf8Start[Int(b & 15)])
        }
    }

    /// Room needed by `putCSVField` for `count` bytes: every byte a doubled quote, and the quotes around.
    public static func csvFieldRoom(_ count: Int) -> Int { count * 2 + 2 }

    /// A CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or a line break.
    public mutating func putCSVField(_ bytes: UnsafeBufferPointer<UInt8>) {
        let quote = bytes.contains { (b: UInt8) -> Bool in b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D }
        guard quote else { return put(bytes) }
        put(0x22)
        for b in bytes {
            if b == 0x22 { put(0x22) }
            put(b)
        }
        put(0x22)
    }
}

/// Decimals of coordinates (0 to 15) and 10 to that power, as a Double to round with and as an integer to divide by.
public struct CoordinateFormat: Sendable {
    public let decimals: Int
    let scale: Double
    let unitScale: Int64

    public init(decimals: Int) {
        self.decimals = min(max(decimals, 0), 15)
        scale = pow(10, Double(self.decimals))
        unitScale = Int64(scale)
    }
}

/// Whether eight bytes of UTF-8 hold none that JSON must escape (a control character, `"` or `\\`): the
/// "has a byte less than n" and "has a zero byte" word tests, exact about whether any byte matches.
enum JSONEscapes {
    @inline(__always) static func none(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let control = (w &- ones &* 0x20) & ~w
        let q = w ^ (ones &* 0x22), bs = w ^ (ones &* 0x5C)
        let quote = (q &- ones) & ~q, backslash = (bs &- ones) & ~bs
        return (control | quote | backslash) & highs == 0
    }
}
