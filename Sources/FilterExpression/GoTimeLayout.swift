/// Parsing by Go reference layouts (`2006-01-02T15:04:05Z07:00`), the way `date(s, layout)`
/// reads text, and the proleptic Gregorian calendar arithmetic behind it.
enum GoTimeLayout {
    private static let tokens = [
        "January", "Monday", "2006", "-07:00:00", "-070000", "Z07:00:00", "Z070000", "-07:00", "-0700", "Z07:00",
        "Z0700", "Jan", "Mon", "MST", "-07", "Z07", "_2", "01", "02", "03", "04", "05", "06", "15", "PM", "pm",
        "1", "2", "3", "4", "5",
    ].map { Array($0.utf8) }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// Nanoseconds since the epoch, or nil when `text` does not fit `layout`.
    static func parse(_ text: String, layout: String, defaultOffset: Int) -> Int64? {
        let value = Array(text.utf8)
        let pattern = Array(layout.utf8)
        var (year, month, day, hour, minute, second, nanosecond) = (1, 1, 1, 0, 0, 0, 0)
        var offset = defaultOffset
        var pm: Bool?
        var at = 0
        var index = 0

        func number(minimum: Int, maximum: Int) -> Int? {
            var digits = 0
            var result = 0
            while digits < maximum, at < value.count, (0x30...0x39).contains(value[at]) {
                result = result * 10 + Int(value[at] - 0x30)
                at += 1
                digits += 1
            }
            return digits >= minimum ? result : nil
        }
        func word(_ candidates: [String], prefix: Int?) -> Int? {
            for (position, name) in candidates.enumerated() {
                let spelled = Array((prefix.map { String(name.prefix($0)) } ?? name).utf8)
                if at + spelled.count <= value.count,
                    String(decoding: value[at..<at + spelled.count], as: UTF8.self).lowercased()
                        == String(decoding: spelled, as: UTF8.self).lowercased()
                {
                    at += spelled.count
                    return position
                }
            }
            return nil
        }
        func zone(_ token: String) -> Bool {
            if token.hasPrefix("Z"), at < value.count, value[at] == UInt8(ascii: "Z") {
                at += 1
                offset = 0
                return true
            }
            guard at < value.count, value[at] == UInt8(ascii: "+") || value[at] == UInt8(ascii: "-") else { return false }
            let negative = value[at] == UInt8(ascii: "-")
            at += 1
            let colon = token.contains(":")
            guard let hours = number(minimum: 2, maximum: 2) else { return false }
            var minutes = 0
            var seconds = 0
            let fields = token.filter { $0 == "0" }.count  // "07" → 1 field … "070000" → 3
            if fields >= 2 {
                if colon { guard at < value.count, value[at] == UInt8(ascii: ":") else { return false }; at += 1 }
                guard let parsed = number(minimum: 2, maximum: 2) else { return false }
                minutes = parsed
            }
            if fields >= 3 {
                if colon { guard at < value.count, value[at] == UInt8(ascii: ":") else { return false }; at += 1 }
                guard let parsed = number(minimum: 2, maximum: 2) else { return false }
                seconds = parsed
            }
            let total = hours * 3600 + minutes * 60 + seconds
            offset = negative ? -total : total
            return true
        }

        while index < pattern.count {
            guard let token = tokens.first(where: { index + $0.count <= pattern.count && Array(pattern[index..<index + $0.count]) == $0 })
            else {
                guard at < value.count, value[at] == pattern[index] else { return nil }
                at += 1
                index += 1
                continue
            }
            index += token.count
            let name = String(decoding: token, as: UTF8.self)
            switch name {
            case "2006": guard let parsed = number(minimum: 4, maximum: 4) else { return nil }; year = parsed
            case "06":
                guard let parsed = number(minimum: 2, maximum: 2) else { return nil }
                year = parsed >= 69 ? 1900 + parsed : 2000 + parsed
            case "01": guard let parsed = number(minimum: 2, maximum: 2) else { return nil }; month = parsed
            case "1": guard let parsed = number(minimum: 1, maximum: 2) else { return nil }; month = parsed
            case "January": guard let parsed = word(monthNames, prefix: nil) else { return nil }; month = parsed + 1
            case "Jan": guard let parsed = word(monthNames, prefix: 3) else { return nil }; month = parsed + 1
            case "02": guard let parsed = number(minimum: 2, maximum: 2) else { return nil }; day = parsed
            case "2": guard let parsed = number(minimum: 1, maximum: 2) else { return nil }; day = parsed
            case "_2":
                if at < value.count, value[at] == UInt8(ascii: " ") { at += 1 }
                guard let parsed = number(minimum: 1, maximum: 2) else { return nil }
                day = parsed
            case "15": guard let parsed = number(minimum: 1, maximum: 2) else { return nil }; hour = parsed
            case "03": guard let parsed = number(minimum: 2, maximum: 2) else { return nil }; hour = parsed
            case "3": guard let parsed = number(minimum: 1, maximum: 2) else { return nil }; hour = parsed
            case "04": guard let parsed = number(minimum: 2, maximum: 2) else { return nil }; minute = parsed
            case "4": guard let parsed = number(minimum: 1, maximum: 2) else { return nil }; minute = parsed
            case "05", "5":
                guard let parsed = number(minimum: name == "05" ? 2 : 1, maximum: 2) else { return nil }
                second = parsed
                // Go accepts a fraction after the seconds even when the layout has none.
                if at + 1 < value.count, value[at] == UInt8(ascii: ".") || value[at] == UInt8(ascii: ","),
                    (0x30...0x39).contains(value[at + 1]), !(index < pattern.count && pattern[index] == value[at])
                {
                    at += 1
                    var scale = 100_000_000
                    while at < value.count, (0x30...0x39).contains(value[at]) {
                        nanosecond += Int(value[at] - 0x30) * scale
                        scale /= 10
                        at += 1
                    }
                }
            case "PM", "pm":
                guard at + 2 <= value.count else { return nil }
                let marker = String(decoding: value[at..<at + 2], as: UTF8.self).uppercased()
                guard marker == "AM" || marker == "PM" else { return nil }
                pm = marker == "PM"
                at += 2
            case "Monday": guard word(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], prefix: nil) != nil else { return nil }
            case "Mon": guard word(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"], prefix: 3) != nil else { return nil }
            case "MST":
                // An abbreviation Go does not know gets a zero offset, as Go gives it.
                let start = at
                while at < value.count, (0x41...0x5A).contains(value[at]) { at += 1 }
                guard at - start >= 3 else { return nil }
                offset = 0
            default:
                guard zone(name) else { return nil }
            }
        }
        guard at == value.count else { return nil }
        if let pm {
            guard hour >= 1, hour <= 12 else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard (1...12).contains(month), (1...daysIn(month, year)).contains(day), hour < 24, minute < 60, second < 60,
            (-9999...9999).contains(year)
        else { return nil }
        let seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        let (scaled, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (instant, overflowed) = scaled.addingReportingOverflow(Int64(nanosecond))
        return overflowed ? nil : instant
    }

    /// Go's zero time, January 1 of year 1, 00:00:00 UTC: below Int64 nanoseconds' range,
    /// so no instant here is zero.
    static let zeroInstant = Int64.min

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(_ instant: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int) {
        let nanosecond = Int(((instant % 1_000_000_000) + 1_000_000_000) % 1_000_000_000)
        let seconds = Int((instant - Int64(nanosecond)) / 1_000_000_000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilCalendar.date(daysSinceEpoch: Int64(days))
        return (Int(year), Int(month), Int(day), secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, nanosecond)
    }
}
