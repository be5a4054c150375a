/// Vietnamese alphabetical order as bytes: a unit's `name_key`, which lists sort by name through an index, so that
/// SQLite's binary comparison (every tool's) gives the order a Vietnamese reader expects, where byte order puts
/// "Đại" after "Zen" and "Ăn" after "Bình".
extension VietnameseText {
    /// The letters in order: the Vietnamese alphabet (ă after a, â after ă, đ after d, ê after e, ô and ơ after o,
    /// ư after u), with the Latin letters it lacks (f, j, w, z) where the Latin alphabet puts them.
    static let sortAlphabet = Array("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz".unicodeScalars)

    /// The key of `s`. Compared as bytes, keys order names as CLDR's Vietnamese collation does, without its case
    /// level: letters first, then the tones from the first letter on (none, huyền, hỏi, ngã, sắc, nặng), so "ba" <
    /// "bà" < "bá" < "bác"; numbers by value ("Sạp 9" before "Sạp 10"); a run of anything but letters and digits is
    /// one word break, which sorts before any letter ("An Phú" before "Anh"). Names equal but for case or punctuation
    /// have equal keys; lists then order them by id.
    ///
    /// The bytes: a word break is `!`; a number is its digit count ('1'…'9', or ':' and two digits) then its digits
    /// without leading zeros; a Latin letter is one byte from 'A' on in `sortAlphabet`'s order; another letter or
    /// digit is its lower case in UTF-8 (after every Latin letter). If any letter has a tone, a space and one digit per
    /// Latin letter ('0' none … '5' nặng, trailing '0's dropped) follow. The key is printable ASCII for Latin text,
    /// and its parts are prefix-free, so byte order is the order of letters, then of tones.
    public static func sortKey(_ s: String) -> String {
        var primary: [UInt8] = []
        primary.reserveCapacity(s.utf8.count + 4)
        var tones: [UInt8] = []
        var digits: [UInt8] = []
        var pendingBreak = false
        /// Where the last Latin letter is in `primary`, while marks may still follow it.
        var lastLetter: Int?
        let table = SortLetters.shared

        func start() {
            if pendingBreak && !primary.isEmpty { primary.append(0x21) }
            pendingBreak = false
        }
        func endNumber() {
            guard !digits.isEmpty else { return }
            var value = digits.drop(while: { $0 == 0x30 })
            if value.isEmpty { value = [0x30] }
            let count = min(value.count, 99)
            if count <= 9 {
                primary.append(0x30 + UInt8(count))
            } else {
                primary += [0x3A, 0x30 + UInt8(count / 10), 0x30 + UInt8(count % 10)]
            }
            primary += value.prefix(count)
            digits.removeAll(keepingCapacity: true)
        }
        func letter(_ index: UInt8, tone: UInt8) {
            endNumber()
            start()
            lastLetter = primary.count
            primary.append(0x41 + index)
            tones.append(0x30 + tone)
        }

        for u in s.unicodeScalars {
            let v = u.value
            switch v {
            case 0x30...0x39:
                if digits.isEmpty { start() }
                digits.append(UInt8(v))
                lastLetter = nil
            case 0x41...0x5A, 0x61...0x7A:
                letter(table.ascii[Int(v | 0x20) - 0x61], tone: 0)
            case 0x0300...0x036F:
                // A combining mark after a letter (text not in NFC): the letter's modifier or tone.
                guard let at = lastLetter else { continue }
                if let tone = SortLetters.tone(of: v) {
                    tones[tones.count - 1] = 0x30 + tone
                } else if let modified = table.modified(primary[at] - 0x41, by: v) {
                    primary[at] = 0x41 + modified
                }
            default:
                if let (index, tone) = table.latin(v) {
                    letter(index, tone: tone)
                } else if u.properties.isAlphabetic || u.properties.numericType != nil {
                    endNumber()
                    start()
                    lastLetter = nil
                    primary += Array(u.properties.lowercaseMapping.utf8)
                } else {
                    endNumber()
                    pendingBreak = true
                    lastLetter = nil
                }
            }
        }
        endNumber()
        while tones.last == 0x30 { tones.removeLast() }
        if !tones.isEmpty { primary += [0x20] + tones }
        return String(decoding: primary, as: UTF8.self)
    }

    /// Each Latin letter's place in `sortAlphabet` and its tone, for ASCII and for the precomposed letters of
    /// Latin-1, Latin Extended-A/B and Latin Extended Additional (where Vietnamese letters live), made once by
    /// decomposing each.
    struct SortLetters: Sendable {
        /// a…z.
        var ascii: [UInt8] = []
        /// Per scalar of U+00C0–U+02FF then U+1E00–U+1EFF: its letter's place + 1 (0: not a Latin letter) and tone.
        var places: [UInt8] = []
        var toneOf: [UInt8] = []

        static let shared: SortLetters = {
            var letters = SortLetters()
            func place(_ c: Unicode.Scalar) -> UInt8 { UInt8(sortAlphabet.firstIndex(of: c)!) }
            letters.ascii = (0x61...0x7A).map { place(Unicode.Scalar(UInt8($0))) }
            for v in Array(0xC0..<0x300) + Array(0x1E00..<0x1F00) {
                var found: (UInt8, UInt8)?
                // Đ đ, and the look-alike Ð ð (U+00D0, U+00F0) that old fonts and keyboards put in Vietnamese names.
                if v == 0x110 || v == 0x111 || v == 0xD0 || v == 0xF0 {
                    found = (place("đ"), 0)
                } else if let scalar = Unicode.Scalar(UInt32(v)) {
                    let parts = Array(String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars)
                    if let base = parts.first, (0x41...0x5A).contains(base.value) || (0x61...0x7A).contains(base.value), parts.count > 1 {
                        var index = place(Unicode.Scalar(UInt8(base.value | 0x20)))
                        var tone: UInt8 = 0
                        for mark in parts.dropFirst() {
                            if let t = SortLetters.tone(of: mark.value) {
                                tone = t
                            } else if let m = letters.modified(index, by: mark.value) {
                                index = m
                            }
                        }
                        found = (index, tone)
                    }
                }
                letters.places.append(found.map { $0.0 + 1 } ?? 0)
                letters.toneOf.append(found?.1 ?? 0)
            }
            return letters
        }()

        func latin(_ v: UInt32) -> (UInt8, UInt8)? {
            let k: Int
            switch v {
            case 0xC0..<0x300: k = Int(v - 0xC0)
            case 0x1E00..<0x1F00: k = Int(v - 0x1E00) + 0x240
            default: return nil
            }
            return places[k] == 0 ? nil : (places[k] - 1, toneOf[k])
        }

        /// The tone a combining mark writes: huyền 1, hỏi 2, ngã 3, sắc 4, nặng 5.
        static func tone(of mark: UInt32) -> UInt8? {
            switch mark {
            case 0x0300: 1
            case 0x0309: 2
            case 0x0303: 3
            case 0x0301: 4
            case 0x0323: 5
            default: nil
            }
        }

        /// The letter a breve, circumflex or horn makes of letter `index`: ă â ê ô ơ ư.
        func modified(_ index: UInt8, by mark: UInt32) -> UInt8? {
            let letter = sortAlphabet[Int(index)]
            let made: Unicode.Scalar? = switch (letter, mark) {
            case ("a", 0x0306): "ă"
            case ("a", 0x0302): "â"
            case ("e", 0x0302): "ê"
            case ("o", 0x0302): "ô"
            case ("o", 0x031B): "ơ"
            case ("u", 0x031B): "ư"
            default: nil
            }
            return made.map { UInt8(VietnameseText.sortAlphabet.firstIndex(of: $0)!) }
        }
    }
}
