import Testing

@testable import Datalog

@Suite struct BuiltinFamilyTests {
    @Test func nowIsUTC() throws {
        #expect(try BuiltinFixtures.outputs("now(x)") == [.string("2024-05-01 10:20:30")])
        let now = try #require(Builtins.named("now", arity: 1))
        #expect(now.evaluate([], context: BuiltinContext(now: 0)) == [.string("1970-01-01 00:00:00")])
        #expect(now.evaluate([], context: BuiltinContext(now: -1)) == [.string("1969-12-31 23:59:59")])
        #expect(now.evaluate([], context: BuiltinContext(now: .max)) == nil)
    }

    @Test(arguments: [
        (#"unpack_date("2024-05-01 10:20:30", 2024, 5, 1)"#, true),
        (#"unpack_date("2024-05-01", 2024, 5, 1)"#, true),
        (#"unpack_time("2024-05-01 10:20:30", 10, 20, 30)"#, true),
        (#"unpack_time("2024-05-01T10:20:30.75Z", 10, 20, 30)"#, true),
        (#"unpack_time("2024-05-01T10:20:30+02:00", 10, 20, 30)"#, true),
        (#"unpack_time("2024-05-01 10:20:30 -0530", 10, 20, 30)"#, true),
        (#"unpack_time("2024-05-01 10:20", 10, 20, 0)"#, true),
        (#"unpack_datetime("2000-02-29 23:59:59", 2000, 2, 29, 23, 59, 59)"#, true),
        (#"unpack_date("10:20:30", 2024, 5, 1)"#, true),
        (#"unpack_date("2023-02-29", 2023, 2, 29)"#, false),
        (#"unpack_date("1900-02-29", 1900, 2, 29)"#, false),
        (#"unpack_date("2024-13-01", 2024, 13, 1)"#, false),
        (#"unpack_time("24:00:00", 24, 0, 0)"#, false),
        (#"unpack_time("2024-05-01 10:20:30 junk", 10, 20, 30)"#, false),
        (#"unpack_date(20240501, 2024, 5, 1)"#, false),
        (#"pack_date(2024, 5, 1, "2024-5-1")"#, true),
        (#"pack_time(9, 5, 0, "9:5:0")"#, true),
        (#"pack_datetime(2024, 5, 1, 9, 5, 0, "2024-5-1 9:5:0")"#, true),
        (#"extract_date("2024-05-01T10:20:30Z", "2024-05-01")"#, true),
        (#"extract_time("2024-05-01 10:20:30", "10:20:30")"#, true),
        (#"extract_time("2024-05-01 10:20:30.5", "10:20:30.500000")"#, true),
        (#"datetime_to_seconds("1900-01-01 00:00:00", 0)"#, true),
        (#"datetime_to_seconds("1970-01-01", 2208988800)"#, true),
        (#"datetime_to_seconds("1899-12-31 23:59:59", -1)"#, true),
        (#"datetime_to_seconds("1899-12-31 23:59:59.5", 0)"#, true),
        (#"datetime_plus("2024-02-28 23:00:00", 7200, "2024-02-29 01:00:00")"#, true),
        (#"datetime_plus("2024-02-28 23:00:00", "1:0:0:0", "2024-02-29 23:00:00")"#, true),
        (#"datetime_plus("2024-01-01 00:00:00", "1:0:0:0:0", "2024-01-08 00:00:00")"#, true),
        (#"datetime_plus("2024-01-01 00:00:00", "2:30", "2024-01-01 00:02:30")"#, true),
        (#"datetime_plus("2024-01-01 00:00:00", 0.5, "2024-01-01 00:00:00.500000")"#, true),
        (#"datetime_plus("2024-01-01 00:00:00", "1:2:3:4:5:6", "x")"#, false),
        (#"datetime_minus("2024-03-01 00:00:00", 1, "2024-02-29 23:59:59")"#, true),
        (#"datetime_minus("2024-01-01 00:00:00.25", 0.5, "2023-12-31 23:59:59.750000")"#, true),
        (#"datetime_minus("0001-01-01 00:00:00", 1, "x")"#, false),
        (#"datetime_lt("2024-01-01", "2024-01-01 00:00:01")"#, true),
        (#"datetime_lt("2024-01-01 00:00:01", "2024-01-01")"#, false),
        (#"datetime_lteq("2024-01-01", "2024-01-01 00:00:00")"#, true),
        (#"datetime_gt("2024-01-02", "2024-01-01 23:59:59.999")"#, true),
        (#"datetime_gteq("2024-01-01", "2024-01-01")"#, true),
        (#"datetime_equal("2024-01-01T00:00:00Z", "2024-01-01 00:00:00")"#, true),
        (#"datetime_equal("2024-01-01", "not a date")"#, false),
    ])
    func dateTime(literal: String, holds: Bool) throws {
        #expect(try BuiltinFixtures.holds(literal) == holds)
    }

    @Test(arguments: [
        (#"ips_equal("2001:db8::1", "2001:DB8:0:0:0:0:0:1")"#, true),
        (#"ips_equal("::ffff:192.0.2.1", "192.0.2.1")"#, true),
        (#"ips_lt("2001:db8::1", "2001:db8::2")"#, true),
        (#"ips_gt("2001:db8::1", "192.0.2.1")"#, true),
        (#"ips_lteq("::1", "::1")"#, true),
        (#"ips_gteq("::1", "::2")"#, false),
        (#"ips_equal("010.0.0.1", "10.0.0.1")"#, false),
        (#"ips_equal("fe80::1%eth0", "fe80::1")"#, false),
        ("ips_equal(1, 1)", false),
        (#"networks_equal("2001:db8::/32", "2001:db8:ffff::/32")"#, true),
        (#"networks_equal("2001:db8::/32", "2001:db8::/33")"#, false),
        (#"networks_equal("::ffff:192.0.2.0/120", "192.0.2.0/24")"#, true),
        (#"networks_overlap("2001:db8::/32", "2001:db8:1::/48")"#, true),
        (#"networks_overlap("2001:db8:1::/48", "2001:db8::/32")"#, true),
        (#"networks_overlap("2001:db8::/32", "2001:db9::/32")"#, false),
        (#"networks_overlap("192.0.3.0/25", "192.0.2.0/23")"#, true),
        (#"networks_overlap("192.0.2.0/24", "bad")"#, false),
        (#"ip_in_network("2001:db8::5", "2001:db8::/64")"#, true),
        (#"ip_in_network("2001:db8:0:1::5", "2001:db8::/64")"#, false),
        (#"ip_in_network("192.0.2.1", "::ffff:192.0.2.0/120")"#, true),
        (#"ip_in_network("::ffff:192.168.0.1", "192.168.0.0/24")"#, true),
        (#"ip_in_network("192.168.0.1", "1.2.3.4/index.html")"#, false),
        (#"ip_canonical("2001:DB8::0:1", "2001:db8::1")"#, true),
        (#"ip_canonical("::ffff:192.0.2.1", "192.0.2.1")"#, true),
        (#"ip_canonical("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")"#, true),
        (#"network_canonical("192.0.2.77/24", "192.0.2.0/24")"#, true),
        (#"network_canonical("2001:DB8::1/32", "2001:db8::/32")"#, true),
        (#"network_canonical("10.0.0.1", "10.0.0.1/32")"#, true),
    ])
    func network(literal: String, holds: Bool) throws {
        #expect(try BuiltinFixtures.holds(literal) == holds)
    }

    @Test func canonicalOfInvalidIsFalse() throws {
        #expect(try BuiltinFixtures.outputs(#"ip_canonical("300.0.0.1", x)"#) == nil)
        #expect(try BuiltinFixtures.outputs(#"network_canonical("10.0.0.0/33", x)"#) == nil)
    }

    @Test(arguments: [
        (#"validate_int(1, 10, 5, "")"#, true),
        (#"validate_int("", "", -99, "")"#, true),
        (#"validate_int(1, 10, "7", "")"#, true),
        (#"validate_int("1", "10", 10, "")"#, true),
        (#"validate_int(1, 10, 11, "value 11 is greater than the maximum 10")"#, true),
        (#"validate_int(1, 10, 0, "value 0 is less than the minimum 1")"#, true),
        (#"validate_int(1, 10, "abc", "value \"abc\" is not an integer")"#, true),
        (#"validate_int(1, 10, 2.5, "value 2.5 is not an integer")"#, true),
        (#"validate_float(0.5, 1.5, 1, "")"#, true),
        (#"validate_float(0.5, 1.5, "1.25", "")"#, true),
        (#"validate_float("", 1.0, 2.5, "value 2.5 is greater than the maximum 1.0")"#, true),
        (#"validate_string("^[a-z]+$", 10, "False", "False", "abc", "")"#, true),
        (#"validate_string("^[a-z]+$", 10, "False", "True", "ABC", "")"#, true),
        (
            #"validate_string("^[a-z]+$", "", 0, 0, "ABC", "value \"ABC\" does not match the pattern \"^[a-z]+$\"")"#,
            true
        ),
        (#"validate_string("b", "", "False", "False", "abc", "")"#, true),
        (#"validate_string("", 3, "False", "False", "abcd", "value \"abcd\" is longer than 3 characters")"#, true),
        (#"validate_string("", 3, "False", "False", "abc", "")"#, true),
        (#"validate_string("", 3, "True", "False", "'abc'", "")"#, true),
        (#"validate_string("", "", "True", "False", "'abc", "value \"'abc\" has an unclosed quote")"#, true),
        (#"validate_string("", "", "False", "False", 42, "")"#, true),
    ])
    func validation(literal: String, holds: Bool) throws {
        #expect(try BuiltinFixtures.holds(literal) == holds)
    }

    @Test(arguments: [
        #"validate_int(1.5, 10, 5, x)"#,
        #"validate_int("a", 10, 5, x)"#,
        #"validate_string("(?=x)", "", "False", "False", "x", r)"#,
        #"validate_string("", -1, "False", "False", "x", r)"#,
        #"validate_string("", "", "maybe", "False", "x", r)"#,
    ])
    func unusableLimitsAreFalse(literal: String) throws {
        #expect(try BuiltinFixtures.outputs(literal) == nil)
    }
}
