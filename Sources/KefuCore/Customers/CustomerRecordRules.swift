import Foundation

/// What makes a customer record valid (R5.1), checked the same way wherever one is written:
/// the customer form and API, a change request applied to a record, a row of an imported
/// spreadsheet. Values are checked as sent; the caller normalises what it stores.
public enum CustomerRecordRules {
    /// The problems of these fields, each named `prefix` + field (a form's field names).
    public static func problems(name: String?, phone: String?, phone2: String?, idNumber: String?, address: Address?,
                                prefix: String = "") -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if let p = Validation.checkText(name, field: prefix + "name", label: "客户姓名", max: Validation.maxNameLength) { problems.append(p) }
        let phone = phone?.trimmingCharacters(in: .whitespaces) ?? ""
        if phone.isEmpty {
            problems.append(FieldProblem(field: prefix + "phone", message: "联系电话不能为空"))
        } else if !Validation.isValidPhone(phone) {
            problems.append(FieldProblem(field: prefix + "phone", message: "联系电话格式不正确：\(phone)"))
        }
        if let p2 = phone2?.trimmingCharacters(in: .whitespaces), !p2.isEmpty, !Validation.isValidPhone(p2) {
            problems.append(FieldProblem(field: prefix + "phone2", message: "备用电话格式不正确：\(p2)"))
        }
        if let a = address, a.hasOverlongPart {
            problems.append(FieldProblem(field: prefix + "address", message: "地址各项不能超过 \(Address.maxPartLength) 个字符"))
        }
        if let id = idNumber, id.unicodeScalars.count > 32 {
            problems.append(FieldProblem(field: prefix + "idNumber", message: "证件号码过长"))
        }
        return problems
    }
}
