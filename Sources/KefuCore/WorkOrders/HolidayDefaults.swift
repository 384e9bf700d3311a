/// The State Council's 2026 holiday schedule as shipped defaults; administrators edit the
/// calendar each year when the new notice comes out (weekend make-up days included).
public enum HolidayDefaults {
    public struct Entry: Sendable { public let day: LocalDay; public let name: String; public let isMakeupWorkday: Bool }

    public static let year2026: [Entry] = {
        var out: [Entry] = []
        func off(_ from: String, _ to: String, _ name: String) {
            guard var d = LocalDay(from), let end = LocalDay(to) else { return }
            while d <= end { out.append(Entry(day: d, name: name, isMakeupWorkday: false)); d = d.adding(days: 1) }
        }
        func work(_ day: String, _ name: String) {
            if let d = LocalDay(day) { out.append(Entry(day: d, name: name + "调休上班", isMakeupWorkday: true)) }
        }
        off("2026-01-01", "2026-01-03", "元旦"); work("2026-01-04", "元旦")
        off("2026-02-15", "2026-02-23", "春节"); work("2026-02-14", "春节"); work("2026-02-28", "春节")
        off("2026-04-04", "2026-04-06", "清明节")
        off("2026-05-01", "2026-05-05", "劳动节"); work("2026-05-09", "劳动节")
        off("2026-06-19", "2026-06-21", "端午节")
        off("2026-09-25", "2026-09-27", "中秋节")
        off("2026-10-01", "2026-10-07", "国庆节"); work("2026-09-20", "国庆节"); work("2026-10-10", "国庆节")
        return out
    }()
}
