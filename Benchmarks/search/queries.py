#!/usr/bin/env python3
"""The query mix of the search benchmark, URL-encoded, one per line (stdout).

What people type into the header box of a service center: common two-character words
(宽带 is in a large share of the orders), longer phrases, surnames and full names, parts of
phone numbers and account numbers, order numbers whole and in part, two words at once,
and words no row holds. Deterministic for a given --seed.
"""
import argparse
import random
import sys
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

COMMON = ["宽带", "退费", "话费", "套餐", "故障", "投诉", "电梯", "发票", "物业", "快递", "断线", "上门", "漏水", "积分"]
PHRASES = ["无法上网", "机顶盒", "物业费", "频繁断线", "服务态度差", "停机保号", "重开发票", "指示灯不亮", "网络电视黑屏",
           "长时间未处理", "上次工单未解决", "西湖区文三路", "幸福小区", "承诺二十四小时内回复"]
NAMES = ["王伟", "张敏", "李娜", "刘强", "陈静", "杨洋", "赵丽", "黄杰", "周涛", "吴秀英", "孙建国", "马海燕"]
TWO_WORDS = ["宽带 投诉", "西湖区 漏水", "话费 退款", "电梯 上门", "发票 重开", "套餐 变更"]
NOTHING = ["量子纠缠", "火星基地", "恐龙化石", "zzqx"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--count", type=int, default=400)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    today = datetime.now(timezone(timedelta(hours=8)))
    out = []
    for _ in range(a.count):
        roll = rng.random()
        if roll < 0.25:
            q = rng.choice(COMMON)
        elif roll < 0.45:
            q = rng.choice(PHRASES)
        elif roll < 0.55:
            q = rng.choice(NAMES)
        elif roll < 0.70:
            # part of a phone: 4, 7 or all 11 digits
            phone = "1%d%09d" % (rng.randint(3, 9), rng.randint(0, 10 ** 9 - 1))
            q = rng.choice((phone[-4:], phone[:7], phone))
        elif roll < 0.82:
            day = (today - timedelta(days=rng.randint(0, 364))).strftime("%Y%m%d")
            q = rng.choice((f"GD{day}-{rng.randint(1, 2800):04d}", f"GD{day}", f"{rng.randint(1, 2800):04d}"))
        elif roll < 0.94:
            q = rng.choice(TWO_WORDS)
        else:
            q = rng.choice(NOTHING)
        out.append(quote(q))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
