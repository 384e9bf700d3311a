import Testing
@testable import KefuCore

@Suite struct CSVRecordsTests {
    @Test func quotesCommasLineBreaksAndTheBOM() {
        let text = "\u{FEFF}姓名,电话\r\n\"王, 先生\",\"138\"\"1\"\r\n\n\"两行\n地址\",139\nlast,1"
        let r = CSVRecords.parse(text)
        #expect(r.map(\.line) == [1, 2, 4, 6])
        #expect(r[0].fields == ["姓名", "电话"])
        #expect(r[1].fields == ["王, 先生", "138\"1"])
        #expect(r[2].fields == ["两行\n地址", "139"])
        #expect(r[3].fields == ["last", "1"])
        #expect(r.allSatisfy { !$0.unterminated })
    }

    @Test func anUnterminatedQuoteIsMarked() {
        let r = CSVRecords.parse("a,b\n\"open,1\n2")
        #expect(r.last?.unterminated == true)
        #expect(r.last?.line == 2)
    }
}

@Suite struct CustomerCSVTests {
    @Test func columnsByEitherNameAndRowsCheckedAsTheFormChecksThem() throws {
        let text = "Name,联系电话,客户等级,楼栋,门号\n张三,+86 138-0013-8000,VIP客户,3,502\n李四,12345,normal,,\n王五,13900139000,gold,,\n,13700137000,,,\n"
        let (rows, problems) = try CustomerCSV.parse(text).get()
        #expect(rows.count == 1)
        #expect(rows[0].phone == "13800138000")
        #expect(rows[0].tier == .vip)
        #expect(rows[0].address?.door == "502")
        #expect(problems.map(\.line) == [3, 4, 5])
    }

    @Test func aHeaderWithoutNameAndPhoneRefusesTheFile() {
        guard case .failure(let p) = CustomerCSV.parse("名字,号码\n张三,13800138000\n") else { Issue.record("accepted"); return }
        #expect(p.line == 1)
        guard case .failure = CustomerCSV.parse("") else { Issue.record("accepted an empty file"); return }
    }
}
