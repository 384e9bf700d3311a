import Foundation

/// The shipped default lexicon (seed 000 规范用语 / 服务忌语, in simplified
/// Chinese). Kept as JSON — the same format admins upload — so the default is
/// just the first "version" of an editable file rather than special code.
///
/// Notes on the data:
/// - Alternatives the seed gives in parentheses are separate entries; the
///   seed's sentences stay literal, one entry each.
/// - After them, per category, patterns (`LexiconPattern`) for the colloquial
///   forms agents actually use (这个不归我们管, 不关我的事, 跟我没关系 …).
///   They are kept specific (a pronoun or a complete clause each) so polite
///   speech does not trigger them; short ones are `"whole": true`.
/// - 我忙着呢 is listed by the seed under both 推卸语 and 烦躁语; it is kept
///   once, under 推卸语 (its first listing), so one utterance is not
///   penalised twice.
/// - Short generic phrases carry `"whole": true` (see `ForbiddenPhrase.whole`).
enum DefaultLexicon {
    static let decoded: Lexicon = {
        do {
            return try JSONDecoder().decode(Lexicon.self, from: Data(json.utf8))
        } catch {
            preconditionFailure("DefaultLexicon.json is invalid: \(error)")
        }
    }()

    static let json = #"""
{
  "version": 1,
  "forbidden": [
    {"rule": "forbidden.sarcasm", "phrase": "你有钱你找贵的充啊！", "suggestion": "我们有多种充值方式，我来为您介绍一下。"},
    {"rule": "forbidden.sarcasm", "phrase": "你富着呢你还在乎这点儿损失？", "suggestion": "很抱歉给您带来损失，我马上帮您处理。"},
    {"rule": "forbidden.sarcasm", "phrase": "[有钱|不差钱](你)(就)[去|找]贵的", "suggestion": "我们有多种充值方式，我来为您介绍一下。"},
    {"rule": "forbidden.sarcasm", "phrase": "这(么)点(儿)钱(你)也(要)[在乎|计较]", "suggestion": "很抱歉给您带来损失，我马上帮您处理。"},
    {"rule": "forbidden.sarcasm", "phrase": "你[以为|当]你是谁(啊)", "suggestion": "请您详细说明一下情况，我会尽力为您解决的。"},

    {"rule": "forbidden.command", "phrase": "声音大点。", "whole": true, "suggestion": "很抱歉，请您重复一遍，好吗？"},
    {"rule": "forbidden.command", "phrase": "大点声，我听不到。", "suggestion": "很抱歉，请您重复一遍，好吗？"},
    {"rule": "forbidden.command", "phrase": "你在讲什么，我听不清楚。", "suggestion": "很抱歉，您的声音时续时断，请您再重复一下。"},
    {"rule": "forbidden.command", "phrase": "讲呀！我听着呢。", "suggestion": "请问有什么可以帮您？"},
    {"rule": "forbidden.command", "phrase": "快一点，我还要接其他客户电话。", "suggestion": "请问还有什么可以帮您？"},
    {"rule": "forbidden.command", "phrase": "问你叫什么名字？", "suggestion": "请问您怎么称呼？"},
    {"rule": "forbidden.command", "phrase": "什么呀。", "whole": true, "suggestion": "很抱歉，请您重复一遍，好吗？"},
    {"rule": "forbidden.command", "phrase": "你先听我说。", "suggestion": "请您先听我解释一下，好吗？"},
    {"rule": "forbidden.command", "phrase": "你到底听不听我说。", "suggestion": "请您先听我解释一下，好吗？"},
    {"rule": "forbidden.command", "phrase": "你(说话|讲话)大(一)点声", "suggestion": "很抱歉，请您重复一遍，好吗？"},
    {"rule": "forbidden.command", "phrase": "快(一)点[说|讲]", "whole": true, "suggestion": "请问有什么可以帮您？"},
    {"rule": "forbidden.command", "phrase": "(你)[说|讲]重点", "whole": true, "suggestion": "请问您具体想咨询哪方面的问题？"},
    {"rule": "forbidden.command", "phrase": "你等着(吧)", "whole": true, "suggestion": "请您稍等，我马上为您处理。"},

    {"rule": "forbidden.blame", "phrase": "怎么搞的，半天才讲话。", "suggestion": "您好，请问有什么可以帮您？"},
    {"rule": "forbidden.blame", "phrase": "你不能讲普通话吗？", "suggestion": "对不起，请您讲普通话，好吗？谢谢！"},
    {"rule": "forbidden.blame", "phrase": "你不能慢点讲吗？", "suggestion": "请您讲慢一点，好吗？谢谢！"},
    {"rule": "forbidden.blame", "phrase": "你懂不懂，你能不能理解。", "suggestion": "可能我没有解释清楚，我再为您说明一下。"},
    {"rule": "forbidden.blame", "phrase": "你怎么还不明白。", "suggestion": "可能我没有解释清楚，我再为您说明一下。"},
    {"rule": "forbidden.blame", "phrase": "你凭什么这么说。", "suggestion": "请您详细说明一下情况，我会尽力为您解决的。"},
    {"rule": "forbidden.blame", "phrase": "你怎么(还|老是|总是)[听|搞]不[懂|明白]", "suggestion": "可能我没有解释清楚，我再为您说明一下。"},
    {"rule": "forbidden.blame", "phrase": "你怎么[回事|搞的]", "suggestion": "请您详细说明一下情况，我会尽力为您解决的。"},
    {"rule": "forbidden.blame", "phrase": "是你自己[弄|搞|操作]错(了)(的)", "suggestion": "请您稍等，我帮您核实一下。"},
    {"rule": "forbidden.blame", "phrase": "你(自己)不会[看|查]吗", "suggestion": "我来为您说明一下查询方法。"},

    {"rule": "forbidden.complaint", "phrase": "真讨厌。", "whole": true, "suggestion": "很抱歉给您带来不便，我马上为您处理。"},
    {"rule": "forbidden.complaint", "phrase": "真罗嗦。", "whole": true, "suggestion": "好的，我明白了，我马上为您处理。"},
    {"rule": "forbidden.complaint", "phrase": "真啰嗦。", "whole": true, "suggestion": "好的，我明白了，我马上为您处理。"},
    {"rule": "forbidden.complaint", "phrase": "真烦人！", "whole": true, "suggestion": "很抱歉给您带来不便，我马上为您处理。"},
    {"rule": "forbidden.complaint", "phrase": "真糟糕。", "whole": true, "suggestion": "很抱歉给您带来不便，我马上为您处理。"},
    {"rule": "forbidden.complaint", "phrase": "我不是已经说了吗。", "suggestion": "可能我没有解释清楚，我再为您说明一下。"},
    {"rule": "forbidden.complaint", "phrase": "我不是已经告诉你了吗。", "suggestion": "可能我没有解释清楚，我再为您说明一下。"},
    {"rule": "forbidden.complaint", "phrase": "刚才不是讲过了吗？", "suggestion": "可能我没有解释清楚，我再为您说明一下。"},
    {"rule": "forbidden.complaint", "phrase": "刚才不是给你查过了吗？", "suggestion": "请您稍等，我再帮您核实一下。"},
    {"rule": "forbidden.complaint", "phrase": "你怎么不早说。", "suggestion": "谢谢您的提醒，我马上为您处理。"},
    {"rule": "forbidden.complaint", "phrase": "真(是)[麻烦|烦]", "whole": true, "suggestion": "很抱歉给您带来不便，我马上为您处理。"},
    {"rule": "forbidden.complaint", "phrase": "(真)烦死(我)了", "whole": true, "suggestion": "很抱歉给您带来不便，我马上为您处理。"},
    {"rule": "forbidden.complaint", "phrase": "我(都)[跟|和]你说(了)[几|多少]遍了", "suggestion": "可能我没有解释清楚，我再为您说明一下。"},
    {"rule": "forbidden.complaint", "phrase": "你怎么又[来|打来]了", "suggestion": "您好，请问有什么可以帮您？"},

    {"rule": "forbidden.lecturing", "phrase": "什么乱七八糟的，你以后想清楚再问！", "suggestion": "请问您具体想咨询哪方面的问题？"},
    {"rule": "forbidden.lecturing", "phrase": "你会不会讲话。", "suggestion": "请您慢慢讲，我在认真听。"},
    {"rule": "forbidden.lecturing", "phrase": "急什么？", "whole": true, "suggestion": "请您不要着急，我马上为您处理。"},
    {"rule": "forbidden.lecturing", "phrase": "你能搞清楚么？", "suggestion": "请您再确认一下，好吗？"},
    {"rule": "forbidden.lecturing", "phrase": "你(先)想清楚(了)再[问|说|打(电话)(过来)]", "suggestion": "请问您具体想咨询哪方面的问题？"},
    {"rule": "forbidden.lecturing", "phrase": "(你)连这(个)都不[懂|知道]", "suggestion": "我来为您详细说明一下。"},
    {"rule": "forbidden.lecturing", "phrase": "你(到底)[要|想]怎么样", "suggestion": "请问您希望我们怎样为您处理？"},
    {"rule": "forbidden.lecturing", "phrase": "[说|讲](了)你也不[懂|明白]", "suggestion": "我来为您详细说明一下。"},

    {"rule": "forbidden.shirking", "phrase": "我不知道。", "whole": true, "suggestion": "请您稍等，我帮您核实一下。"},
    {"rule": "forbidden.shirking", "phrase": "我忙着呢。", "whole": true, "suggestion": "请您稍等，我马上为您处理。"},
    {"rule": "forbidden.shirking", "phrase": "那不是我的工作。", "suggestion": "我帮您转给相关部门处理，并跟进处理结果。"},
    {"rule": "forbidden.shirking", "phrase": "机器有故障，我能有什么办法。", "suggestion": "很抱歉，系统暂时有故障，我已记录下来，会尽快给您回复。"},
    {"rule": "forbidden.shirking", "phrase": "系统有故障，我能有什么办法。", "suggestion": "很抱歉，系统暂时有故障，我已记录下来，会尽快给您回复。"},
    {"rule": "forbidden.shirking", "phrase": "这是其它部门的问题，不关我的事。", "suggestion": "我帮您转给相关部门处理，并跟进处理结果。"},
    {"rule": "forbidden.shirking", "phrase": "你都不知道，我怎么知道。", "suggestion": "请您稍等，我帮您核实一下。"},
    {"rule": "forbidden.shirking", "phrase": "你问我，我问谁？", "suggestion": "请您稍等，我帮您核实一下。"},
    {"rule": "forbidden.shirking", "phrase": "我也没用过，不知道怎么用。", "suggestion": "请您稍等，我帮您查询一下使用方法。"},
    {"rule": "forbidden.shirking", "phrase": "这个问题不是我处理的，我能有什么办法。", "suggestion": "我先帮您查询一下处理进度。"},
    {"rule": "forbidden.shirking", "phrase": "刚才不是我接的电话，我不知道。", "suggestion": "请您稍等，我先帮您核实一下。"},
    {"rule": "forbidden.shirking", "phrase": "你自己去问问吧。", "suggestion": "我帮您联系相关部门，并尽快给您回复。"},
    {"rule": "forbidden.shirking", "phrase": "您跟我说这么多是没有用的。", "suggestion": "您的问题我已经记录下来了，会尽快为您处理。"},
    {"rule": "forbidden.shirking", "phrase": "那不是我的错！", "suggestion": "很抱歉给您带来不便，我马上为您处理。"},
    {"rule": "forbidden.shirking", "phrase": "我解决不了，愿意找谁找谁去！", "suggestion": "您的问题我会反映给相关部门，尽快给您回复。"},
    {"rule": "forbidden.shirking", "phrase": "有意见，找班长去。", "suggestion": "您的建议我们会尽快反映给相关部门认真研究，十分感谢您对我们的支持！"},
    {"rule": "forbidden.shirking", "phrase": "有意见，找领导去。", "suggestion": "您的建议我们会尽快反映给相关部门认真研究，十分感谢您对我们的支持！"},
    {"rule": "forbidden.shirking", "phrase": "(这个|这)不归[我们|我]管(的)", "suggestion": "我帮您转给相关部门处理，并跟进处理结果。"},
    {"rule": "forbidden.shirking", "phrase": "不关我(们)的事", "suggestion": "我帮您转给相关部门处理，并跟进处理结果。"},
    {"rule": "forbidden.shirking", "phrase": "这(个)不是我(们)的事(情|儿)", "suggestion": "我帮您转给相关部门处理，并跟进处理结果。"},
    {"rule": "forbidden.shirking", "phrase": "[跟|和]我(们)没(有)关系", "suggestion": "我帮您转给相关部门处理，并跟进处理结果。"},
    {"rule": "forbidden.shirking", "phrase": "(你)[找|问]别人去(吧)", "suggestion": "我帮您联系相关部门，并尽快给您回复。"},
    {"rule": "forbidden.shirking", "phrase": "[那|这](个)不是我(们)[负责|管]的", "suggestion": "我帮您转给相关部门处理，并跟进处理结果。"},
    {"rule": "forbidden.shirking", "phrase": "这(个)我(们)(也)管不了", "suggestion": "您的问题我会反映给相关部门，尽快给您回复。"},
    {"rule": "forbidden.shirking", "phrase": "你自己(去)[查|看|问](一下)吧", "suggestion": "我帮您查询一下，请您稍等。"},

    {"rule": "forbidden.impatience", "phrase": "知道了，知道了，不要再讲了。", "suggestion": "好的，我明白了，我马上为您处理。"},
    {"rule": "forbidden.impatience", "phrase": "好了，好了，不是正在给你查吗", "suggestion": "请您稍等，正在为您查询。"},
    {"rule": "forbidden.impatience", "phrase": "你催什么，我都不急，你急什么？", "suggestion": "请您不要着急，我正在为您处理。"},
    {"rule": "forbidden.impatience", "phrase": "你不放心，等会儿再打过来就是了。", "suggestion": "请您放心，我们会尽快为您处理。"},
    {"rule": "forbidden.impatience", "phrase": "你不放心，我也没办法。", "suggestion": "请您放心，我们会尽快为您处理。"},
    {"rule": "forbidden.impatience", "phrase": "我就这态度！", "suggestion": "很抱歉给您带来不好的感受，希望您能谅解。"},
    {"rule": "forbidden.impatience", "phrase": "有能耐你告去，随便告哪都不怕。", "suggestion": "很抱歉给您带来不便，您的意见我会记录下来并尽快处理。"},
    {"rule": "forbidden.impatience", "phrase": "(你)别[说|讲|吵|催]了", "whole": true, "suggestion": "好的，我明白了，我马上为您处理。"},
    {"rule": "forbidden.impatience", "phrase": "(你)催什么(催)", "whole": true, "suggestion": "请您不要着急，我正在为您处理。"},
    {"rule": "forbidden.impatience", "phrase": "(你)爱[投诉|告]就[投诉|告](去)(吧)", "suggestion": "很抱歉给您带来不便，您的意见我会记录下来并尽快处理。"},
    {"rule": "forbidden.impatience", "phrase": "有[本事|能耐]你(就)去[告|投诉](吧)", "suggestion": "很抱歉给您带来不便，您的意见我会记录下来并尽快处理。"},
    {"rule": "forbidden.impatience", "phrase": "你(还)烦不烦", "suggestion": "请您不要着急，我正在为您处理。"},

    {"rule": "forbidden.casual_agreement", "phrase": "你是对的，这种产品很差劲。", "suggestion": "感谢您的反馈，我们会不断改进产品和服务。"},
    {"rule": "forbidden.casual_agreement", "phrase": "没错，我们公司确实很差。", "suggestion": "感谢您的反馈，我们会不断改进产品和服务。"},
    {"rule": "forbidden.casual_agreement", "phrase": "是啊，我们公司是不好。", "suggestion": "感谢您的反馈，我来为您介绍一下我们的优势。"},
    {"rule": "forbidden.casual_agreement", "phrase": "我们(公司)[确实|就是|是][挺|很|太][差|烂]", "suggestion": "感谢您的反馈，我们会不断改进产品和服务。"},
    {"rule": "forbidden.casual_agreement", "phrase": "这(个)产品[确实|是][挺|很|太][差|烂]", "suggestion": "感谢您的反馈，我们会不断改进产品和服务。"},

    {"rule": "forbidden.competitor", "phrase": "你想用好的去营业厅充", "suggestion": "我来为您介绍一下我们的优势和优惠活动。"},
    {"rule": "forbidden.competitor", "phrase": "你去用别家的吧", "suggestion": "我来为您介绍一下我们的优势和优惠活动。"},
    {"rule": "forbidden.competitor", "phrase": "别家更好", "suggestion": "我来为您介绍一下我们的优势和优惠活动。"},
    {"rule": "forbidden.competitor", "phrase": "你换别家吧", "suggestion": "我来为您介绍一下我们的优势和优惠活动。"},
    {"rule": "forbidden.competitor", "phrase": "你去别家买吧", "suggestion": "我来为您介绍一下我们的优势和优惠活动。"},
    {"rule": "forbidden.competitor", "phrase": "别家比我们好", "suggestion": "我来为您介绍一下我们的优势和优惠活动。"},
    {"rule": "forbidden.competitor", "phrase": "[您|你]可以[换|去用][别家|其他家|别的公司|其他公司](的)", "suggestion": "我来为您介绍一下我们的优势和优惠活动。"},
    {"rule": "forbidden.competitor", "phrase": "别家(的)比我们[便宜|划算]", "suggestion": "我来为您介绍一下我们的优势和优惠活动。"},
    {"rule": "forbidden.competitor", "phrase": "你用其他公司的吧", "suggestion": "我来为您介绍一下我们的优势和优惠活动。"}
  ],
  "standard": [
    {"kind": "opening", "text": "您好，{company}，很高兴为您服务！"},
    {"kind": "openingNewYear", "text": "新年好，{company}，很高兴为您服务！"},
    {"kind": "openingFestival", "text": "节日好，{company}，很高兴为您服务！"},
    {"kind": "inquiry", "text": "请问还有什么可以帮您？"},
    {"kind": "closing", "text": "请不要挂机，稍后对我的服务进行评价，谢谢，再见！"},
    {"kind": "closingNewYear", "text": "请不要挂机，稍后对我的服务进行评价，祝您新年愉快，再见！"},
    {"kind": "closingNewYear", "text": "请不要挂机，稍后对我的服务进行评价，祝您春节愉快，再见！"},
    {"kind": "closingFestival", "text": "请不要挂机，稍后对我的服务进行评价，祝您节日愉快，再见！"},
    {"kind": "holdNotice", "text": "请您稍等，不要挂机。"},
    {"kind": "holdNotice", "text": "请您稍等，正在为您查询。"},
    {"kind": "thanksForWaiting", "text": "感谢您的耐心等待。"},
    {"kind": "waitReminder", "text": "很抱歉让您久等了，正在为您处理，请您再稍等一下。"},
    {"kind": "thanksReply", "text": "不客气。"},
    {"kind": "thanksReply", "text": "这是我应该做的。"},
    {"kind": "thanksReply", "text": "不客气，谢谢您的夸奖，这是我应该做的。"},
    {"kind": "verify", "text": "我跟您核对一下，您提供的号码是……，对吗？"},
    {"kind": "verify", "text": "我先帮您核实一下，请您再次提供一下订单号好吗？"},
    {"kind": "workId", "text": "我是{workId}号，如服务不周请您谅解。"},
    {"kind": "civilityWarning", "text": "为了和您保持良好的沟通，希望您使用文明用语。"},
    {"kind": "civilityWarning", "text": "如您再次使用不文明语言，将结束本次通话！"},
    {"kind": "retention", "text": "请问您是什么问题呢，是否可以简单描述一下，我会尽力为您解决的。"},
    {"kind": "repeatRequest", "text": "很抱歉，请您重复一遍，好吗？"},
    {"kind": "badLine", "text": "很抱歉，您的声音时续时断，请您再重复一下。"},
    {"kind": "badLine", "text": "很抱歉，可能电话信号不是很好，我确实无法听清您讲话的内容，请您稍后再次致电，好吗？感谢您的支持，再见！"},
    {"kind": "mandarin", "text": "对不起，请您讲普通话，好吗？谢谢！"},
    {"kind": "suggestionReply", "text": "您的建议我们会尽快反映给相关部门认真研究，十分感谢您对我们的支持！"},
    {"kind": "apology", "text": "首先我代表{company}向您道歉，希望您能谅解，对于您反映的问题我会记录下来，在今后的工作中加以改进。"},
    {"kind": "chatGreeting", "text": "您好，欢迎咨询{company}，很高兴为您服务！请问有什么可以帮您？"}
  ]
}
"""#
}
