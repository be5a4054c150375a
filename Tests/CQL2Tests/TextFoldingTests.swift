import CQL2
import Testing

/// CASEI and ACCENTI as the SQL functions will run them.
struct TextFoldingTests {
    @Test func caseFoldingCoversMoreThanASCII() {
        let fold = CQL2TextFolding.caseFolded
        #expect(fold("KIEV") == "kiev")
        #expect(fold("Straße") == fold("STRASSE"))
        #expect(fold("ΟΔΟΣ") == fold("Οδος"))
        #expect(fold("KØBENHAVN") == fold("København"))
        #expect(fold("Đ") == "đ")
    }

    @Test func accentFoldingRemovesDiacriticsAndStrokes() {
        let fold = CQL2TextFolding.accentFolded
        #expect(fold("Đường Nguyễn Trãi") == "Duong Nguyen Trai")
        #expect(fold("Chișinău") == "Chisinau")
        #expect(fold("débárquér") == "debarquer")
        #expect(fold("København") == "Kobenhavn")
        // Decomposed input folds like precomposed input.
        #expect(fold("Tra\u{0303}i") == fold("Trãi"))
        // Case is kept: ACCENTI is not CASEI.
        #expect(fold("ÉCOLE") == "ECOLE")
        // Marks that are part of a script, not accents, stay (Devanagari vowel sign).
        #expect(fold("हिन्दी") == "हिन्दी")
    }

    @Test func theTranslatorCallsTheFunctionsByTheseNames() {
        #expect(CQL2TextFolding.sqlFunctions.map(\.name) == ["casei", "accenti"])
    }
}
