import Foundation

/// How a caller proved who they are before their registered data is changed (R5.4; seed 003
/// 2.4: "核实客户身份（如身份证号、联系电话、房号等）无误后方可对客户信息档案进行变更").
public enum VerificationMethod: String, Sendable, Codable, CaseIterable {
    case idNumber = "id_number"
    case phone
    case address

    public var label: String {
        switch self {
        case .idNumber: "身份证号"
        case .phone: "登记电话"
        case .address: "登记地址（楼栋与房号）"
        }
    }
}

/// What the archive holds to check a caller against.
public struct RegisteredIdentity: Sendable, Equatable {
    public var idNumber: String?
    public var phones: [String]
    public var address: Address?

    public init(idNumber: String?, phones: [String], address: Address?) {
        self.idNumber = idNumber
        self.phones = phones
        self.address = address
    }
}

public enum VerificationOutcome: Sendable, Equatable {
    case verified
    /// The value given is not what the archive holds: refused, and counted.
    case mismatch
    /// The archive holds nothing to check this way (no ID number, no address on file).
    case unavailable
}

public enum CustomerVerification {
    /// Compares `value` with what the archive holds, ignoring spaces, punctuation and case:
    /// - an ID number must equal the registered one;
    /// - a phone must equal one of the registered numbers (digits only, `+86` dropped);
    /// - an address must name the registered building and door (the 房号 of the seed), or be
    ///   the whole registered address.
    public static func check(_ method: VerificationMethod, value: String, against identity: RegisteredIdentity) -> VerificationOutcome {
        let given = canonical(value)
        guard !given.isEmpty else { return .mismatch }
        switch method {
        case .idNumber:
            guard let id = identity.idNumber.map(canonical), !id.isEmpty else { return .unavailable }
            return given == id ? .verified : .mismatch
        case .phone:
            let phones = identity.phones.map(Validation.normalizePhone).filter { !$0.isEmpty }
            guard !phones.isEmpty else { return .unavailable }
            return phones.contains(Validation.normalizePhone(value)) ? .verified : .mismatch
        case .address:
            guard let a = identity.address else { return .unavailable }
            if given == canonical(a.singleLine) { return .verified }
            guard let building = a.building.map(canonical), !building.isEmpty,
                  let door = a.door.map(canonical), !door.isEmpty else { return .unavailable }
            return containsNumber(given, building) && containsNumber(given, door) ? .verified : .mismatch
        }
    }

    /// `part` inside `text` where it is not the tail or head of a longer number: door 502 is
    /// in "3号楼502" but not in "3号楼1502", building 3号楼 not in "13号楼".
    static func containsNumber(_ text: String, _ part: String) -> Bool {
        let t = Array(text), p = Array(part)
        guard !p.isEmpty, p.count <= t.count else { return false }
        func digit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        for start in 0...(t.count - p.count) where Array(t[start..<(start + p.count)]) == p {
            let before = start > 0 ? t[start - 1] : nil
            let after = start + p.count < t.count ? t[start + p.count] : nil
            // Only a digit edge can run on into a longer number ("3号楼" may be followed by "502").
            let runsOnBefore = digit(p[0]) && (before.map(digit) ?? false)
            let runsOnAfter = digit(p[p.count - 1]) && (after.map(digit) ?? false)
            if !runsOnBefore && !runsOnAfter { return true }
        }
        return false
    }

    /// Letters and digits only (CJK included), upper-cased.
    static func canonical(_ s: String) -> String {
        String(s.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init)).uppercased()
    }
}

/// What becomes of a verified change request (R5.3, R5.4): an ordinary customer's data
/// changes at once; a special customer's (VIP) waits for a team lead, since their registered
/// data changes only through the procedure.
public enum ChangeRequestStatus: String, Sendable, Codable, CaseIterable {
    case applied, pending, rejected
    /// A wrong verification value: nothing changes, the attempt is kept and counted.
    case refused

    public var label: String {
        switch self {
        case .applied: "已生效"
        case .pending: "待班长审批"
        case .rejected: "已驳回"
        case .refused: "核实未通过"
        }
    }

    /// A special customer's registered data changes only with a lead's approval (R5.3): a
    /// VIP by tier, or anyone on the special-customers list (key accounts, groups).
    public static func afterVerification(tier: CustomerTier, listedSpecial: Bool = false) -> ChangeRequestStatus {
        tier == .vip || listedSpecial ? .pending : .applied
    }
}
