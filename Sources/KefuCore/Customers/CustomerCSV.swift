import Foundation

/// A customer list as centers keep it in a spreadsheet, read by its header row: each column
/// is known by its English or Chinese name (姓名, 电话, 备用电话, 证件号码, 客户等级, 市, 区/县,
/// 镇/乡, 街道/路, 小区, 楼栋, 单元, 楼层, 门号, 标志性建筑). Name and phone are required; a
/// row is checked as the customer form checks it, and a bad row is refused with its line
/// number and why, without costing the good ones.
public struct CustomerCSVRow: Sendable, Equatable {
    public var line: Int
    public var name: String
    /// Stored form (digits only).
    public var phone: String
    public var phone2: String?
    public var idNumber: String?
    public var tier: CustomerTier
    public var address: Address?
}

public struct CustomerCSVProblem: Sendable, Equatable, Error {
    public var line: Int
    public var message: String
}

public enum CustomerCSV {
    static let columns: [(key: String, names: [String])] = [
        ("name", ["name", "姓名", "客户姓名"]), ("phone", ["phone", "电话", "联系电话", "手机"]),
        ("phone2", ["phone2", "备用电话"]), ("idNumber", ["idnumber", "id_number", "证件号码", "身份证号"]),
        ("tier", ["tier", "等级", "客户等级"]), ("city", ["city", "市"]), ("district", ["district", "区/县", "区"]),
        ("town", ["town", "镇/乡"]), ("street", ["street", "街道/路", "街道"]), ("estate", ["estate", "小区"]),
        ("building", ["building", "楼栋"]), ("unit", ["unit", "单元"]), ("floor", ["floor", "楼层"]),
        ("door", ["door", "门号", "房号"]), ("landmark", ["landmark", "标志性建筑"]),
    ]

    /// The rows, or a problem with the header that makes the whole file unreadable.
    public static func parse(_ text: String) -> Result<(rows: [CustomerCSVRow], problems: [CustomerCSVProblem]), CustomerCSVProblem> {
        let records = CSVRecords.parse(text)
        guard let header = records.first else { return .failure(CustomerCSVProblem(line: 1, message: "文件为空：第一行须为表头（姓名,电话,…）")) }
        let index = CSVColumns(header: header, columns: columns)
        guard index.has("name"), index.has("phone") else {
            return .failure(CustomerCSVProblem(line: header.line, message: "表头须含“姓名”和“电话”两列（或 name、phone）"))
        }
        var rows: [CustomerCSVRow] = []
        var problems: [CustomerCSVProblem] = []
        for record in records.dropFirst() {
            switch row(record, index: index) {
            case .success(let r): rows.append(r)
            case .failure(let p): problems.append(p)
            }
        }
        return .success((rows, problems))
    }

    static func row(_ record: CSVRecord, index: CSVColumns) -> Result<CustomerCSVRow, CustomerCSVProblem> {
        func fail(_ m: String) -> Result<CustomerCSVRow, CustomerCSVProblem> { .failure(CustomerCSVProblem(line: record.line, message: m)) }
        if record.unterminated { return fail("引号未闭合") }
        func value(_ key: String) -> String? { index.value(key, in: record) }
        let address = Address(city: value("city"), district: value("district"), town: value("town"), street: value("street"),
                              estate: value("estate"), building: value("building"), unit: value("unit"), floor: value("floor"),
                              door: value("door"), landmark: value("landmark"))
        if let p = CustomerRecordRules.problems(name: value("name"), phone: value("phone"), phone2: value("phone2"),
                                                idNumber: value("idNumber"), address: address).first {
            return fail(p.message)
        }
        var tier = CustomerTier.normal
        if let t = value("tier") {
            guard let found = CustomerTier.allCases.first(where: { $0.rawValue == t.lowercased() || $0.label == t }) else {
                return fail("客户等级无效：\(t)（可用 vip、major、normal、small 或 VIP客户 等）")
            }
            tier = found
        }
        return .success(CustomerCSVRow(line: record.line, name: value("name") ?? "", phone: Validation.normalizePhone(value("phone") ?? ""),
                                       phone2: value("phone2").map(Validation.normalizePhone), idNumber: value("idNumber"),
                                       tier: tier, address: address.isEmpty ? nil : address))
    }
}
