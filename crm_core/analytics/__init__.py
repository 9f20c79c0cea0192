"""The analytical CRM: report queries (aggregated in SQL, plain dict rows for pages, charts and CSV), the
KPI formulas they share (formulas.py, each written once) and Erlang C staffing. No Flask here: every report
takes a session and a ReportFilter."""

from .agents import agent_dispositions, agent_performance
from .erlang import agents_needed
from .export import report_csv
from .filters import INTERVAL_MINUTES, ReportFilter
from .funnel import sales_forecast, sales_funnel
from .ivr import asked_order_statuses, ivr_exit_steps, ivr_summary
from .queues import queue_report, report_zone
from .staffing import measured_aht, staffing_plan

__all__ = [
    "INTERVAL_MINUTES", "ReportFilter", "agent_dispositions", "agent_performance", "agents_needed",
    "asked_order_statuses", "ivr_exit_steps", "ivr_summary", "measured_aht",
    "queue_report", "report_csv", "report_zone", "sales_forecast", "sales_funnel", "staffing_plan",
]
