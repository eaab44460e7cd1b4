"""What the demo is made of: the five regions and their plans, the accounts, and the Chinese phrases its
reports, returns and escalations are written from. Data only; the generator is in qcity.demo.build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_SEED = 20240611
PASSWORD = "qcity-demo"  # every demo account; printed by `qcity demo`, never used outside the demo database


@dataclass(frozen=True)
class DemoRegion:
    """A region of the demo, the plan file imported into it, and the regions above it (GB/T 2260 codes)."""

    slug: str
    file: str
    code: str
    name: str
    level: str
    parents: tuple[tuple[str, str, str], ...]  # (code, name, level), top first
    frequency: str = "quarterly"

    @property
    def full_name(self) -> str:
        top = self.parents[0][1] if self.parents else ""
        return self.name if self.name.startswith(top) or top.endswith("省") else top + self.name

    @property
    def path(self) -> Path:
        return DATA_DIR / self.file


HUBEI = ("420000", "湖北省", "province")
GUANGDONG = ("440000", "广东省", "province")
HEILONGJIANG = ("230000", "黑龙江省", "province")
JIAMUSI = ("230800", "佳木斯市", "city")
CHONGQING = ("500000", "重庆市", "province")
ANHUI = ("340000", "安徽省", "province")
LIUAN = ("341500", "六安市", "city")

REGIONS: tuple[DemoRegion, ...] = (
    DemoRegion("yichang", "yichang-2023.txt", "420500", "宜昌市", "city", (HUBEI,)),
    DemoRegion("zhanjiang", "zhanjiang-2018.txt", "440800", "湛江市", "city", (GUANGDONG,)),
    DemoRegion("tongjiang", "tongjiang-2016.txt", "230881", "同江市", "county", (HEILONGJIANG, JIAMUSI)),
    DemoRegion("dadukou", "dadukou-2024.txt", "500104", "大渡口区", "district", (CHONGQING,)),
    DemoRegion("huoshan", "huoshan-2021.txt", "341525", "霍山县", "county", (ANHUI, LIUAN)),
)
FLAGSHIP = "yichang"  # its accounts are demo_office / demo_leader / demo_liaison1 / demo_liaison2

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈"
)
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "丽",
         "华", "平", "刚", "建华", "晓东", "海燕", "志强", "文博", "雪梅", "国庆", "红霞", "立新", "思远", "佳怡")  # fmt: skip

# --- progress report texts: filled from the task title, the unit, the period and a few seeded numbers ---------

OPENINGS = (
    "{period}，{unit}围绕“{title}”任务",
    "本期，{unit}对照任务分解表，聚焦“{title}”",
    "{period}，我单位（{unit}）按照方案要求，扎实推进“{title}”",
)
ACTIONS = (
    "召开专题推进会{a}次，进一步明确责任分工和时间节点",
    "制定印发年度工作要点，细化工作措施{a}条",
    "会同相关单位开展联合调研{a}次，梳理问题清单{b}项",
    "开展专项检查{a}次，检查企业{c}家，督促整改问题{b}个",
    "组织业务培训{a}场，培训相关人员{d}人次",
    "走访重点企业{c}家，帮助解决质量技术难题{b}个",
    "建立工作台账，实行清单化管理、销号式推进",
    "将相关工作纳入部门年度重点工作，主要负责同志亲自调度",
    "通过政务网站、微信公众号等渠道发布宣传信息{a}条",
)
RESULTS = (
    "目前各项工作按计划有序推进",
    "阶段性目标已基本完成",
    "工作取得初步成效，相关指标稳中有升",
    "部分工作进度略低于预期，已分析原因并制定补进措施",
)
NEXT_STEPS = (
    "下一步，将持续跟踪落实，确保按期完成年度目标任务。",
    "下一步，将加强部门协同，推动重点难点问题尽快解决。",
    "下一步，将及时总结经验做法，形成可复制推广的典型案例。",
    "下一步，将加大督促检查力度，确保各项措施落地见效。",
)
COMPLETED = (
    "截至本期，“{title}”各项工作已全部完成，累计开展专项行动{a}次、覆盖企业{c}家，已形成工作总结并归档备查。",
    "本期已完成“{title}”全部既定任务，相关制度文件已印发实施，工作台账完整，申请销号。",
)
REVISED = "（已根据审核意见补充完善：补充了具体数据和佐证材料。）"
DELAYED = "受{cause}影响，进度滞后于计划，已调整工作安排，力争尽快追上进度。"
DELAY_CAUSES = ("项目审批周期较长", "配套资金尚未到位", "牵头协调事项较多", "企业配合程度不一")

RETURN_REASONS = (
    "进展情况过于笼统，请补充具体数据（检查企业数、整改问题数等）。",
    "缺少佐证材料，请上传会议纪要或工作台账后重新提交。",
    "完成百分比与所述进展不符，请核实后重新填报。",
    "未说明下一步工作计划，请补充。",
    "报告内容与本任务关联不紧密，请对照任务分解表重新填写。",
)
ESCALATION_MISSING = "{task}：{period}进展报告逾期未报送，请于{respond_by}前补报并书面说明原因。"
ESCALATION_OVERDUE = "{task}：已超过完成时限仍未完成，请抓紧推进，并于{respond_by}前书面报告进展及整改措施。"
ESCALATION_RESPONSES = (
    "已收悉，我单位将于规定时间内补报进展报告。",
    "已召开专题会议研究，制定整改措施，确保按期完成。",
    "已安排专人负责，近期将报送书面说明。",
    "收到督办通知后立即部署，目前已完成主要工作，详见本期进展报告。",
)
EVIDENCE_FILES = ("工作推进会会议纪要.txt", "工作台账.txt", "专项检查情况汇总.txt", "培训签到表.txt")

# --- the assessment scheme (考核细则) used where the assessment feature exists ---------------------------------


def assessment_scheme(year: int) -> dict[str, object]:
    """100 points: 工作落实 60 from the supervision data, 措施落实 40 self-assessed with evidence."""
    data = [
        {"code": "1.1", "name": "按时报送", "points": 20, "method": "data", "metric": "on_time_report_rate",
         "criteria": "按时报送率×分值", "data_source": "工作督查系统"},
        {"code": "1.2", "name": "一次通过", "points": 10, "method": "data", "metric": "first_time_accept_rate",
         "if_no_data": "zero", "criteria": "一次审核通过率×分值", "data_source": "工作督查系统"},
        {"code": "1.3", "name": "督办情况", "points": 10, "method": "data", "metric": "escalations",
         "formula": "deduct", "deduct_per_unit": 2, "floor": 0, "criteria": "每被督办1次扣2分，扣完为止"},
        {"code": "1.4", "name": "目标进展", "points": 20, "method": "data", "metric": "targets_on_track",
         "criteria": "负责指标达标进度"},
    ]  # fmt: skip
    manual = [
        {"code": "2.1", "name": "组织领导", "points": 15, "method": "manual", "evidence_required": True,
         "criteria": "成立工作专班并召开专题会议", "evidence_note": "会议纪要、发文"},
        {"code": "2.2", "name": "制度建设", "points": 10, "method": "manual", "evidence_required": True,
         "criteria": "建立质量工作相关制度", "evidence_note": "制度文件"},
        {"code": "2.3", "name": "创新举措", "points": 15, "method": "manual",
         "criteria": "工作有创新、有特色、有成效"},
    ]  # fmt: skip
    return {
        "name": "质量强市工作考核细则",
        "code": "qcity-demo",
        "total_points": 100,
        "year_start_month": 1,
        "items": [
            {"code": "1", "name": "工作落实", "points": 60, "children": data},
            {"code": "2", "name": "措施落实", "points": 40, "children": manual},
        ],
        "bonus": {"cap": 4, "items": [{"code": "B1", "name": "获得政府质量奖", "cap": 3, "criteria": "每项加1分"},
                                      {"code": "B2", "name": "经验做法被上级推广", "cap": 2}]},
        "penalty": {"cap": 6, "items": [{"code": "P1", "name": "被上级通报批评", "cap": 5}]},
        "veto": [{"code": "V1", "name": "发生区域性质量安全事件", "criteria": "经认定的区域性、系统性质量安全事件"}],
    }  # fmt: skip
