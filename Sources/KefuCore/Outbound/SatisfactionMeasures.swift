import Foundation

/// 客户满意度衡量的指标 (R7.4; seed 003 第17条): 美誉度, 知名度, 回头率, 抱怨率, 销售力, each a
/// ratio of counts taken over a period from surveys and orders. The formula is part of the
/// answer, so the page shows how each figure was made.
public struct SatisfactionMeasures: Sendable, Equatable {
    /// The counts the measures are made from.
    public struct Counts: Sendable, Equatable {
        /// Survey answers: customers surveyed, of them who knew the brand/service, and of those
        /// who spoke well of it (a 4–5 rating or an NPS of 9–10).
        public var surveyed = 0
        public var aware = 0
        public var praising = 0
        /// Customers who contacted the center in the period, and of them those who had
        /// contacted it before (returning).
        public var customers = 0
        public var returning = 0
        /// Customers who complained (complaint orders' distinct customers).
        public var complaining = 0
        /// Offers or recommendations made on calls, and those taken up.
        public var offers = 0
        public var accepted = 0

        public init() {}
    }

    public struct Measure: Sendable, Equatable {
        public var key: String
        public var name: String
        /// In words, e.g. "称赞的客户 ÷ 知晓的客户".
        public var formula: String
        public var numerator: Int
        public var denominator: Int
        /// Percent with one decimal, nil when the denominator is 0.
        public var percent: Double? {
            denominator == 0 ? nil : (Double(numerator) / Double(denominator) * 1000).rounded() / 10
        }
    }

    public var measures: [Measure]

    public init(_ c: Counts) {
        measures = [
            Measure(key: "reputation", name: "美誉度", formula: "称赞的受访客户 ÷ 知晓本企业的受访客户", numerator: c.praising, denominator: c.aware),
            Measure(key: "awareness", name: "知名度", formula: "知晓本企业的受访客户 ÷ 受访客户", numerator: c.aware, denominator: c.surveyed),
            Measure(key: "returnRate", name: "回头率", formula: "再次来电的客户 ÷ 来电客户", numerator: c.returning, denominator: c.customers),
            Measure(key: "complaintRate", name: "抱怨率", formula: "投诉的客户 ÷ 来电客户", numerator: c.complaining, denominator: c.customers),
            Measure(key: "salesPower", name: "销售力", formula: "接受推荐或挽留方案的客户 ÷ 推荐或挽留的次数", numerator: c.accepted, denominator: c.offers),
        ]
    }
}
