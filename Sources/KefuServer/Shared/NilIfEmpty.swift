/// Leaf treats every array that is present as true, so `#if(rows):` would show an empty
/// table instead of the "nothing here" line. Lists the templates test with `#if` are
/// encoded as nil when empty.
@propertyWrapper
struct NilIfEmpty<Element: Encodable>: Encodable {
    var wrappedValue: [Element]

    init(wrappedValue: [Element]) { self.wrappedValue = wrappedValue }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if wrappedValue.isEmpty { try c.encodeNil() } else { try c.encode(wrappedValue) }
    }
}
