import Testing

@testable import DataSources

@Suite struct TimestampTests {
    @Test func iso8601Offsets() {
        #expect(Timestamp.parseISO8601("2024-05-01T10:00:00.000001+0000")?.description == "2024-05-01T10:00:00.000001Z")
        #expect(Timestamp.parseISO8601("2017-01-30T16:12:27.008466+0100")?.description == "2017-01-30T15:12:27.008466Z")
        #expect(Timestamp.parseISO8601("2021-03-02T17:26:40.530716Z")?.description == "2021-03-02T17:26:40.530716Z")
        #expect(Timestamp.parseISO8601("1969-12-31T23:59:59.400000Z")?.microseconds == -600_000)
        #expect(Timestamp.parseISO8601("2024-02-30T00:00:00Z") == nil)
        #expect(Timestamp.parseISO8601("2024-05-01 10:00") == nil)
    }

    @Test func epochSeconds() {
        #expect(Timestamp.parseEpochSeconds("1714557600.000001")?.description == "2024-05-01T10:00:00.000001Z")
        #expect(Timestamp.parseEpochSeconds("XXXXXXXXXX.XXXXXX") == nil)
        #expect(Timestamp.parseEpochSeconds("1389719053")?.description == "2014-01-14T17:04:13.000000Z")
    }

    @Test func civilRoundTrip() {
        for days in stride(from: Int64(-800_000), to: 800_000, by: 997) {
            let date = civilDate(fromDays: days)
            #expect(daysFromCivil(year: date.year, month: date.month, day: date.day) == days)
        }
    }
}
