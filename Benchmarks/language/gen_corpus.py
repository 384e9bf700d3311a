#!/usr/bin/env python3
"""Seeded synthetic Chinese call-center corpus + lexicons for the phrase-matcher benchmark.

Writes into OUT (default Benchmarks/results/language):
  corpus.txt            >= --mb MB of UTF-8 text, one utterance per line
  lexicon_default.txt   the default forbidden phrases (from --default-lexicon, else a built-in list)
  lexicon_1k.txt, lexicon_10k.txt, lexicon_50k.txt
                        default phrases + seeded random 2-6 character combinations of 2-3 corpus words
  meta.json             seed, sizes, line counts, injected-phrase counts, sha256 of the corpus

Everything is a pure function of --seed (and of the default lexicon and the opencc version
used for the traditional forms), so two runs with the same inputs write the same bytes.

Corpus shape:
  * utterances "客服：" / "客户：" (or half-width ':' / none) followed by 1-3 clauses of
    words drawn from a ~700-word call-center vocabulary with Zipf weights;
  * digits (order numbers, phones, amounts, dates) in ASCII or full-width form;
    clause punctuation full-width (，。！？、；) or half-width (,.!?;);
    a few Latin tokens (APP, VIP, ...) in ASCII, lower case or full-width;
  * ~30% of lines in traditional characters: each vocabulary word (and each injected
    phrase) is converted once with OpenCC's "s2tw" config (PyPI package `opencc`,
    character-level Taiwan standard, no phrase-level vocabulary substitution);
  * a default forbidden phrase is injected into --inject-rate of the lines (counted in meta.json).
"""
import argparse
import bisect
import hashlib
import itertools
import json
import os
import random
import sys
import time

# ---------------------------------------------------------------------------------------------
# Vocabulary: words typical of call-center speech (simplified). Order = rough frequency rank.
VOCAB_TEXT = """
您好 你好 请问 我 您 我们 你 他 她 这个 那个 是 的 了 吗 呢 吧 啊 哦 嗯 好的 可以 没有 有 就是 然后
一下 一个 现在 已经 还是 还 也 都 就 在 要 会 能 想 说 看 给 帮 把 被 让 跟 和 对 不 没 再 又 很 太 非常
订单 订单号 快递 物流 包裹 商品 东西 衣服 鞋子 手机 电脑 耳机 充电器 数据线 屏幕 电池 外包装 发票 收据
退款 退货 换货 售后 维修 保修 质保 投诉 建议 反馈 问题 情况 原因 结果 处理 解决 核实 确认 查询 登记 记录
客服 人工 专员 主管 经理 同事 师傅 快递员 工作人员 技术人员 售后部门 财务 仓库 门店 网点 总部 后台 系统
账号 密码 验证码 手机号 地址 姓名 身份证 银行卡 支付宝 微信 余额 积分 优惠券 红包 会员 套餐 流量 话费 宽带
信号 网络 路由器 光猫 电视 机顶盒 空调 冰箱 洗衣机 热水器 燃气灶 油烟机 净水器 扫地机 电饭煲 微波炉
今天 明天 昨天 后天 上午 下午 晚上 中午 早上 周末 工作日 节假日 马上 尽快 稍后 一会儿 刚才 之前 之后 以后
小时 分钟 天 星期 个月 年 时间 日期 期限 时效 进度 状态 流程 步骤 规则 政策 规定 标准 条件 要求 范围
价格 费用 运费 差价 赔偿 补偿 赔付 金额 钱 元 块 折扣 活动 促销 满减 返现 优惠 价保 分期 免息 押金
麻烦 稍等 抱歉 不好意思 对不起 谢谢 感谢 辛苦 理解 支持 配合 耐心 放心 别担心 请放心 没关系 不客气
收到 发货 签收 派送 揽收 配送 运输 中转 滞留 丢件 破损 少件 错发 漏发 延迟 超时 拒收 退回 寄回 上门 取件
申请 提交 审核 通过 驳回 取消 修改 更换 补发 重新 恢复 冻结 解冻 绑定 解绑 注册 登录 注销 开通 关闭 升级
质量 颜色 尺码 型号 规格 数量 重量 大小 款式 材质 功能 性能 效果 体验 服务 态度 速度 效率 满意 不满意
故障 坏了 不能用 打不开 开不了机 死机 卡顿 闪退 黑屏 发热 漏水 异响 没反应 充不进电 连不上 断网 掉线
客户 顾客 用户 先生 女士 老师 您这边 我这边 这边 那边 这里 那里 哪里 什么 怎么 为什么 多少 几天 多久
可能 应该 一定 肯定 需要 必须 希望 建议您 麻烦您 请您 帮您 为您 给您 跟您 和您 告诉您 通知您 联系您
电话 短信 邮件 回电 来电 致电 拨打 接通 转接 挂断 留言 回复 答复 说明 解释 告知 提醒 提示 通知 公告
页面 订单详情 个人中心 我的订单 购物车 收藏夹 客户端 小程序 官网 链接 截图 照片 视频 凭证 证明 编号
北京 上海 广州 深圳 杭州 成都 武汉 南京 西安 重庆 天津 苏州 长沙 郑州 青岛 沈阳 大连 厦门 福州 济南
仓储 调度 配件 零件 主板 摄像头 喇叭 麦克风 按键 接口 插头 遥控器 说明书 保修卡 合格证 吊牌 包装盒
正常 异常 成功 失败 完成 未完成 已发货 未发货 待付款 已付款 待收货 已签收 处理中 已退款 已关闭 已取消
一直 总是 从来 经常 偶尔 每次 第一次 第二次 又一次 好几次 三次 两天 三天 一周 半个月 一个月 很久
知道 了解 明白 清楚 记得 发现 注意 看到 听到 觉得 认为 感觉 担心 着急 生气 失望 高兴 满意度 评价 好评 差评
第一 第二 首先 其次 另外 而且 但是 不过 所以 因为 如果 虽然 只是 或者 以及 并且 即使 除非 只要 只有
帮忙 处理一下 核实一下 查一下 看一下 确认一下 登记一下 反馈一下 申请一下 操作一下 重启一下 试一下
工单 工单号 回访 跟进 升级处理 加急 优先 催促 催单 催件 投诉单 服务单 预约 改约 上门时间 安装 调试
实名认证 人脸识别 风控 安全 隐私 授权 协议 条款 合同 发票抬头 税号 开票 电子发票 纸质发票 邮寄
退款申请 退货地址 退货单号 原路返回 到账 入账 扣款 重复扣款 自动续费 免密支付 账单 明细 流水 对账
小时内 工作日内 个工作日 三到五个工作日 七天无理由 十五天 三十天 一年 两年 终身 以内 以上 以下 左右
"""

LATIN = ["APP", "VIP", "WiFi", "ID", "PDF", "USB", "OK", "SIM"]

# Default forbidden phrases used only when --default-lexicon is not given (the benchmark's
# run.sh passes the lexicon dumped from Kefu's Lexicon.shippedDefault).
BUILTIN_FORBIDDEN = """
不知道 不清楚 不归我管 跟我没关系 这不是我们的问题 你自己看 你自己去查 你听不懂吗 我已经说过了 没办法
爱找谁找谁 投诉也没用 你去投诉吧 不可能 这是规定 找别人去 我也没办法 你怎么这么多问题 下班了
不是我负责的 你有病吧 闭嘴 神经病 骗子 你懂不懂 系统问题我管不了 等着吧 没空 烦不烦 你爱买不买
我说了算 别问我 不能退 没有这回事 随便你 你到底想怎样 听不懂人话 少废话 不想听
""".split()

FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def zipf_cum_weights(n, s=1.0):
    acc, out = 0.0, []
    for r in range(1, n + 1):
        acc += 1.0 / (r ** s)
        out.append(acc)
    return out


def load_converter():
    try:
        import opencc  # PyPI "opencc" (official OpenCC bindings)
    except ImportError:
        sys.exit("gen_corpus.py: needs the PyPI package 'opencc' (pip install opencc)")
    try:
        conv = opencc.OpenCC("s2tw")
    except Exception:
        conv = opencc.OpenCC("s2tw.json")
    return conv.convert


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "results", "language"))
    ap.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (10^6 bytes), default 50")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--traditional", type=float, default=0.30, help="share of lines in traditional characters")
    ap.add_argument("--inject-rate", type=float, default=0.02, help="share of lines given a default forbidden phrase")
    ap.add_argument("--default-lexicon", help="file with the default forbidden phrases, one per line")
    ap.add_argument("--sizes", default="1000,10000,50000")
    args = ap.parse_args()

    t0 = time.time()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    to_trad = load_converter()

    vocab = list(dict.fromkeys(VOCAB_TEXT.split()))  # dedupe, keep order
    if args.default_lexicon:
        with open(args.default_lexicon, encoding="utf-8") as f:
            forbidden = [l.strip() for l in f if l.strip()]
    else:
        forbidden = BUILTIN_FORBIDDEN
    forbidden = list(dict.fromkeys(forbidden))
    if not forbidden:
        sys.exit("gen_corpus.py: empty default lexicon")

    # Pre-encoded chunks: every word in simplified and traditional form, as UTF-8 bytes.
    v_simp = [w.encode() for w in vocab]
    v_trad = [to_trad(w).encode() for w in vocab]
    f_simp = [p.encode() for p in forbidden]
    f_trad = [to_trad(p).encode() for p in forbidden]
    n_changed = sum(a != b for a, b in zip(v_simp, v_trad))

    # Latin tokens: ASCII, lower case, full-width.
    latin_forms = [[t.encode(), t.lower().encode(), t.translate(FULLWIDTH).encode()] for t in LATIN]

    punct_full = [p.encode() for p in "，，，。、；！？"]
    punct_half = [p.encode() for p in ",,,.;!?"]
    end_full = [p.encode() for p in "。。。！？～"]
    end_half = [p.encode() for p in "...!?"]
    speakers = [s.encode() for s in ("客服：", "客户：", "客服:", "客户:", "坐席：", "用户：", "")]
    speakers_trad = [to_trad(s.decode()).encode() for s in speakers]

    digits_full = str.maketrans("0123456789.-:", "０１２３４５６７８９．－：")

    def number_chunk():
        kind = rng.random()
        if kind < 0.35:
            s = "%d" % rng.randrange(10 ** 11, 10 ** 16)          # order number
        elif kind < 0.6:
            s = "1%d%09d" % (rng.choice((3, 5, 7, 8, 9)), rng.randrange(10 ** 9))  # phone
        elif kind < 0.85:
            s = "%d.%02d" % (rng.randrange(1, 5000), rng.randrange(100))  # amount
        else:
            s = "%d-%02d-%02d" % (rng.choice((2023, 2024, 2025)), rng.randrange(1, 13), rng.randrange(1, 29))
        if rng.random() < 0.4:
            s = s.translate(digits_full)
        return s.encode()

    V = len(vocab)
    cum = zipf_cum_weights(V, 0.9)
    target = int(args.mb * 1_000_000)
    # Draw word indices in big batches (fast), then assemble lines from pre-encoded chunks.
    batch = 1 << 20
    pool = []
    pos = 0
    out_path = os.path.join(args.out, "corpus.txt")
    total = 0
    lines = trad_lines = injected = injected_trad = 0
    inj_per_phrase = [0] * len(forbidden)
    h = hashlib.sha256()
    buf = []
    buf_bytes = 0
    rnd = rng.random
    randrange = rng.randrange
    with open(out_path, "wb") as out:
        while total < target:
            trad = rnd() < args.traditional
            words = v_trad if trad else v_simp
            parts = [(speakers_trad if trad else speakers)[randrange(len(speakers))]]
            half = rnd() < 0.3  # this line's punctuation style (some lines mix both)
            nclauses = 1 + randrange(3)
            inject_clause = randrange(nclauses) if rnd() < args.inject_rate else -1
            for c in range(nclauses):
                n = 3 + randrange(8)
                if pos + n > len(pool):
                    pool = rng.choices(range(V), cum_weights=cum, k=batch)
                    pos = 0
                parts.extend(words[i] for i in pool[pos:pos + n])
                pos += n
                r = rnd()
                if r < 0.12:
                    parts.insert(len(parts) - randrange(1, n), number_chunk())
                elif r < 0.16:
                    parts.insert(len(parts) - randrange(1, n), latin_forms[randrange(len(LATIN))][randrange(3)])
                if c == inject_clause:
                    k = randrange(len(forbidden))
                    parts.insert(len(parts) - randrange(0, n), (f_trad if trad else f_simp)[k])
                    injected += 1
                    injected_trad += trad
                    inj_per_phrase[k] += 1
                if c + 1 < nclauses:
                    mixed = half if rnd() < 0.9 else not half
                    p = (punct_half if mixed else punct_full)
                    parts.append(p[randrange(len(p))])
                    if mixed and rnd() < 0.5:
                        parts.append(b" ")
            e = end_half if half else end_full
            parts.append(e[randrange(len(e))])
            parts.append(b"\n")
            line = b"".join(parts)
            buf.append(line)
            buf_bytes += len(line)
            total += len(line)
            lines += 1
            trad_lines += trad
            if buf_bytes >= 1 << 22:
                chunk = b"".join(buf)
                out.write(chunk)
                h.update(chunk)
                buf, buf_bytes = [], 0
        chunk = b"".join(buf)
        out.write(chunk)
        h.update(chunk)

    # Lexicons: default phrases + seeded 2-3 word combinations (2-6 characters), uniform over
    # the vocabulary so the expected number of hits per phrase stays moderate.
    with open(os.path.join(args.out, "lexicon_default.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(forbidden) + "\n")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    lrng = random.Random(args.seed + 1)
    seen = set(forbidden)
    combos = []
    need = max(sizes) - len(forbidden)
    attempts = 0
    while len(combos) < need:
        attempts += 1
        if attempts > need * 200:
            sys.exit("gen_corpus.py: could not draw enough distinct combinations")
        k = 2 if lrng.random() < 0.7 else 3
        p = "".join(vocab[lrng.randrange(V)] for _ in range(k))
        if 2 <= len(p) <= 6 and p not in seen:
            seen.add(p)
            combos.append(p)
    names = {}
    for n in sizes:
        label = "%dk" % (n // 1000) if n % 1000 == 0 else str(n)
        path = os.path.join(args.out, "lexicon_%s.txt" % label)
        phrases = forbidden + combos[: max(0, n - len(forbidden))]
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(phrases) + "\n")
        names[label] = {"file": os.path.basename(path), "phrases": len(phrases)}

    meta = {
        "seed": args.seed,
        "bytes": total,
        "lines": lines,
        "traditionalLines": trad_lines,
        "traditionalShare": round(trad_lines / lines, 4),
        "vocabulary": V,
        "vocabularyWordsChangedByS2TW": n_changed,
        "defaultPhrases": len(forbidden),
        "defaultLexiconSource": args.default_lexicon or "built-in list in gen_corpus.py",
        "injectRate": args.inject_rate,
        "injected": injected,
        "injectedTraditional": injected_trad,
        "lexicons": names,
        "sha256": h.hexdigest(),
        "seconds": round(time.time() - t0, 2),
    }
    with open(os.path.join(args.out, "meta.json"), "w") as f:
        json.dump(meta, f, ensure_ascii=False, indent=1)
    print(json.dumps(meta, ensure_ascii=False))


if __name__ == "__main__":
    main()
