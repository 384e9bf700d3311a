import Foundation
import Testing
@testable import KefuCore

@Suite struct OrderNumberSearchTests {
    @Test(arguments: [("GD20261123-0001", "GD20261123-0001"), ("gd20261123", "GD20261123"), ("GD202611", "GD202611"),
                      ("GD20261123-", "GD20261123-"), (" gd20261123-00 ", "GD20261123-00")])
    func aNumberOrItsBeginningIsARange(_ q: String, _ prefix: String) {
        #expect(OrderNumber.searchPrefix(q) == prefix)
    }

    @Test(arguments: ["GD20", "宽带", "20261123", "GD2026x", "GD20261123-00001", "GD20261123-0a", "GD20261123 0001"])
    func anythingElseIsAWordSearch(_ q: String) {
        #expect(OrderNumber.searchPrefix(q) == nil)
    }
}
