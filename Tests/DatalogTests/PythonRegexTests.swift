import Testing

@testable import Datalog

@Suite struct PythonRegexTests {
    /// Pattern, text, and whether Python's `re.search(pattern, text)` finds a match.
    @Test(arguments: [
        ("abc", "xxabcxx", true),
        ("abd", "xxabcxx", false),
        ("^abc", "abcd", true),
        ("^abc", "xabc", false),
        ("abc$", "xabc", true),
        ("abc$", "xabc\n", true),
        ("abc$", "xabc\n\n", false),
        ("abc\\Z", "xabc\n", false),
        ("\\Aab", "ab", true),
        ("a.c", "abc", true),
        ("a.c", "a\nc", false),
        ("^[a-z]+$", "hello", true),
        ("^[a-z]+$", "Hello", false),
        ("^[^0-9]*$", "abc", true),
        ("^[^0-9]*$", "ab1", false),
        ("^[]a]+$", "]a]", true),
        ("^[a-]+$", "a-a", true),
        ("^[\\d.]+$", "1.5", true),
        ("^\\d{3}-\\d{4}$", "555-1234", true),
        ("^\\d{3}-\\d{4}$", "55-1234", false),
        ("^a{2,}$", "aaa", true),
        ("^a{2,}$", "a", false),
        ("^a{,2}$", "aa", true),
        ("^a{,2}$", "aaa", false),
        ("^a{1,2}b$", "aab", true),
        ("^a{1,2}b$", "aaab", false),
        ("^a{x}$", "a{x}", true),
        ("^(ab|cd)+$", "abcdab", true),
        ("^(ab|cd)+$", "abce", false),
        ("^(?:ab)?c$", "c", true),
        ("colou?r", "color", true),
        ("^\\w+$", "snake_case9", true),
        ("^\\w+$", "kebab-case", false),
        ("^\\W$", "-", true),
        ("^\\s*$", " \t\n", true),
        ("^\\S+$", "a b", false),
        ("\\bcat\\b", "a cat here", true),
        ("\\bcat\\b", "concatenate", false),
        ("\\Bcat\\B", "concatenate", true),
        ("^a\\.b$", "a.b", true),
        ("^a\\.b$", "axb", false),
        ("^\\x41\\u00e9$", "Aé", true),
        ("^(a*)*b$", "aaab", true),
        ("^a*?b$", "aab", true),
        ("", "anything", true),
        ("a|", "zzz", true),
        ("^é+$", "éé", true),
    ])
    func searches(pattern: String, text: String, matches: Bool) throws {
        let regex = try #require(PythonRegex(pattern), "\(pattern)")
        #expect(regex.search(text) == matches, "\(pattern) on \(text)")
    }

    @Test func ignoresCase() throws {
        let regex = try #require(PythonRegex("^[a-z]+É$", ignoreCase: true))
        #expect(regex.search("HeLLoé"))
        #expect(!regex.search("Hello1é"))
        #expect(!(try #require(PythonRegex("^[a-z]+$")).search("HeLLo")))
    }

    @Test(arguments: [
        "(?=a)", "(?!a)", "(?P<name>a)", "(?i)a", "(a)\\1", "a**", "a++", "*a", "a{2}{3}", "(ab", "ab)", "[ab",
        "[z-a]", "\\x+1", "\\u-123", "\\q", "\\", "a{3,1}", "\\b*", "(a{1000}){1000}",
    ])
    func rejectsUnsupported(pattern: String) {
        #expect(PythonRegex(pattern) == nil, "\(pattern)")
    }

    @Test func nestedStarIsLinear() throws {
        let regex = try #require(PythonRegex("^(a*)*b$"))
        let text = String(repeating: "a", count: 20_000)
        #expect(!regex.search(text))
        #expect(regex.search(text + "b"))
    }
}
