import Foundation
import Testing
@testable import KefuCore

@Suite struct CustomerVerificationTests {
    let identity = RegisteredIdentity(idNumber: "11010519491231002X", phones: ["13800138000", "01065123456"],
                                      address: Address(city: "北京市", district: "朝阳区", street: "建国路88号", building: "3号楼", door: "502"))

    @Test func idNumbersCompareWithoutSpacesOrCase() {
        #expect(CustomerVerification.check(.idNumber, value: "110105 19491231 002x", against: identity) == .verified)
        #expect(CustomerVerification.check(.idNumber, value: "110105194912310021", against: identity) == .mismatch)
        #expect(CustomerVerification.check(.idNumber, value: "1", against: RegisteredIdentity(idNumber: nil, phones: [], address: nil))
                == .unavailable)
    }

    @Test func anyRegisteredPhoneAsDialled() {
        #expect(CustomerVerification.check(.phone, value: "+86 138-0013-8000", against: identity) == .verified)
        #expect(CustomerVerification.check(.phone, value: "010 6512 3456", against: identity) == .verified)
        #expect(CustomerVerification.check(.phone, value: "13900139000", against: identity) == .mismatch)
    }

    @Test func theAddressByBuildingAndDoorOrWhole() {
        #expect(CustomerVerification.check(.address, value: "3号楼502室", against: identity) == .verified)
        #expect(CustomerVerification.check(.address, value: "北京市 朝阳区 建国路88号 3号楼 502", against: identity) == .verified)
        #expect(CustomerVerification.check(.address, value: "3号楼501", against: identity) == .mismatch)
        #expect(CustomerVerification.check(.address, value: "3号楼1502", against: identity) == .mismatch)
        #expect(CustomerVerification.check(.address, value: "13号楼502", against: identity) == .mismatch)
        #expect(CustomerVerification.check(.address, value: "  ", against: identity) == .mismatch)
        #expect(CustomerVerification.check(.address, value: "3号楼502",
                                           against: RegisteredIdentity(idNumber: nil, phones: [], address: Address(city: "杭州市")))
                == .unavailable)
    }

    @Test func specialCustomersWaitForALead() {
        #expect(ChangeRequestStatus.afterVerification(tier: .vip) == .pending)
        for tier in [CustomerTier.major, .normal, .small] { #expect(ChangeRequestStatus.afterVerification(tier: tier) == .applied) }
    }

    @Test func idNumbersAreMaskedToTheirEnds() {
        #expect(Masking.idNumber("11010519491231002X") == "110***********002X")
        #expect(Masking.idNumber("1234567") == "*******")
    }
}
