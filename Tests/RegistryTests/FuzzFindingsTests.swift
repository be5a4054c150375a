import Testing
@testable import Registry

/// Inputs scripts/fuzz found that broke a property; each stays here as a test.
@Suite struct FuzzFindingsTests {
    /// csv-crash-2459019…: "name\t\u{59A}code" normalised to "name \u{59A}code", whose space and
    /// combining mark are one Character, which a second normalisation dropped as white space.
    @Test(arguments: ["code\tname\t\u{59A}code", "a \u{301}", "\u{A0}\u{300}b", "x\n\u{20DD}"])
    func normalisingTwiceChangesNothing(text: String) {
        let once = VietnameseText.normalised(text)
        #expect(VietnameseText.normalised(once) == once)
        #expect(once.unicodeScalars.count >= text.unicodeScalars.filter { !VietnameseText.isWhitespace($0) }.count)
    }
}
