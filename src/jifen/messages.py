"""Every user-facing word, in one catalogue: Chinese (default) and English.

``text(code, lang, **args)`` gives a message, ``hint(code, lang, **args)`` the
sentence on how to fix it (may be empty). Codes are what the library's
problems and errors carry; the library itself holds no words.
"""

from __future__ import annotations

import os
import string
from typing import Any

LANGS = ("zh", "en")

# code: (zh, en) or (zh, en, hint zh, hint en)
MESSAGES: dict[str, tuple[str, ...]] = {
    # --- YAML ---------------------------------------------------------------
    "yaml.bom": ("文件以字节顺序标记 (BOM) 开头", "the file starts with a byte-order mark (BOM)",
                 "请以不带 BOM 的 UTF-8 编码保存该文件。", "Save the file as UTF-8 without a BOM."),
    "yaml.not-utf8": ("文件不是 UTF-8 编码", "the file is not UTF-8 text",
                      "请以 UTF-8 编码保存该文件。", "Save the file as UTF-8."),
    "yaml.syntax": ("YAML 语法错误:{detail}", "YAML syntax error: {detail}",
                    "检查此处的缩进、冒号和引号。", "Check the indentation, colons and quotes here."),
    "yaml.alias": ("不允许使用 YAML 别名 (*)", "YAML aliases (*) are not allowed",
                   "把内容完整写出,不要引用别处。", "Write the value out in full."),
    "yaml.anchor": ("不允许使用 YAML 锚点 (&{anchor})", "YAML anchors (&{anchor}) are not allowed",
                    "删除锚点。", "Remove the anchor."),
    "yaml.tag": ("不允许使用 YAML 标签 ({tag})", "YAML tags ({tag}) are not allowed",
                 "删除标签,直接写值。", "Remove the tag and write the plain value."),
    "yaml.complex-key": ("键必须是普通文字", "keys must be plain text"),
    "yaml.duplicate-key": ("键 {key} 重复(第 {line} 行已有)", "duplicate key {key} (already on line {line})",
                           "每个键只写一次。", "Write each key once."),
    "yaml.want-scalar": ("{field} 应为单个值", "{field} must be a single value"),
    "yaml.want-int": ("{field} 应为整数,而不是 {text}", "{field} must be a whole number, not {text}"),
    "yaml.want-count": ("{field} 应为正整数,而不是 {text}", "{field} must be a whole number of at least 1, not {text}"),
    "yaml.want-number": ("{field} 应为数字,而不是 {text}", "{field} must be a number, not {text}",
                         "写成不带引号的数字,如 -1 或 -0.5。", "Write an unquoted number such as -1 or -0.5."),
    "yaml.want-date": ("{field} 应为日期 YYYY-MM-DD,而不是 {text}", "{field} must be a date YYYY-MM-DD, not {text}",
                       "写成不带引号的日期,如 2023-01-15。", "Write an unquoted date such as 2023-01-15."),
    "yaml.bad-date": ("{text} 不是有效日期", "{text} is not a real date"),
    "yaml.want-text": ("{field} 不能为空", "{field} must not be empty"),
    "yaml.want-choice": ("{field} 应为以下之一:{choices};而不是 {text}", "{field} must be one of: {choices}; not {text}"),
    "yaml.want-mapping": ("{what} 应为键值映射", "a {what} must be a mapping of keys to values"),
    "yaml.want-list": ("{field} 应为列表", "{field} must be a list"),
    "yaml.unknown-key": ("{what} 中有未知的键 {key}", "unknown key {key} in a {what}",
                         "可用的键:{keys}。", "Keys allowed here: {keys}."),
    "yaml.missing-key": ("{what} 缺少 {key}", "a {what} lacks {key}",
                         "补上 {key}。", "Add {key}."),
    # --- ledger -------------------------------------------------------------
    "ledger.not-a-list": ("台账应为事件列表(每个事件以 \"- id:\" 开头)", "a ledger must be a list of events (each starting \"- id:\")"),
    "ledger.not-a-mapping": ("事件应为键值映射", "an event must be a mapping of keys to values"),
    "ledger.unknown-kind": ("未知的事件类型 {kind}", "unknown event kind {kind}",
                            "可用的类型:{kinds}。", "Kinds: {kinds}."),
    "ledger.id-order": ("事件编号 {id} 未大于前一个编号 {last}", "event id {id} is not greater than the id before it ({last})",
                        "编号必须唯一且递增;新事件请用 jifen 命令追加。", "Ids must be unique and increasing; append new events with jifen."),
    "ledger.open-not-first": ("open 事件只能是台账的第一个事件", "an open event may only be the ledger's first event"),
    "ledger.no-open": ("台账的第一个事件应为 open(支部名称和方案)", "a ledger's first event must be open (the branch's name and scheme)",
                       "用 jifen init 新建台账。", "Start a ledger with jifen init."),
    "ledger.not-found": ("{path} 下没有台账 (ledger.yaml)", "no ledger (ledger.yaml) in {path}",
                         "用 --ledger 指定台账目录,或用 jifen init 新建。", "Name a ledger folder with --ledger, or create one with jifen init."),
    "ledger.none-chosen": ("未指定台账", "no ledger chosen",
                           "用 --ledger DIR 或环境变量 JIFEN_LEDGER 指定。已有台账:{found}", "Use --ledger DIR or set JIFEN_LEDGER. Ledgers found: {found}"),
    "ledger.has-problems": ("台账 {path} 有问题,未作任何更改", "the ledger {path} has problems; nothing was changed",
                            "运行 jifen check 查看全部问题。", "Run jifen check to see them all."),
    "ledger.unusable": ("台账 {path} 有问题,无法出表", "the ledger {path} has problems; no report was made",
                        "运行 jifen check 查看全部问题,用 jifen revoke 或补记事件更正。", "Run jifen check to see them all."),
    "ledger.torn-tail": ("最后一个事件不完整({bytes} 字节,没有结尾的换行或 by 行):写入时中断,或手工追加时漏写了 by",
                         "the last event is incomplete ({bytes} bytes, no final newline or no by line): an interrupted write, or a hand-written event without by",
                         "手工补全它;或运行 jifen repair,把这些字节移到备份文件,台账回到最后一个完整事件。",
                         "Complete it by hand, or run jifen repair: it moves these bytes to a backup file and leaves the log at its last whole event."),
    "ledger.torn-refuse": ("台账 {path} 的最后一个事件不完整,拒绝追加", "the last event of {path} is incomplete; refusing to append",
                           "先运行 jifen repair。", "Run jifen repair first."),
    "ledger.too-big": ("台账有 {size} 字节,超过上限 {limit}", "the ledger is {size} bytes, over the limit of {limit}",
                       "按年度拆分台账。", "Split the ledger by year."),
    "yaml.line-too-long": ("这一行超过 {limit} 字节", "this line is longer than {limit} bytes",
                           "台账和方案的每一行都应简短;检查文件是否损坏。", "Lines of ledgers and schemes are short; is the file damaged?"),
    "cli.repaired": ("已将 {bytes} 字节的不完整事件移到 {backup},台账回到第 {line} 行之前", "moved the {bytes}-byte torn event to {backup}; the log now ends before line {line}"),
    "cli.nothing-to-repair": ("台账完整,无需修复", "the log ends whole; nothing to repair"),
    "ledger.changed": ("台账 {path} 在读取后被改动,拒绝追加", "{path} changed after it was read; refusing to append",
                       "重新运行该命令。", "Run the command again."),
    "ledger.emit-mismatch": ("内部错误:新事件写出后无法原样读回,未写入", "internal error: the new event would not read back as written; nothing was written"),
    "ledger.exists": ("{path} 已存在", "{path} already exists"),
    "ledger.bad-text": ("文字中含有无效字符", "the text holds an invalid character"),
    # --- scheme -------------------------------------------------------------
    "scheme.no-file": ("找不到方案文件 {path}", "no scheme file {path}"),
    "scheme.unknown": ("未知方案 {scheme}", "unknown scheme {scheme}",
                       "已有方案:{known}。", "Schemes: {known}."),
    "scheme.has-problems": ("方案 {path} 有问题", "the scheme {path} has problems",
                            "运行 jifen scheme check {path}。", "Run jifen scheme check {path}."),
    "scheme.empty": ("方案文件为空", "the scheme file is empty"),
    "scheme.bad-precision": ("precision 应为 0 到 6", "precision must be 0 to 6"),
    "scheme.deduct-needs-max": ("扣分类别 {category} 需要 max(满分)", "deduct category {category} needs a max"),
    "scheme.weights-count": ("weights 应有 {count} 项,实有 {given} 项", "weights needs {count} entries, not {given}"),
    "scheme.duplicate-id": ("编号 {id} 重复(第 {line} 行已有)", "id {id} is used twice (first on line {line})"),
    "scheme.total-mismatch": ("各类别满分(或基础分)按权重之和为 {sum},与总分 {total} 不符", "the categories' full marks (or bases), weighted, add up to {sum}, not the total {total}"),
    "scheme.caps-on-deduct": ("扣分类别 {category} 不能设 caps", "deduct category {category} cannot have caps",
                              "上限只用于加分类别;扣分类别用 max 和 floor。", "Caps are for bonus categories; a deduct category has max and floor."),
    "scheme.band-open-below": ("等级 {band} 没有下限,却不是最后一档", "band {band} has no min but is not the last band"),
    "scheme.band-order": ("等级 {band} 的下限不低于上一档 {above}", "band {band} does not start below the band above it ({above})",
                          "等级从高到低排列。", "List bands from the top down."),
    "scheme.band-gap": ("等级之间有空档:{low} ≤ 分数 < {high} 不属于任何等级", "gap between bands: {low} <= score < {high} gets no grade"),
    "scheme.band-overlap": ("等级重叠:{low} ≤ 分数 < {high} 同时属于两档", "bands overlap: {low} <= score < {high} is in two bands"),
    "scheme.band-no-bottom": ("最后一档 {band} 有下限 {min}:更低的分数没有等级", "the last band {band} has a min ({min}): lower scores get no grade",
                              "最后一档不写 min。", "Leave min out of the last band."),
    "yaml.want-number-map": ("{field} 应为 名称: 数字 的映射", "{field} must map names to numbers"),
    "yaml.want-text-list": ("{field} 应为非空的文字列表", "{field} must be a non-empty list of texts"),
    "ledger.want-period": ("{field} 应为期间(2023-01、2023Q1 或 2023),而不是 {text}", "{field} must be a period (2023-01, 2023Q1 or 2023), not {text}"),
    "scheme.want-share": ("{field} 应为 0 到 1 之间的比例(如 1/3、40%、0.4),而不是 {text}", "{field} must be a share between 0 and 1 (1/3, 40%, 0.4), not {text}"),
    "scheme.want-decimal-share": ("{field} 应为有限小数(如 0.3),而不是 {text}", "{field} must be a finite decimal share (0.3), not {text}"),
    "scheme.category-needs": ("{type} 类别 {category} 需要 {key}", "{type} category {category} needs {key}"),
    "scheme.caps-on-non-bonus": ("类别 {category} 不是加分类别,不能设 caps", "category {category} is not a bonus category and cannot have caps",
                                 "上限只用于加分类别;扣分类别用 max 和 floor。", "Caps are for bonus categories; others have max and floor."),
    "scheme.requires-total-non-bonus": ("requires_total 只用于加分类别 ({category})", "requires_total is for bonus categories only ({category})"),
    "scheme.items-non-deduct": ("items 只用于扣分类别 ({category})", "items are for deduct categories only ({category})"),
    "scheme.evaluation-rules": ("评议类别 {category} 不能有 rules,分数来自评议事件", "evaluation category {category} takes no rules: its value comes from evaluations"),
    "scheme.panels-non-evaluation": ("panels 和 ratings 只用于评议类别 ({category})", "panels and ratings are for evaluation categories only ({category})"),
    "scheme.no-rules": ("类别 {category} 没有规则,永远是初始分", "category {category} has no rules: it always keeps its starting value"),
    "scheme.split-empty": ("类别 {category} 的分摊比例都为 0", "category {category} splits nothing to anyone"),
    "scheme.split-needs-secretary": ("类别 {category} 分摊给书记,但 roles 中没有 secretary", "category {category} shares points with the secretary, but roles has no secretary"),
    "scheme.unknown-role": ("未知角色 {role}", "unknown role {role}", "方案的 roles:{roles}。", "The scheme's roles: {roles}."),
    "scheme.items-mismatch": ("类别 {category} 各项满分之和为 {sum},不等于 max {max}", "the items of {category} add up to {sum}, not its max {max}"),
    "scheme.aspects-mismatch": ("类别 {category} 各方面分值之和为 {sum},不等于 out_of {out_of}", "the aspects of {category} add up to {sum}, not its out_of {out_of}"),
    "scheme.rule-needs-item": ("类别 {category} 分项计分,规则 {rule} 需写 item", "category {category} has items: rule {rule} must name its item"),
    "scheme.unknown-item": ("规则 {rule} 的 item {item} 不存在", "rule {rule} names an unknown item {item}", "可用的项:{items}。", "Items: {items}."),
    "scheme.rule-needs-full": ("{kind} 规则 {rule} 需要所在项或类别有满分", "{kind} rule {rule} needs its item or category to have full marks"),
    "scheme.never-applies": ("规则 {rule} 在类别 {category} 中永远不起作用(方向相反)", "rule {rule} can never apply in category {category} (its sign is the wrong way)"),
    "scheme.level-outside": ("规则 {rule} 有等级分超出 0 到 {max}", "rule {rule} has a level outside 0 to {max}"),
    "scheme.zero-quota": ("等级 {band} 的名额为 0,没有人能获得", "band {band} has a quota of 0: nobody can hold it"),
    "scheme.flag-month-only": ("标记 {flag}:rank_at_most、deductions_over、months_running 只用于 per: month", "flag {flag}: rank_at_most, deductions_over and months_running need per: month"),
    "scheme.flag-year-only": ("标记 {flag}:top、bottom、veto 只用于年度", "flag {flag}: top, bottom and veto are for the year only"),
    "scheme.flag-no-condition": ("标记 {flag} 没有条件", "flag {flag} has no condition"),
    # --- rules --------------------------------------------------------------
    "rule.field-not-taken": ("{kind} 规则 {rule} 不接受 {field}", "{kind} rule {rule} takes no {field}"),
    "rule.graded-needs-level": ("规则 {rule} 需给出等级", "rule {rule} needs a level", "用 --level 给出:{levels}。", "Give --level, one of: {levels}."),
    "rule.rate-needs-measure": ("规则 {rule} 需给出实测值(如出勤率)", "rule {rule} needs the measured value (e.g. the attendance rate)",
                                "用 --measure 给出,如 93.5(标准为 {threshold})。", "Give --measure, e.g. 93.5 (the threshold is {threshold})."),
    "rule.bad-step": ("step 应大于 0", "step must be above 0"),
    "rule.zero-points": ("规则 {rule} 的分值为 0", "rule {rule} is worth 0 points"),
    "rule.fixed-takes-no-points": ("规则 {rule} 分值固定为 {points},不能另给分值", "rule {rule} is worth a fixed {points}; points cannot be given",
                                   "去掉 --points;多次用 --count。", "Drop --points; use --count for several occurrences."),
    "rule.range-inverted": ("规则 {rule} 的 min {min} 大于 max {max}", "rule {rule} has min {min} above max {max}"),
    "rule.range-needs-points": ("规则 {rule} 为酌情扣(加)分,需给出分值", "rule {rule} is discretionary: give the points",
                                "用 --points 给出 {min} 到 {max} 之间的分值。", "Give --points between {min} and {max}."),
    "rule.range-takes-no-count": ("酌情规则 {rule} 不能用 count", "discretionary rule {rule} takes no count",
                                  "每次记一条。", "Record one event per occurrence."),
    "rule.range-outside": ("分值 {points} 超出规则 {rule} 的范围 {min} 到 {max}", "points {points} are outside rule {rule}'s range {min} to {max}"),
    # --- events -------------------------------------------------------------
    "event.revoked-twice": ("事件 {target} 已被撤销(事件 {by})", "event {target} is already revoked (by event {by})"),
    "event.future": ("日期 {date} 晚于今天 {today}", "the date {date} is after today ({today})",
                     "用 --date 给出事情发生的日期。", "Give the day it happened with --date."),
    "event.unknown-target": ("没有更早的事件 {target}", "there is no earlier event {target}",
                             "用 jifen show 查看事件编号。", "Look up event ids with jifen show."),
    "event.wrong-target": ("事件 {target} 是 {kind},不能 {action}", "event {target} is a {kind} event: {action} does not apply to it",
                           "{action} 只用于:{kinds}。", "{action} applies to: {kinds}."),
    "event.rejected-with-values": ("驳回的裁定不能给出新分值", "a rejected appeal's ruling gives no new values",
                                   "维持原记录用 rejected;改分用 upheld 并给出新值。", "Use upheld with the new values, or rejected alone."),
    "event.amend-nothing": ("更正没有给出任何新值", "the amendment changes nothing",
                            "给出 --points、--rule、--count、--level 或 --measure;要取消请用 jifen revoke。", "Give --points, --rule, --count, --level or --measure; to cancel, use jifen revoke."),
    "event.cannot-change": ("事件 {target} 不是记分,不能改分", "event {target} is not a score and cannot take new values"),
    "event.want-quarter": ("{period} 不是季度", "{period} is not a quarter", "写成 2024Q1。", "Write it as 2024Q1."),
    "event.decided-twice": ("申报 {target} 已有决定(事件 {by})", "declaration {target} is already decided (event {by})"),
    "event.ruled-twice": ("异议 {target} 已有裁定(事件 {by})", "appeal {target} already has a ruling (event {by})"),
    "event.closed-twice": ("{period} 已经关闭", "{period} is already closed"),
    "event.close-with-appeals": ("{period} 还有未裁定的异议:{appeals}", "{period} still has open appeals: {appeals}",
                                 "先用 jifen ruling 裁定。", "Rule on them first with jifen ruling."),
    "event.closed-period": ("{period} 已关闭,不能再改动", "{period} is closed",
                            "确需更正的,加 --late --reason 说明,记为逾期更正。", "If it must be corrected, give --late with --reason: it is recorded as a late correction."),
    "event.appeal-outside-notice": ("不在 {period} 的公示期内", "not within a notice period of {period}",
                                    "公示期内才能提出异议(jifen notice);逾期的加 --late --reason。", "Objections are taken during the notice (jifen notice); a late one needs --late with --reason."),
    "event.unknown-subject": ("未知成员 {subject}", "unknown member {subject}",
                              "是否指 {close}?用 jifen member list 查看名单。", "Did you mean {close}? See jifen member list."),
    "event.not-member-then": ("{name} ({subject}) 在 {date} 不在本支部", "{name} ({subject}) was not in the branch on {date}",
                              "检查日期,或先登记入党/转入 (jifen member add)。", "Check the date, or record the joining first (jifen member add)."),
    "event.unknown-rule": ("方案 {scheme} 中没有规则 {rule}", "scheme {scheme} has no rule {rule}",
                           "是否指 {close}?用 jifen scheme show {scheme} 查看规则。", "Did you mean {close}? See jifen scheme show {scheme}."),
    "event.already-member": ("{name} ({subject}) 已在本支部", "{name} ({subject}) is already in the branch"),
    "event.unknown-role": ("未知角色 {role}", "unknown role {role}", "方案的 roles:{roles}。", "The scheme's roles: {roles}."),
    "event.unknown-panel": ("方案 {scheme} 中没有评议类型 {panel}", "scheme {scheme} has no evaluation panel {panel}",
                            "可用的评议类型:{panels}。", "Panels: {panels}."),
    "event.score-or-rating": ("评议需给出分数或等次之一", "an evaluation needs a score or a rating, not both or neither",
                              "用 --score 给出分数,或用 --rating 给出等次({ratings})。", "Give --score, or --rating ({ratings})."),
    "event.unknown-rating": ("未知等次 {rating}", "unknown rating {rating}", "可用的等次:{ratings}。", "Ratings: {ratings}."),
    "event.score-outside": ("评分 {score} 超出 0 到 {out_of}", "score {score} is outside 0 to {out_of}"),
    "event.period-kind": ("评议期间 {period} 不是本方案的计分期间({kind})", "evaluation period {period} is not a {kind}, the scheme's scoring period",
                          "用 --period 给出,如 2023(年)、2023Q1(季)、2023-01(月)。", "Give --period, e.g. 2023, 2023Q1 or 2023-01."),
    "event.not-member-in-period": ("{name} ({subject}) 在 {period} 不在本支部", "{name} ({subject}) did not belong to the branch in {period}"),
    "event.no-exemption": ("方案 {scheme} 没有免于考核的规定", "scheme {scheme} has no exemption"),
    # --- command line ---------------------------------------------------------
    "cli.bad-period": ("无法识别的期间 {text}", "not a period: {text}",
                       "月写 2023-01,季度写 2023Q1,年写 2023。", "Write a month as 2023-01, a quarter as 2023Q1, a year as 2023."),
    "cli.one-period": ("请只给出 --month、--quarter、--year 中的一个", "give exactly one of --month, --quarter, --year"),
    "cli.bad-date": ("无法识别的日期 {text}", "not a date: {text}", "写成 YYYY-MM-DD。", "Write YYYY-MM-DD."),
    "cli.bad-number": ("无法识别的数字 {text}", "not a number: {text}"),
    "cli.unknown-subject": ("没有名为 {text} 的成员", "no member is called {text}",
                            "用 jifen member list 查看编号和姓名。", "See ids and names with jifen member list."),
    "cli.ambiguous-subject": ("有多名成员叫 {text}:{ids}", "several members are called {text}: {ids}",
                              "改用成员编号。", "Use the member id instead."),
    "cli.subjects-mismatch": ("方案 {scheme} 考核的是 {subjects},不是 {given}", "scheme {scheme} scores {subjects}, not {given}",
                              "去掉 --subjects,或换用考核 {given} 的方案。", "Drop --subjects, or choose a scheme that scores {given}."),
    "cli.id-taken": ("编号 {id} 已被使用", "the id {id} is taken"),
    "cli.appended": ("已追加事件 {id}:", "appended event {id}:"),
    "cli.created": ("已新建台账 {path}", "created the ledger {path}"),
    "cli.problems": ("发现 {count} 个问题", "{count} problem(s) found"),
    "cli.warnings": ("另有 {count} 个提醒(不影响使用)", "and {count} warning(s) (not stopping use)"),
    "cli.only-warnings": ("未发现错误,{count} 个提醒", "no errors, {count} warning(s)"),
    "label.warning": ("提醒", "warning"),
    "cli.no-problems": ("未发现问题:{events} 个事件,方案 {scheme}", "no problems: {events} events, scheme {scheme}"),
    "cli.scheme-ok": ("方案 {scheme} 无问题", "scheme {scheme}: no problems"),
    "cli.no-rows": ("该期间没有成员", "nobody belonged to the branch in this period"),
    # --- labels -------------------------------------------------------------
    "label.rank": ("名次", "Rank"),
    "label.member_id": ("编号", "Id"),
    "label.member": ("党员", "Member"),
    "label.branch-subject": ("支部", "Branch"),
    "label.score": ("得分", "Score"),
    "label.bonus": ("加分", "Bonus"),
    "label.veto": ("否决", "Veto"),
    "label.grade": ("等级", "Grade"),
    "label.id": ("编号", "Id"),
    "label.date": ("日期", "Date"),
    "label.kind": ("类型", "Kind"),
    "label.rule": ("规则", "Rule"),
    "label.points": ("分值", "Points"),
    "label.note": ("说明", "Note"),
    "label.by": ("记录人", "By"),
    "label.revoked": ("已撤销", "Revoked"),
    "label.running": ("本季累计", "Quarter so far"),
    "label.name": ("名称", "Name"),
    "label.category": ("类别", "Category"),
    "label.max": ("满分", "Max"),
    "label.rule-kind": ("方式", "Kind"),
    "label.value": ("分值", "Value"),
    "label.joined": ("加入", "Joined"),
    "label.left": ("离开", "Left"),
    "label.status": ("状态", "Status"),
    "label.active": ("在册", "active"),
    "label.gone": ("已离开", "left"),
    "label.yes": ("是", "yes"),
    "label.period": ("期间", "Period"),
    "label.path": ("文件", "File"),
    "label.description": ("说明", "Description"),
    "note.quota": ("因名额限制未评为该等次:{names}", "kept out of a band by its quota: {names}"),
    "label.item": ("分项", "Item"),
    "note.example-values": ("注意:原文未给出具体分值,本方案的分值为示例,使用前请按本支部标准修改。",
                            "Note: the source gives no numbers; this scheme's values are examples to replace with the branch's own."),
    "label.exempt": ("免于考核", "Exempt"),
    "label.stars": ("星级", "Stars"),
    "label.eligible": ("可评先评优", "Eligible"),
    "label.flags": ("后续事项", "Follow-up"),
    "flag.quota": ("超出名额", "over quota"),
    "flag.veto": ("一票否决", "veto"),
    "eligible.True": ("是", "yes"),
    "eligible.False": ("否", "no"),
    "kind.eval": ("评议", "evaluation"),
    "kind.exempt": ("免于考核", "exempt"),
    "note.period": ("{period}:{score}", "{period}: {score}"),
    "title.report": ("{branch} 党员量化积分 {period}(方案 {scheme})", "{branch}: points for {period} (scheme {scheme})"),
    "title.grade": ("{branch} {year} 年度党员量化积分评定(方案 {scheme})", "{branch}: annual grades {year} (scheme {scheme})"),
    "title.show": ("{member}({member_id})积分明细", "Statement of {member} ({member_id})"),
    "title.members": ("{branch} 名单", "{branch}: roster"),
    "title.scheme": ("方案 {scheme}:{name}", "Scheme {scheme}: {name}"),
    "kind.fixed": ("固定", "fixed"),
    "kind.range": ("酌情 {min}~{max}", "discretionary {min} to {max}"),
    "kind.score": ("记分", "score"),
    "kind.veto": ("一票否决", "veto"),
    "kind.revoke": ("撤销", "revoke"),
    "kind.join": ("加入", "join"),
    "kind.leave": ("离开", "leave"),
    "kind.open": ("建账", "open"),
}


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, args: dict[str, Any]) -> str:
    return string.Formatter().vformat(template, (), _Keep({k: "" if v is None else v for k, v in args.items()}))


def lang_from_env(value: str | None = None) -> str:
    """The language asked for (``--lang``, else ``JIFEN_LANG``), ``zh`` by default."""
    chosen = (value or os.environ.get("JIFEN_LANG") or "zh").lower()
    return "en" if chosen.startswith("en") else "zh"


def known(code: str) -> bool:
    """Whether the catalogue has ``code``."""
    return code in MESSAGES


def text(code: str, lang: str = "zh", **args: Any) -> str:
    """The message for ``code`` in ``lang``, filled with ``args``."""
    entry = MESSAGES.get(code)
    if entry is None:
        return code + (" " + " ".join(f"{k}={v}" for k, v in args.items()) if args else "")
    return _fill(entry[LANGS.index(lang)], args)


def hint(code: str, lang: str = "zh", **args: Any) -> str:
    """How to fix what ``code`` reports, in ``lang``; empty if the catalogue has none."""
    entry = MESSAGES.get(code, ())
    if len(entry) < 4:
        return ""
    hint_text = entry[2 + LANGS.index(lang)]
    if "{close}" in hint_text and not args.get("close"):
        hint_text = hint_text.split("?", 1)[-1].split("?", 1)[-1].strip()
    return _fill(hint_text, args)
