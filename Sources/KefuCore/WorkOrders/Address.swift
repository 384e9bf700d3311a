/// A delivery or visit address broken into the parts R1.7 lists, so a field technician
/// can find the door without calling back.
public struct Address: Sendable, Codable, Equatable {
    public var city: String?
    public var district: String?
    public var town: String?
    public var street: String?
    public var estate: String?
    public var building: String?
    public var unit: String?
    public var floor: String?
    public var door: String?
    public var landmark: String?

    public init(city: String? = nil, district: String? = nil, town: String? = nil, street: String? = nil,
                estate: String? = nil, building: String? = nil, unit: String? = nil, floor: String? = nil,
                door: String? = nil, landmark: String? = nil) {
        self.city = city; self.district = district; self.town = town; self.street = street
        self.estate = estate; self.building = building; self.unit = unit; self.floor = floor
        self.door = door; self.landmark = landmark
    }

    /// Parts a visit cannot do without: (field, label, value). Town, estate, unit, floor and
    /// landmark are asked for but not every address has them (a detached house has no unit).
    private var requiredParts: [(String, String, String?)] {
        [("city", "市", city), ("district", "区/县", district), ("street", "街道/路", street),
         ("building", "楼栋/门牌", building), ("door", "门号/房号", door)]
    }

    /// The missing required parts, as (field, label) pairs; empty means complete.
    public func missingForVisit() -> [(field: String, label: String)] {
        requiredParts.compactMap { field, label, value in
            (value ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? (field, label) : nil
        }
    }

    /// One line, in Chinese address order, for lists and the technician's slip.
    public var singleLine: String {
        func part(_ v: String?, _ suffix: String = "") -> String {
            let t = (v ?? "").trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? "" : t + suffix
        }
        var s = part(city) + part(district) + part(town) + part(street) + part(estate)
        s += part(building, "栋") + part(unit, "单元") + part(floor, "层") + part(door, "室")
        let mark = part(landmark)
        return mark.isEmpty ? s : s + "（\(mark)）"
    }

    /// Longest accepted part, in Unicode scalars: the unit JSON Schema's `maxLength` counts,
    /// so the OpenAPI document's 100 and the server's agree on every string.
    public static let maxPartLength = 100

    /// Whether any part is longer than `maxPartLength`.
    public var hasOverlongPart: Bool {
        [city, district, town, street, estate, building, unit, floor, door, landmark]
            .contains { ($0?.unicodeScalars.count ?? 0) > Self.maxPartLength }
    }

    public var isEmpty: Bool {
        [city, district, town, street, estate, building, unit, floor, door, landmark]
            .allSatisfy { ($0 ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// Whether an order of this type/channel sends someone to the customer (R1.7).
    public static func visitNeeded(type: WorkOrderType, channel: Channel, requested: Bool) -> Bool {
        requested || channel == .field || type == .fault
    }
}

import Foundation
