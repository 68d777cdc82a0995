"""The printable case summary (ReportLab, A4, Indonesian by default: the reader's language).

It holds what a case conference or a referral letter needs and no more: the person's name, sex, age and home
regency, the NIK masked unless the reader may unmask identifiers, and the case's state, latest assessment, plan,
services, referrals, open tasks and timeline — each part only when the reader may read it over the case's region.
Case notes are never printed; no phone, family-card or account number appears.
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from bangkit.cases import selectors
from bangkit.cases.choices import AtensiComponent
from bangkit.cases.models import Case, PlanLine, Referral, ServiceDelivery
from bangkit.cases.screening import srq20_flagged
from bangkit.cases.services.access import holds_on_case

# The PDF's built-in fonts cover Latin-1: other characters typed into the application are written plainly.
_PLAIN = str.maketrans({"→": "->", "“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."})


def _latin1(text: Any) -> str:
    value = str(text if text is not None else "").translate(_PLAIN)
    if all(ord(char) < 256 for char in value):
        return value
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if ord(char) < 256 and not unicodedata.combining(char))


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(_latin1(text)), style)


def _date(value: Any) -> str:
    return value.strftime("%d-%m-%Y") if value else "-"


def case_summary_pdf(*, case: Case, user: Any, unmask_nik: bool) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9, leading=11)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.grey)
    heading = ParagraphStyle("heading", parent=styles["Heading2"], fontSize=12, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", parent=styles["Title"], fontSize=16)

    def table(rows: list[list[Any]], widths: list[float] | None = None, header: bool = True) -> Table:
        cells = [[cell if isinstance(cell, Paragraph) else _p(cell, body) for cell in row] for row in rows]
        result = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
        result.setStyle(TableStyle(style))
        return result

    person = case.person
    now = timezone.localtime()
    nik = (person.nik or "-") if unmask_nik else (person.masked_nik or "-")
    age = person.age_on(timezone.localdate())
    story: list[Any] = [
        _p(_("Ringkasan Kasus"), title),
        _p(
            _("Nomor kasus %(number)s · dicetak %(when)s oleh %(who)s · RAHASIA")
            % {"number": case.number, "when": now.strftime("%d-%m-%Y %H:%M %Z"), "who": user.full_name or user.email},
            small,
        ),
        Spacer(1, 4 * mm),
        _p(_("Orang"), heading),
        table(
            [
                [_("Nama"), person.full_name],
                [_("NIK"), nik],
                [_("Jenis kelamin"), person.get_sex_display()],
                [_("Umur"), _("%(age)d tahun") % {"age": age} if age is not None else "-"],
                [_("Kabupaten/kota asal"), case.region.name],
            ],
            [45 * mm, 125 * mm],
            header=False,
        ),
        _p(_("Kasus"), heading),
        table(
            [
                [_("Nomor"), case.number],
                [_("Kategori"), case.get_category_display()],
                [_("Tahap"), case.get_state_display()],
                [_("Prioritas"), case.get_priority_display()],
                [_("Sumber rujukan"), case.get_referral_source_display()],
                [_("Organisasi penanggung jawab"), case.organisation.name],
                [
                    _("Pendamping"),
                    (case.case_worker.full_name or case.case_worker.email) if case.case_worker else "-",
                ],
                [_("Tanggal dibuka"), _date(case.opened_on)],
                [_("Tanggal selesai"), _date(case.closed_on)],
                [_("Alasan penutupan"), case.get_closure_reason_display() or case.closure_note or "-"],
            ],
            [45 * mm, 125 * mm],
            header=False,
        ),
    ]

    if holds_on_case(user, "cases.view_assessment", case):
        latest = selectors.assessments(user=user, case=case).first()
        story.append(_p(_("Asesmen terakhir"), heading))
        if latest is None:
            story.append(_p(_("Belum ada asesmen."), body))
        else:
            needs = [str(AtensiComponent(need.component).label) for need in latest.needs.all() if need.needed]
            risks = [factor.get_factor_display() for factor in latest.risk_factors.all() if factor.present]
            srq = "-"
            if latest.srq20_score is not None:
                srq = _("%(score)d dari 20") % {"score": latest.srq20_score}
                if srq20_flagged(latest.srq20_answers):
                    srq += " - " + _("perlu rujukan ke layanan kesehatan jiwa")
            story.append(
                table(
                    [
                        [_("Asesmen ke-"), str(latest.sequence)],
                        [_("Tanggal"), _date(latest.assessed_on)],
                        [_("Skor SRQ-20"), srq],
                        [
                            _("Stres / depresi / isolasi"),
                            f"{latest.get_stress_display()} / {latest.get_depression_display()} / "
                            f"{latest.get_isolation_display()}",
                        ],
                        [_("Situasi keluarga"), latest.get_family_situation_display()],
                        [_("Kebutuhan (ATENSI)"), ", ".join(needs) or "-"],
                        [_("Faktor risiko"), ", ".join(risks) or "-"],
                        [_("Kesimpulan"), latest.summary or "-"],
                    ],
                    [45 * mm, 125 * mm],
                    header=False,
                )
            )

    if holds_on_case(user, "cases.view_planline", case):
        lines = PlanLine.objects.filter(case=case).select_related("responsible_organisation").order_by("due_on", "id")
        story.append(_p(_("Rencana intervensi"), heading))
        rows = [[_("Komponen"), _("Kegiatan"), _("Penanggung jawab"), _("Target"), _("Status")]]
        rows += [
            [
                line.get_component_display(),
                line.description,
                line.responsible_organisation.name if line.responsible_organisation else "-",
                _date(line.due_on),
                line.get_status_display(),
            ]
            for line in lines
        ]
        story.append(table(rows, [35 * mm, 55 * mm, 35 * mm, 20 * mm, 25 * mm]) if len(rows) > 1 else _p("-", body))

    if holds_on_case(user, "cases.view_servicedelivery", case):
        services = ServiceDelivery.objects.filter(case=case).select_related("provider").order_by("-delivered_on", "-id")
        story.append(_p(_("Layanan yang diberikan"), heading))
        rows = [[_("Tanggal"), _("Jenis"), _("Komponen"), _("Pemberi layanan")]]
        rows += [
            [
                _date(service.delivered_on),
                service.get_kind_display(),
                service.get_component_display(),
                service.provider.name if service.provider else service.provider_name or "-",
            ]
            for service in services
        ]
        story.append(table(rows, [22 * mm, 50 * mm, 50 * mm, 48 * mm]) if len(rows) > 1 else _p("-", body))

    if holds_on_case(user, "cases.view_referral", case):
        referrals = Referral.objects.filter(case=case).select_related("to_organisation").order_by("-referred_on", "-id")
        story.append(_p(_("Rujukan"), heading))
        rows = [[_("Tanggal"), _("Layanan"), _("Tujuan"), _("Status"), _("Dasar")]]
        rows += [
            [
                _date(referral.referred_on),
                referral.get_service_display(),
                referral.to_organisation.name if referral.to_organisation else referral.to_name,
                referral.get_status_display(),
                _("persetujuan") if referral.consent_id else _("pengecualian supervisor"),
            ]
            for referral in referrals
        ]
        story.append(table(rows, [22 * mm, 35 * mm, 55 * mm, 25 * mm, 33 * mm]) if len(rows) > 1 else _p("-", body))

    if holds_on_case(user, "cases.view_task", case):
        tasks = selectors.case_tasks(user=user, case=case).filter(done_at__isnull=True)
        story.append(_p(_("Tugas yang belum selesai"), heading))
        rows = [[_("Batas waktu"), _("Tugas"), _("Ditugaskan kepada")]]
        rows += [
            [_date(task.due_on), task.title, task.assigned_to.full_name or task.assigned_to.email] for task in tasks
        ]
        story.append(table(rows, [25 * mm, 100 * mm, 45 * mm]) if len(rows) > 1 else _p("-", body))

    if holds_on_case(user, "cases.view_caseevent", case):
        events = selectors.case_timeline(user=user, case=case)
        story.append(_p(_("Riwayat kasus"), heading))
        rows = [[_("Waktu"), _("Kejadian")]]
        rows += [
            [timezone.localtime(event.at).strftime("%d-%m-%Y %H:%M"), f"{event.get_kind_display()}: {event.summary}"]
            for event in events
        ]
        story.append(table(rows, [30 * mm, 140 * mm]))

    buffer = io.BytesIO()

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(
            15 * mm,
            10 * mm,
            _latin1(
                _("%(number)s · halaman %(page)d · dokumen rahasia, jangan disebarkan")
                % {"number": case.number, "page": document.page}
            ),
        )
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=_latin1(_("Ringkasan kasus %(number)s") % {"number": case.number}),
        author="Bangkit",
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
